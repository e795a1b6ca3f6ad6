"""Time per page of each OCR reader and of the geometry path, and of image OCR.

    .venv/bin/python -m bench.readers                      # the eval set's dev pages, 5 rounds
    .venv/bin/python -m bench.readers --image tests/ocr/page.png

For each engine format (hOCR, ALTO, PaddleOCR JSON) over the engine files of a folder
(default `tests/eval/dev`): the reader alone (file bytes to page model), and the whole
geometry path (read, lay out, clean). The best of `--rounds` rounds, per page, so that
other jobs on a shared machine cost as little as they can. With `--image`, RapidOCR on
that image: the first call (which builds the engine) and the best of three after it.
Prints one table; measures, asserts nothing.
"""

import argparse
import time
from pathlib import Path

from qingyang.evaluation import INPUT_SUFFIXES


def _best_per_page(paths: list[Path], step, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for path in paths:
            step(path)
        best = min(best, time.perf_counter() - start)
    return best / len(paths)


def time_formats(folder: Path, rounds: int) -> list[tuple[str, int, float, float, float]]:
    """(format, pages, KB a page, reader ms a page, geometry path ms a page) per format."""
    from layout.compose import clean_ocr_page
    from readers import read_ocr_file

    rows = []
    for fmt in ("hocr", "alto", "paddleocr"):
        paths = sorted(folder.glob(f"*{INPUT_SUFFIXES[fmt]}"))
        if not paths:
            continue
        size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
        read = _best_per_page(paths, read_ocr_file, rounds)
        whole = _best_per_page(paths, lambda p: clean_ocr_page(read_ocr_file(p)), rounds)
        rows.append((fmt, len(paths), size, 1000 * read, 1000 * whole))
    return rows


def time_image(path: Path) -> tuple[float, float, int]:
    """(first call s, best of three after it s, lines found) of RapidOCR on one image."""
    from readers.image import read_image

    start = time.perf_counter()
    page = read_image(str(path))
    first = time.perf_counter() - start
    again = []
    for _ in range(3):
        start = time.perf_counter()
        read_image(str(path))
        again.append(time.perf_counter() - start)
    return first, min(again), len(page.lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("tests/eval/dev"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--image", type=Path, help="also time RapidOCR on this page image")
    args = parser.parse_args()
    print(f"{'format':<10} {'pages':>5} {'KB/page':>8} {'reader ms/page':>15} {'geometry path ms/page':>22}")
    for fmt, pages, size, read, whole in time_formats(args.folder, args.rounds):
        print(f"{fmt:<10} {pages:>5} {size:>8.0f} {read:>15.1f} {whole:>22.1f}")
    if args.image:
        from PIL import Image

        first, best, lines = time_image(args.image)
        width, height = Image.open(args.image).size
        print(f"image OCR {args.image} ({width}x{height} px, {lines} lines): "
              f"first call {first:.2f} s, then {best:.2f} s")


if __name__ == "__main__":
    main()
