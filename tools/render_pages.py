"""Render a page of the payout workbook (through LibreOffice) and of an OPD's PDF to PNG for the README, as
finance would print them. Needs `soffice` and `pdftoppm` (apt-get install libreoffice-calc poppler-utils); not
part of `make test`.

    python tools/render_pages.py --home .demo/home --month 2025-05 --opd 2.11
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "orchestration" / "demo" / "screenshots"


def render(pdf: Path, page: int, target: Path, dpi: int = 70) -> Path:
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                    str(stem)], check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--month", required=True)
    parser.add_argument("--opd", required=True)
    parser.add_argument("--sheet-page", type=int, default=2, help="page of the workbook's PDF to render")
    args = parser.parse_args()
    folder = args.home / "reports" / args.month
    with tempfile.TemporaryDirectory() as scratch:
        book = Path(scratch) / f"payout_{args.month}.xlsx"
        shutil.copy(folder / book.name, book)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", scratch, str(book)], check=True,
                       capture_output=True, timeout=300)
        print(render(book.with_suffix(".pdf"), 1, OUT / f"payout_xlsx_{args.month}_ringkasan.png"))
        print(render(book.with_suffix(".pdf"), args.sheet_page, OUT / f"payout_xlsx_{args.month}_opd.png"))
    print(render(folder / "pdf" / f"payout_{args.month}_{args.opd}.pdf", 1, OUT / f"payout_pdf_{args.month}_{args.opd}.png"))


if __name__ == "__main__":
    main()
