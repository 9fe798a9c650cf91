"""Split a landing file into numbered lines, a block at a time, with numpy instead of a Python loop per line.

Each chunk also says which lines are *plain*: non-empty, printable ASCII only, and none of the caller's extra
special bytes. The bulk parsers validate plain lines in DuckDB and hand every other line to the reference
(line-by-line) parser, so odd bytes, quoting and escapes are always judged by one implementation.
Lines are numbered from 1 like `data.split(b"\\n")` with a trailing empty piece dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CHUNK_BYTES = 64 * 1024 * 1024
NEWLINE = 10


@dataclass
class LineChunk:
    first_line_no: int          # number of lines[0] in the file (1-based)
    lines: pa.BinaryArray       # the lines, without their newline
    plain: np.ndarray           # bool per line

    @property
    def line_nos(self) -> np.ndarray:
        return np.arange(self.first_line_no, self.first_line_no + len(self.lines), dtype=np.int64)


def _odd_bytes(buf: np.ndarray, ends: np.ndarray, extra: bytes) -> np.ndarray:
    """Positions of control bytes, non-ASCII bytes and the extra special bytes (comparisons beat a lookup table)."""
    mask = (buf < 0x20) | (buf >= 0x7F)
    for b in extra:
        mask |= buf == b
    mask[ends] = False
    return np.flatnonzero(mask)


def _chunk(block: bytes, first_line_no: int, extra: bytes) -> LineChunk:
    """`block` holds whole lines, each ending in a newline."""
    buf = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(buf == NEWLINE)
    n = len(ends)
    starts = np.empty(n, dtype=np.int64)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1
    offsets = np.empty(n + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:] = ends + 1
    with_newline = pa.LargeBinaryArray.from_buffers(pa.large_binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(buf)])
    lines = pc.binary_slice(with_newline, 0, -1)
    plain = ends > starts
    plain[np.searchsorted(ends, _odd_bytes(buf, ends, extra))] = False
    return LineChunk(first_line_no, lines, plain)


def iter_line_chunks(path: Path, extra_special: bytes = b"", chunk_bytes: int = CHUNK_BYTES) -> Iterator[LineChunk]:
    next_line_no, carry = 1, b""
    with open(path, "rb") as f:
        while True:
            block = f.read(chunk_bytes)
            if not block:
                if carry:   # a last line without its newline is still a line
                    yield _chunk(carry + b"\n", next_line_no, extra_special)
                return
            data = carry + block
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                carry = data
                continue
            carry = data[cut:]
            chunk = _chunk(data[:cut], next_line_no, extra_special)
            next_line_no += len(chunk.lines)
            yield chunk
