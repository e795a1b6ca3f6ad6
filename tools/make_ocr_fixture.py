#!/usr/bin/env python3
"""Render tests/ocr/page.png: a small two-column page for the image test (RapidOCR).

Run with any Python that has Pillow and Debian's fonts-noto-cjk (the image is committed;
this script says how it was made):

    python3 tools/make_ocr_fixture.py
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
HEADLINE = "紧盯薄弱环节 落实防控措施"
# Justified columns of 12 glyphs: paragraphs indented by two, a short last line.
COLUMNS = [["　　本报讯 全市开展核酸检", "测，居民有序排队、依次采", "样。"],
           ["　　记者从市卫健委获悉，", "检测工作有序推进。"]]


def main() -> None:
    image = Image.new("L", (700, 260), 255)
    draw = ImageDraw.Draw(image)
    draw.text((40, 20), HEADLINE, font=ImageFont.truetype(FONT, 40), fill=0)
    body = ImageFont.truetype(FONT, 24)
    for c, lines in enumerate(COLUMNS):
        for k, line in enumerate(lines):
            draw.text((40 + c * 340, 100 + k * 36), line, font=body, fill=0)
    out = Path(__file__).resolve().parent.parent / "tests" / "ocr" / "page.png"
    image.save(out, optimize=True)
    print(out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
