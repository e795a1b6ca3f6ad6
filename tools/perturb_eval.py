"""How robust the geometry path is: the eval set's engine pages turned by a small angle or
with their boxes jittered, scored against their gold pages.

A scan is rarely straight (0.1-1 degree is common) and an engine's boxes move by a few
pixels from one scan to the next; a reading order that holds only on the pages as they
are fits those pages, not the layout. Tune on dev, never on this tool's figures for the
held-out split.

    .venv/bin/python tools/perturb_eval.py tests/eval/dev --input paddleocr
    .venv/bin/python tools/perturb_eval.py tests/eval/dev --input hocr --angles 0,0.1,0.3,1
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaners import clean  # noqa: E402
from layout import lay_out  # noqa: E402
from qingyang.evaluation import INPUT_SUFFIXES, score_text  # noqa: E402
from readers import read_ocr_file  # noqa: E402
from readers.model import Box, OcrLine, OcrPage, OcrWord  # noqa: E402


def _turned(box: Box, page: OcrPage, cos: float, sin: float) -> Box:
    """The axis-aligned box of `box` turned about the page's centre."""
    cx, cy = page.width / 2, page.height / 2
    mx, my = (box.x0 + box.x1) / 2 - cx, (box.y0 + box.y1) / 2 - cy
    nx, ny = cx + mx * cos - my * sin, cy + mx * sin + my * cos
    w = box.width * cos + box.height * abs(sin)
    h = box.width * abs(sin) + box.height * cos
    return Box(nx - w / 2, ny - h / 2, nx + w / 2, ny + h / 2)


def rotate(page: OcrPage, degrees: float) -> OcrPage:
    """The page turned by `degrees` (clockwise on screen): every line and word box moved."""
    t = math.radians(degrees)
    cos, sin = math.cos(t), math.sin(t)
    lines = [OcrLine(line.text, _turned(line.box, page, cos, sin), line.confidence,
                     tuple(OcrWord(w.text, _turned(w.box, page, cos, sin)) for w in line.words),
                     line.block) for line in page.lines]
    return OcrPage(tuple(lines), page.source_format, page.width, page.height)


def jitter(page: OcrPage, pixels: float, rng: random.Random) -> OcrPage:
    """Every line box's edges moved by up to `pixels` (words kept)."""
    def moved(box: Box) -> Box:
        return Box(*(v + rng.uniform(-pixels, pixels) for v in box.as_list()))

    lines = [OcrLine(line.text, moved(line.box), line.confidence, line.words, line.block)
             for line in page.lines]
    return OcrPage(tuple(lines), page.source_format, page.width, page.height)


def score(folder: Path, fmt: str, change) -> tuple[float, list[tuple[float, str]]]:
    """CER over the folder's pages after `change`, and each page's CER."""
    edits = chars = 0
    pages = []
    for source in sorted(folder.glob(f"*{INPUT_SUFFIXES[fmt]}")):
        gold = source.with_name(source.name.removesuffix(INPUT_SUFFIXES[fmt]) + ".gold.txt")
        if not gold.is_file():
            continue
        page = change(read_ocr_file(source), source.name)
        result = score_text(clean(lay_out(page).text, paragraphs_given=True).text,
                            gold.read_text("utf-8"))
        edits, chars = edits + result.edit_distance, chars + result.gold_chars
        pages.append((100 * result.edit_distance / max(result.gold_chars, 1), gold.name))
    return 100 * edits / max(chars, 1), pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--input", default="paddleocr", choices=["paddleocr", "hocr", "alto"])
    parser.add_argument("--angles", default="0,0.1,0.3,0.5,1,-0.3",
                        help="degrees, comma-separated")
    parser.add_argument("--jitter", default="2,4", help="pixels, comma-separated")
    parser.add_argument("--seeds", type=int, default=3, help="jitter draws per page")
    args = parser.parse_args(argv)
    for angle in [float(a) for a in args.angles.split(",")]:
        cer, pages = score(args.folder, args.input, lambda page, _, a=angle: rotate(page, a))
        worst = ", ".join(f"{name.split('.')[0]} {value:.1f}%" for value, name in sorted(pages)[-2:])
        print(f"turned {angle:+.1f}°: CER {cer:.2f}%  (worst: {worst})")
    for pixels in [float(p) for p in args.jitter.split(",")]:
        for seed in range(args.seeds):
            cer, pages = score(args.folder, args.input,
                               lambda page, name, p=pixels, s=seed: jitter(page, p, random.Random(f"{name}{s}")))
            worst = ", ".join(f"{name.split('.')[0]} {value:.1f}%" for value, name in sorted(pages)[-2:])
            print(f"jitter ±{pixels:.0f} px, draw {seed}: CER {cer:.2f}%  (worst: {worst})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
