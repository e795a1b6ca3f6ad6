#!/usr/bin/env python3
"""Make the gold evaluation pages under tests/gold/ from tools/gold_sources/.

Two sets come out of the same hand-written clean sources:

* REAL OCR  -- tests/gold/NAME.txt is exactly what ``tesseract`` printed for a
  rendered newspaper-style page image of NAME.src.txt;
  tests/gold/NAME.gold.txt is the clean text in the text contract
  (/work/shared/DESIGN.md, "What clean means").
* SYNTHETIC -- tests/gold/synth_NAME.txt is the same clean text degraded ONLY by
  faults the contract repairs (hard wraps, mid-sentence blank lines, letter
  spacing, Han-digit spaces, ASCII punctuation, straight quotes, full-width
  alphanumerics, broken jump markers, doubled lines, stray traditional
  characters, U+3000 indentation, BOM, zero-width spaces);
  tests/gold/synth_NAME.gold.txt is identical to NAME.gold.txt.

How to run (needs Debian packages, and Pillow in a private venv -- Pillow is
NOT a project dependency)::

    apt-get install -y tesseract-ocr tesseract-ocr-chi-sim fonts-noto-cjk
    python3 -m venv /tmp/goldvenv && /tmp/goldvenv/bin/pip install Pillow
    /tmp/goldvenv/bin/pip install opencc-python-reimplemented   # optional check
    /tmp/goldvenv/bin/python tools/make_ocr_gold.py            # everything
    /tmp/goldvenv/bin/python tools/make_ocr_gold.py --synth-only   # no tesseract
    /tmp/goldvenv/bin/python tools/make_ocr_gold.py --only city_news --keep-images

Page images go to /tmp/qingyang_gold_images/ (never committed).  Output is
deterministic: layout and noise are seeded from the page name (zlib.crc32), and
tesseract runs with OMP_THREAD_LIMIT=1 (two runs give byte-identical files with
Debian 12's tesseract-ocr 5.3.0-2, tesseract-ocr-chi-sim 1:4.1.0-2 and
fonts-noto-cjk 1:20220127; other versions will give other OCR errors).

Each page is laid out in narrow justified columns (12-20 characters, chosen per
page), lightly blurred/speckled/resampled, and OCR'd one column crop at a time
with ``--psm 6`` (zone OCR); NAME.txt is the concatenated stdout of those runs.

Source syntax (one block per line, UTF-8):

    # text        headline (big bold sans)
    #~ text       headline rendered letter-spaced
    ## text       kicker / subhead (medium bold serif)
    > text        photo caption (small sans)
    = text        stand-alone line kept as is (credits, bylines)
    ■text         guide item
    ---           space between articles (not in the gold)
    other         body paragraph (indented by two full-width spaces)
    {{...}}       jump marker: rendered / degraded, but removed from the gold
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "tools" / "gold_sources"
OUT_DIR = ROOT / "tests" / "gold"
IMG_DIR = Path("/tmp/qingyang_gold_images")

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
SC_INDEX = 2  # "Noto ... CJK SC" inside the .ttc collections
FONTS = {
    "body": ("NotoSerifCJK-Regular.ttc", 1.0),
    "head": ("NotoSansCJK-Bold.ttc", 1.55),
    "lhead": ("NotoSansCJK-Bold.ttc", 1.55),
    "sub": ("NotoSerifCJK-Bold.ttc", 1.2),
    "cap": ("NotoSansCJK-Regular.ttc", 0.9),
    "line": ("NotoSansCJK-Regular.ttc", 0.9),
    "guide": ("NotoSansCJK-Bold.ttc", 1.0),
}

# Rendering knobs (tuned so raw OCR has a few % character errors, see README).
BODY_PX = 30          # body glyph size in pixels
LINE_GAP = 0.55       # extra leading, in em
COL_LINES = 30        # body lines per column
# mild blur, speckle and resampling so OCR is not perfectly clean (None = off)
NOISE = {"blur": 0.5, "speckle": 1 / 2000, "scale": 0.8, "threshold": 185}

MARKER_RE = re.compile(r"\{\{(.*?)\}\}")
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
CJK_PUNCT = "，。、；：！？“”‘’（）《》〈〉【】—…·「」『』"
NO_LINE_START = set("，。、；：！？）》〉】”’」』…%")
NO_LINE_END = set("（《〈【“‘「『")


# --------------------------------------------------------------------------- source


@dataclass
class Block:
    kind: str   # head lhead sub cap line guide body sep
    text: str   # with {{markers}}


def parse_source(path: Path) -> list[Block]:
    blocks = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if not line:
            continue
        if line == "---":
            blocks.append(Block("sep", ""))
        elif line.startswith("#~ "):
            blocks.append(Block("lhead", line[3:]))
        elif line.startswith("## "):
            blocks.append(Block("sub", line[3:]))
        elif line.startswith("# "):
            blocks.append(Block("head", line[2:]))
        elif line.startswith("> "):
            blocks.append(Block("cap", line[2:]))
        elif line.startswith("= "):
            blocks.append(Block("line", line[2:]))
        elif line.startswith("■"):
            blocks.append(Block("guide", line))
        else:
            blocks.append(Block("body", line))
    return blocks


def strip_markers(text: str) -> str:
    return MARKER_RE.sub("", text).strip()


def render_markers(text: str) -> str:
    return MARKER_RE.sub(lambda m: m.group(1), text)


def gold_text(blocks: list[Block]) -> str:
    lines = [strip_markers(b.text) for b in blocks if b.kind != "sep"]
    return "\n".join(line for line in lines if line) + "\n"


def seed_of(name: str, salt: str) -> int:
    return zlib.crc32(f"{salt}:{name}".encode())


# --------------------------------------------------------------------------- render


def load_font(kind: str, body_px: int):
    from PIL import ImageFont

    file, scale = FONTS[kind]
    return ImageFont.truetype(str(FONT_DIR / file), round(body_px * scale), index=SC_INDEX)


ASCII_RUN = re.compile(r"[A-Za-z0-9.,:/@%_\-]+|.", re.S)


def units_of(text: str) -> list[str]:
    """Break units: an ASCII run (number, URL, word) or one other character."""
    return ASCII_RUN.findall(text)


def unit_width(font, u: str, em: int) -> float:
    if u == " ":
        return em * 0.6
    if len(u) == 1 and not u.isascii():
        return em
    return font.getlength(u)


def break_lines(text: str, font, em: int, width: int, spacing: float = 0.0):
    """Greedy line breaking with simple kinsoku; returns [(units, natural_w)]."""
    units = []
    for u in units_of(text):
        w = unit_width(font, u, em)
        if w > width:  # a URL longer than the column: split it by characters
            units.extend((c, unit_width(font, c, em)) for c in u)
        else:
            units.append((u, w))
    lines, cur, cur_w = [], [], 0.0
    gap = em * spacing
    for u, w in units:
        add = w + (gap if cur else 0)
        if cur and cur_w + add > width and u not in NO_LINE_START:
            # do not end a line with an opening bracket/quote
            carry = []
            while cur and cur[-1][0] in NO_LINE_END:
                carry.insert(0, cur.pop())
            lines.append(cur)
            cur = carry
            cur_w = sum(x[1] for x in cur) + gap * max(len(cur) - 1, 0)
            add = w + (gap if cur else 0)
        if not cur and u == " ":
            continue
        cur.append((u, w))
        cur_w += add
    if cur:
        lines.append(cur)
    return lines


def layout_page(blocks: list[Block], rng: random.Random, body_px: int):
    """Lay blocks out in narrow columns; returns (columns, col_w, col_h, em)."""
    em = body_px
    chars = rng.randint(12, 20)
    col_w = chars * em
    col_h = COL_LINES * round(em * (1 + LINE_GAP))
    y = 0
    columns = [[]]

    def newline(height):
        nonlocal y
        if y + height > col_h and columns[-1]:
            columns.append([])
            y = 0
        top = y
        y += height
        return top

    for b in blocks:
        if b.kind == "sep":
            if columns[-1]:
                y += em * 2
            continue
        text = render_markers(b.text)
        font = load_font(b.kind, body_px)
        size = font.size
        lh = round(size * (1 + LINE_GAP))
        spacing = 0.45 if b.kind == "lhead" else 0.0
        if b.kind == "body":
            text = "\u3000\u3000" + text
        lines = break_lines(text, font, size, col_w, spacing)
        if b.kind in ("head", "lhead", "sub"):
            y += round(size * 0.3)
        for i, line in enumerate(lines):
            last = i == len(lines) - 1
            top = newline(lh)
            columns[-1].append((b.kind, font, line, top, not last and b.kind in ("body", "cap"), spacing))
        if b.kind in ("head", "lhead", "sub"):
            y += round(size * 0.3)
    return columns, col_w, col_h, em


def draw_page(name: str, blocks: list[Block], body_px: int):
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed_of(name, "layout"))
    columns, col_w, col_h, em = layout_page(blocks, rng, body_px)
    gutter = em * 2
    margin = em * 2
    width = margin * 2 + len(columns) * col_w + (len(columns) - 1) * gutter
    height = margin * 2 + col_h
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    boxes = []
    for ci, col in enumerate(columns):
        x0 = margin + ci * (col_w + gutter)
        for kind, font, line, top, justify, spacing in col:
            size = font.size
            gap = size * spacing
            natural = sum(w for _, w in line) + gap * (len(line) - 1)
            slack = col_w - natural
            if justify and len(line) > 1 and slack > 0:
                gap += slack / (len(line) - 1)
            x = x0
            if kind in ("head", "lhead", "sub") and slack > 0:
                x += slack / 2  # headlines centred in the column
            for u, w in line:
                if u != " ":
                    draw.text((x, margin + top), u, font=font, fill=0)
                x += w + gap
        boxes.append((x0 - em // 2, margin // 2, x0 + col_w + em // 2, height - margin // 2))
    if NOISE:
        nrng = random.Random(seed_of(name, "noise"))
        img = img.filter(ImageFilter.GaussianBlur(NOISE["blur"]))
        px = img.load()
        for _ in range(int(width * height * NOISE["speckle"])):
            x, y = nrng.randrange(width), nrng.randrange(height)
            px[x, y] = 0 if px[x, y] > 128 and nrng.random() < 0.5 else 255
        # shrink and grow back: soft, slightly broken strokes like a scan
        k = NOISE["scale"]
        small = img.resize((round(width * k), round(height * k)), Image.BILINEAR)
        img = small.resize((width, height), Image.BILINEAR)
        img = img.point(lambda v: 0 if v < NOISE["threshold"] else 255)
    return img, boxes


def run_tesseract(png: Path, psm: int) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    out = subprocess.run(
        ["tesseract", str(png), "stdout", "-l", "chi_sim", "--psm", str(psm)],
        check=True, capture_output=True, env=env,
    )
    return out.stdout.decode("utf-8")


def ocr_page(name: str, blocks: list[Block], psm: int, keep: bool) -> str:
    """Render, then OCR column by column (zone OCR, as archives do)."""
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    img, boxes = draw_page(name, blocks, BODY_PX)
    img.save(IMG_DIR / f"{name}.png")
    parts = []
    for i, box in enumerate(boxes):
        png = IMG_DIR / f"{name}.col{i}.png"
        img.crop(box).save(png)
        parts.append(run_tesseract(png, psm))
        if not keep:
            png.unlink()
    return "".join(parts)


# --------------------------------------------------------------------------- synthetic

TRAD = dict(zip("国发会这说经济时区们车农产务实动线门开长业为见进", "國發會這說經濟時區們車農產務實動線門開長業為見進", strict=False))
ASCII_OF = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"}
ZW = ["\u200b", "\u200c", "\u200d", "\u2060"]
WORD_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,:/@%_-")
WORD_CHARS |= {chr(ord(c) + 0xFEE0) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"}
NUMERALS = dict(zip("一二三四五六七八九十", "1 2 3 4 5 6 7 8 9 10".split(), strict=False))


def is_han(c: str) -> bool:
    return bool(HAN_RE.match(c))


def to_fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def degrade_text(s: str, rng: random.Random, p: dict) -> str:
    """Character-level faults on text that contains no jump marker."""
    # straight quotes for whole “…” pairs
    s = re.sub("“([^“”]*)”", lambda m: f'"{m.group(1)}"' if rng.random() < p["quote"] else m.group(0), s)
    # full-width Latin capitals / digits for whole tokens (never URLs, e-mail, decimals)
    def fw(m):
        tok = m.group(0)
        return to_fullwidth(tok) if rng.random() < p["fullwidth"] else tok
    s = re.sub(r"(?<![A-Za-z0-9.,:/@_\-])(?:[A-Z]+|[0-9]+)(?![A-Za-z0-9.,:/@_\-%])", fw, s)
    out = []
    for i, c in enumerate(s):
        prev = s[i - 1] if i else ""
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if c in TRAD and rng.random() < p["trad"]:
            c = TRAD[c]
        elif c in ASCII_OF and (is_han(prev) or is_han(nxt)) and not (
            (prev.isascii() and prev.isalnum()) or (nxt.isascii() and nxt.isalnum())
        ) and rng.random() < p["ascii"]:
            c = ASCII_OF[c]
        out.append(c)
        # zero-width characters between two Han characters
        if is_han(c) and nxt and is_han(nxt) and rng.random() < p["zw"]:
            out.append(rng.choice(ZW))
    s = "".join(out)
    # spaces at Han|digit boundaries: 5 月 12 日
    if rng.random() < p["handigit"]:
        digit = "0-9\uff10-\uff19"
        s = re.sub(f"(?<=[{HAN}])(?=[{digit}])|(?<=[{digit}])(?=[{HAN}])", " ", s)
    return s


def break_marker(raw: str, rng: random.Random, k: int) -> tuple[str, str]:
    """A jump marker in one of the broken forms OCR produces. '\\n' = forced break.
    Forms rotate with k (a per-page counter) so every form occurs in the set."""
    if raw.startswith("▶"):
        form = ["doubled", "plain", "spaced", "doubled"][k % 4]
        page = raw[1:-1]
        if form == "doubled":
            return form, "▶" * rng.choice([2, 4]) + "".join(c * 2 for c in page) + rng.choice(["", " "]) + "版版"
        if form == "spaced":
            return form, "▶ " + " ".join(page) + " 版"
        return form, raw
    form = ["split", "ascii", "lookalike", "spaced", "plain", "arabic"][k % 6]
    inner = raw.strip("（）")
    if form == "ascii":
        return form, f"({inner})"
    if form == "lookalike":
        return form, f"〈{inner})"
    if form == "spaced":
        return form, " ".join(raw)
    if form == "split":
        cut = rng.randint(2, len(raw) - 2)
        return form, raw[:cut] + "\n" + raw[cut:]
    if form == "arabic":
        return form, "（" + re.sub("[一二三四五六七八九十]", lambda m: NUMERALS[m.group(0)], inner) + "）"
    return form, raw


def hard_wrap(s: str, width: int, rng: random.Random, p_blank: float) -> list[str]:
    """Wrap at `width` characters; '\\n' forces a break; sometimes a blank line
    falls mid-sentence (only between two Han characters)."""
    lines = []
    for piece in s.split("\n"):
        while piece:
            cut = width
            # never cut beside a zero-width char or a space (bylines keep theirs),
            # nor inside a number, URL or Latin word
            while 0 < cut < len(piece) and (
                piece[cut] in ZW or " " in piece[cut - 1:cut + 1]
                or (piece[cut - 1] in WORD_CHARS and piece[cut] in WORD_CHARS)
            ):
                cut += 1
            line, piece = piece[:cut], piece[cut:]
            lines.append(line)
            if piece and is_han(line[-1]) and is_han(piece[0]) and rng.random() < p_blank:
                lines.append("")
    return lines


def letter_space(s: str) -> str:
    return " ".join(s)


def synth_page(name: str, blocks: list[Block]) -> str:
    rng = random.Random(seed_of(name, "synth"))
    width = rng.randint(14, 20)
    indent = rng.random() < 0.6
    p = {
        "quote": 0.6, "fullwidth": 0.4, "trad": 0.05, "ascii": 0.25, "zw": 0.01,
        "handigit": 0.5,
    }
    heads = [i for i, b in enumerate(blocks) if b.kind in ("head", "sub") and " " not in b.text]
    doubled = {rng.choice(heads)} if heads and rng.random() < 0.3 else set()
    doubled |= {i for i in heads if blocks[i].text == "机关干部下沉抗疫一线"}  # the classic
    out: list[str] = []
    k = rng.randrange(12)  # marker form counter
    for i, b in enumerate(blocks):
        if b.kind == "sep":
            out.append("")
            continue
        if b.kind in ("head", "lhead", "sub"):
            text = strip_markers(b.text)
            if i in doubled:
                line = text + text
            elif b.kind == "lhead" or (" " not in text and rng.random() < 0.35):
                line = letter_space(text)
            else:
                line = degrade_text(text, rng, dict(p, handigit=0, ascii=0, zw=0))
            out += [line, ""]
            continue
        if b.kind == "line":
            out += [b.text, ""]
            continue
        # body, caption, guide: degrade text, re-insert broken markers
        pieces = []
        pos = 0
        for m in MARKER_RE.finditer(b.text):
            pieces.append(degrade_text(b.text[pos:m.start()], rng, p))
            pieces.append(break_marker(m.group(1), rng, k)[1])
            k += 1
            pos = m.end()
        pieces.append(degrade_text(b.text[pos:], rng, p))
        s = "".join(pieces)
        if b.kind == "guide":
            out += [*s.split("\n"), ""]
            continue
        lines = hard_wrap(s, width, rng, 0.12 if b.kind == "body" else 0.0)
        for j, line in enumerate(lines):
            only_cjk = line and all(is_han(c) or c in CJK_PUNCT for c in line)
            if only_cjk and len(line) >= 6 and rng.random() < 0.08:
                lines[j] = letter_space(line)
        if indent and b.kind == "body":
            lines[0] = "\u3000\u3000" + lines[0]
        out += [*lines, ""]
    text = "\n".join(out).rstrip("\n") + "\n"
    if rng.random() < 0.5 or name == "city_news":
        text = "\ufeff" + text
    return text


# --------------------------------------------------------------------------- checks


def check_gold(name: str, gold: str) -> None:
    """The gold must itself satisfy the contract (no ASCII punct beside Han, ...)."""
    problems = []
    if re.search(f"[{HAN}][,;:!?()]|[,;:!?()][{HAN}]", gold):
        problems.append("ASCII punctuation beside Han")
    if re.search(f"[{HAN}] [0-9]|[0-9] [{HAN}]", gold.replace("本报讯 ", "")):
        problems.append("Han-digit space")
    if '"' in gold or re.search("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]", gold):
        problems.append("straight quote or full-width alnum")
    if unicodedata.normalize("NFC", gold) != gold:
        problems.append("not NFC")
    for line in gold.splitlines():
        h = len(line) // 2
        if len(line) % 2 == 0 and line[:h] == line[h:]:
            problems.append(f"doubled line {line!r}")
    try:
        import opencc

        if opencc.OpenCC("t2s").convert(gold) != gold:
            problems.append("OpenCC t2s changes the gold")
        t2s = opencc.OpenCC("t2s")
        bad = [t for s_, t in TRAD.items() if t2s.convert(t) != s_]
        if bad:
            problems.append(f"t2s does not map back {bad}")
    except ImportError:
        pass
    if problems:
        sys.exit(f"{name}: gold breaks the contract: {problems}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", help="page names (default: all sources)")
    ap.add_argument("--synth-only", action="store_true", help="skip rendering and OCR")
    ap.add_argument("--psm", type=int, default=6, help="tesseract page segmentation mode")
    ap.add_argument("--keep-images", action="store_true", help="keep per-column crops in /tmp")
    args = ap.parse_args()

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    sources = sorted(SRC_DIR.glob("*.src.txt"))
    for src in sources:
        name = src.name.removesuffix(".src.txt")
        if args.only and name not in args.only:
            continue
        blocks = parse_source(src)
        gold = gold_text(blocks)
        check_gold(name, gold)
        (OUT_DIR / f"{name}.gold.txt").write_text(gold, encoding="utf-8")
        (OUT_DIR / f"synth_{name}.gold.txt").write_text(gold, encoding="utf-8")
        (OUT_DIR / f"synth_{name}.txt").write_text(synth_page(name, blocks), encoding="utf-8")
        if not args.synth_only:
            raw = ocr_page(name, blocks, args.psm, args.keep_images)
            (OUT_DIR / f"{name}.txt").write_text(raw, encoding="utf-8", newline="")
        print(f"{name}: done", file=sys.stderr)


if __name__ == "__main__":
    main()
