"""The `kinerja` console script leaves without the interpreter's teardown (cli._leave): what an exit must do
still happens."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import atexit, os, sys
    from pathlib import Path
    from orchestration.cli import _leave
    from orchestration.lib.worker_pool import worker_pool

    out = Path(sys.argv[1])
    pool = worker_pool(())
    workers = {pool.submit(os.getpid).result() for _ in range(8)}
    out.joinpath("workers").write_text(" ".join(map(str, sorted(workers))))
    atexit.register(lambda: out.joinpath("atexit").write_text("ran"))
    print("last line before the exit", end="")   # no newline: only a flush writes it to a pipe
    _leave(3)
    out.joinpath("after").write_text("reached")
""")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a worker that exited but was never waited for is a zombie: gone for our purpose
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"


def test_leave_keeps_the_exit_code_flushes_output_runs_atexit_and_ends_the_workers(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert done.stdout == "last line before the exit"
    assert (tmp_path / "atexit").read_text() == "ran"
    assert not (tmp_path / "after").exists()
    workers = [int(p) for p in (tmp_path / "workers").read_text().split()]
    assert workers and not any(_alive(pid) for pid in workers)


def test_usage_errors_still_exit_2_and_help_0(tmp_path):
    kinerja = str(Path(sys.executable).parent / "kinerja")
    missing = subprocess.run([kinerja, "runs", "--home", str(tmp_path / "missing")], capture_output=True, text=True)
    assert missing.returncode == 2 and "Invalid value for '--home'" in missing.stderr, missing.stderr
    assert subprocess.run([kinerja, "--help"], capture_output=True, text=True).returncode == 0
