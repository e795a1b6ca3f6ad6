#!/usr/bin/env python3
"""Build the independent evaluation set under tests/eval/ (issue 11, part 3).

Independent of tools/make_ocr_gold.py on purpose: other sources (a different
fictional city, 云岫市, in tools/eval_sources/), other layouts (module pages
with headline stacks across columns), another degradation model, and a second
OCR engine. Nothing here is imported by the project; the tooling lives in a
throw-away venv::

    apt-get install -y tesseract-ocr tesseract-ocr-chi-sim fonts-noto-cjk
    python3 -m venv /tmp/evalvenv
    /tmp/evalvenv/bin/pip install Pillow rapidocr onnxruntime
    nice -n 10 /tmp/evalvenv/bin/python tools/make_eval_pages.py          # all, ~20 min
    /tmp/evalvenv/bin/python tools/make_eval_pages.py --kinds synthetic    # seconds
    /tmp/evalvenv/bin/python tools/make_eval_pages.py --only ppocr_03      # one page

rapidocr 3.x wheels carry the PP-OCR det/rec/cls ONNX models inside the package;
``RapidOCR()`` reads them from there and downloads nothing.

Three kinds of page (tests/eval/{dev,heldout}/NAME.txt + NAME.gold.txt):

* ``synth_NN``: text-level degradation of the gold text (``degrade_page``):
  hard wraps at 8-30 columns, blank lines or none between paragraphs, headline
  stacks glued to the previous story (and often wider than the column), subheads
  glued to the body, forced column breaks after an opening quote/bracket, inside
  numbers, before closing punctuation and inside byline brackets, doubled lines
  (letter-spaced copy beside a plain copy, two copies on one line, a guide item
  with its doubled ▶ marker over two lines), spaced Latin and decimals, dropped
  byline spaces, ASCII punctuation, letter-spaced headlines, stray traditional
  characters, and jump markers in several broken forms.
* ``tess_NN``: a rendered multi-column page (Pillow, Noto CJK), OCR'd zone by
  zone with ``tesseract -l chi_sim --psm 6`` in reading order; also
  ``tesseract page.png out -l chi_sim --psm 3 hocr alto`` on the whole page,
  kept as NAME.hocr and NAME.alto.xml.
* ``ppocr_NN``: a rendered page OCR'd once by RapidOCR (PP-OCR); NAME.paddle.json
  is the engine output (rec_texts, rec_scores, rec_boxes in the engine's order);
  NAME.txt is those lines in reading order: each detected line goes to the
  rendered zone (headline stack, column segment, guide box) that holds its
  centre, zones in reading order, lines in a zone top to bottom.

Source syntax (tools/eval_sources/*.txt, one block per line)::

    @kicker T | @headline T | @subheadline T | @subhead T | @byline T
    @caption T | @credit T | @guide T      display/stand-alone lines
    other                                  a body paragraph
    {...}                                  a jump marker: printed, never in the gold

The gold of a page is its blocks in reading order, one line each, with jump
markers removed (the text contract of DESIGN.md).

Splits: the page list of each kind is shuffled with a fixed seed and the first
third (rounded up) goes to heldout/; the articles and guide items are also split
with a fixed seed, and held-out pages are built only from held-out articles, so
no held-out story is ever seen in dev. Everything is seeded (random.Random with
string seeds, OMP_THREAD_LIMIT=1, one onnxruntime thread); page images go to
/tmp/qingyang_eval_images/ and are never committed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import re
import subprocess
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "tools" / "eval_sources"
OUT_DIR = ROOT / "tests" / "eval"
IMG_DIR = Path("/tmp/qingyang_eval_images")
FONT_DIR = Path("/usr/share/fonts/opentype/noto")

SPLIT_SEED = "qingyang-evalset-split-1"
PAGE_COUNTS = {"synthetic": 15, "tesseract": 13, "ppocr": 14}
PREFIX = {"synthetic": "synth", "tesseract": "tess", "ppocr": "ppocr"}
HEAD_ROLES = ("kicker", "headline", "subheadline")
ROLES = (*HEAD_ROLES, "subhead", "byline", "caption", "credit", "guide", "body")

# A jump marker in a source line: {（下转第二版）}, printed but not in the gold.
MARKER = re.compile(r"\{([^{}]*)\}")


# --------------------------------------------------------------------------- sources

@dataclass
class Block:
    role: str
    raw: str   # as printed (jump markers included)
    gold: str  # as the gold line (jump markers removed)


@dataclass
class Article:
    name: str
    blocks: list[Block]


def parse_source(path: Path) -> Article:
    blocks = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        role, text = "body", line
        if line.startswith("@"):
            role, _, text = line[1:].partition(" ")
            assert role in ROLES, f"{path.name}: unknown role @{role}"
        raw = MARKER.sub(lambda m: m.group(1), text)
        gold = MARKER.sub("", text).strip()
        blocks.append(Block(role, raw, gold))
    return Article(path.stem, blocks)


def load_sources() -> tuple[list[list[Article]], list[Block]]:
    """Story units (a story and its continuation travel together) and guide items."""
    articles = {p.stem: parse_source(p) for p in sorted(SRC_DIR.glob("a*.txt"))}
    guides = [b for a in articles.values() for b in a.blocks if b.role == "guide"]
    units, seen = [], set()
    for name, art in articles.items():
        if name in seen or all(b.role == "guide" for b in art.blocks):
            continue
        unit = [art]
        seen.add(name)
        prefix = name[:3]
        for other in articles:  # a continuation (a02 …_jump) follows its story
            if other not in seen and other.endswith("_jump") and other[:3] == f"a{int(prefix[1:]) + 1:02d}":
                unit.append(articles[other])
                seen.add(other)
        units.append(unit)
    return units, guides


# --------------------------------------------------------------------------- plan

@dataclass
class PageSpec:
    name: str
    kind: str
    split: str
    articles: list[Article]
    guides: list[Block]
    columns: int = 1
    column_width_em: int = 0
    extra: dict = field(default_factory=dict)


def plan_pages() -> list[PageSpec]:
    """Decide splits (pages and stories) and each page's content, all seeded."""
    units, guides = load_sources()
    rng = random.Random(SPLIT_SEED)
    pools: dict[str, list[list[Article]]] = {"heldout": [], "dev": []}
    # Stratified: stories with jump markers and the others are split separately,
    # a third (rounded up) of each to heldout, so both splits have jump markers.
    jumps = [u for u in units if any(MARKER.search(b.raw) or b.raw != b.gold
                                     for a in u for b in a.blocks)]
    for stratum in (jumps, [u for u in units if u not in jumps]):
        order = list(range(len(stratum)))
        rng.shuffle(order)
        n_held = math.ceil(len(stratum) / 3)
        pools["heldout"] += [stratum[i] for i in order[:n_held]]
        pools["dev"] += [stratum[i] for i in order[n_held:]]
    g_order = list(range(len(guides)))
    rng.shuffle(g_order)
    g_held = math.ceil(len(guides) / 3)
    gpools = {"heldout": [guides[i] for i in g_order[:g_held]],
              "dev": [guides[i] for i in g_order[g_held:]]}
    specs = []
    used: Counter = Counter()
    for kind, count in PAGE_COUNTS.items():
        idx = list(range(1, count + 1))
        rng.shuffle(idx)
        held = set(idx[: math.ceil(count / 3)])
        for i in range(1, count + 1):
            name = f"{PREFIX[kind]}_{i:02d}"
            split = "heldout" if i in held else "dev"
            prng = random.Random(f"page:{name}")
            if kind == "synthetic":
                columns, width = 1, prng.randint(8, 30)
                n_units = prng.randint(2, 4)
            else:
                columns, width = prng.randint(2, 4), prng.randint(8, 16)
                n_units = {2: 2, 3: prng.randint(2, 3), 4: prng.randint(3, 4)}[columns]
            # The least-used stories of the split for this kind first (ties at random),
            # so every story is printed before any is printed again.
            chosen = sorted(pools[split], key=lambda u: (used[split, kind, u[0].name],
                                                         prng.random()))[:n_units]
            prng.shuffle(chosen)
            used.update((split, kind, u[0].name) for u in chosen)
            arts = [a for unit in chosen for a in unit]
            page_guides = []
            if prng.random() < 0.5:
                page_guides = prng.sample(gpools[split], prng.randint(2, min(3, len(gpools[split]))))
            specs.append(PageSpec(name, kind, split, arts, page_guides, columns, width))
    return specs


def gold_lines(spec: PageSpec) -> list[str]:
    lines = [g.gold for g in spec.guides]
    for art in spec.articles:
        lines += [b.gold for b in art.blocks]
    return lines


def printed_text(spec: PageSpec) -> str:
    parts = [g.raw for g in spec.guides]
    for art in spec.articles:
        parts += [b.raw for b in art.blocks]
    return "\n".join(parts)


# --------------------------------------------------------------------------- synthetic

HAN = r"\u3400-\u9fff"
# ASCII look-alikes a careless OCR or typist gives for CJK punctuation (contract rule 3).
ASCII_OF = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?",
            "“": '"', "”": '"'}
# Simplified → traditional, only where OpenCC t2s maps back without ambiguity.
TRAD_OF = {"会": "會", "说": "說", "经": "經", "发": "發", "区": "區", "这": "這", "为": "為",
           "国": "國", "时": "時", "业": "業", "长": "長", "进": "進", "对": "對", "开": "開",
           "门": "門", "车": "車", "实": "實", "现": "現", "动": "動", "们": "們", "务": "務"}
CN_DIGITS = "零一二三四五六七八九"
# A byline role word, to drop the spaces around it (PP-OCR style `记者林晓通讯员周航`).
BYLINE_SPACE = re.compile(r"(?<=[记者员生影辑讯])\s+|\s+(?=[摄通实编]|记者)")
# A Latin word of 3+ letters, to split with a space (`CP I`).
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# A decimal number, to space its point (`3 . 5`).
DECIMAL = re.compile(r"\d\.\d")


def char_width(ch: str) -> float:
    return 0.5 if ord(ch) < 0x2E80 and ch not in "“”‘’…—·" else 1.0


def letter_space(text: str) -> str:
    """`坚定信心` → `坚 定 信 心`; a phrase space becomes a wider gap."""
    return "   ".join(" ".join(part) for part in text.split(" "))


def degrade_text(text: str, rng: random.Random, knobs: dict, role: str) -> str:
    """Character-level faults inside one block (no line breaks yet)."""
    if role in ("body", "byline", "credit") and rng.random() < knobs["drop_byline_spaces"]:
        if role == "body":
            head, sep, tail = text.partition("）")
            if head.startswith(("本报讯（", "据新华社电（")) and sep:
                text = BYLINE_SPACE.sub("", head) + sep + tail
            text = text.replace("又讯 ", "又讯").replace("本报讯 ", "本报讯")
        else:
            text = BYLINE_SPACE.sub("", text)
    if rng.random() < knobs["spaced_latin"]:
        text = LATIN_WORD.sub(lambda m: m.group()[:-1] + " " + m.group()[-1], text, count=1)
    if rng.random() < knobs["spaced_decimal"]:
        text = DECIMAL.sub(lambda m: m.group()[0] + " . " + m.group()[2], text, count=1)
    out = []
    for ch in text:
        if ch in ASCII_OF and rng.random() < knobs["ascii"]:
            ch = ASCII_OF[ch]
        elif ch in TRAD_OF and rng.random() < knobs["trad"]:
            ch = TRAD_OF[ch]
        out.append(ch)
    return "".join(out)


def break_candidates(text: str) -> dict[str, list[int]]:
    """Offsets where a column break is nasty, by type: after “ or （, inside a
    number, before closing punctuation, inside a byline bracket."""
    cands: dict[str, list[int]] = {"open": [], "digit": [], "close": [], "byline": []}
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if a in "“（(\"《" and b != " ":
            cands["open"].append(i)
        elif a.isdigit() and b.isdigit():
            cands["digit"].append(i)
        elif b in "。）)”》，、" and a != " ":
            cands["close"].append(i)
    # The open byline bracket of a dateline: `本报讯（记者 赵一鸣 孙悦`.
    m = re.match(r"(?:本报讯|据新华社电)[（(][^）)]*", text)
    if m:
        start = max(m.group().find("（"), m.group().find("(")) + 1
        cands["byline"] = [i for i in range(start + 1, m.end())
                           if text[i - 1] != " " and text[i] != " "]
    return {k: v for k, v in cands.items() if v}


def wrap(text: str, width: int, forced: set[int]) -> list[tuple[str, bool]]:
    """Hard-wrap at `width` columns (Han = 1, ASCII = ½), never inside a Latin
    word or beside a space; also break at each offset in `forced`.
    Returns (line, was_forced) pairs."""
    lines, start, used = [], 0, 0.0
    i = 0
    while i < len(text):
        w = char_width(text[i])
        if i > start and (i in forced or used + w > width):
            j = i
            if i not in forced:  # slide back out of Latin words and away from spaces
                while j > start + 1 and (text[j] == " " or text[j - 1] == " "
                                         or (text[j].isascii() and text[j].isalpha()
                                             and text[j - 1].isascii() and text[j - 1].isalpha())):
                    j -= 1
            if j <= start + 1 and i not in forced:
                j = i
            lines.append((text[start:j], i in forced))
            start, used, i = j, 0.0, j
            continue
        used += w
        i += 1
    lines.append((text[start:], False))
    return [(ln, f) for ln, f in lines if ln]


def degrade_marker_block(raw: str, gold: str, rng: random.Random) -> str:
    """Break the jump marker printed in a block (the part of raw not in gold)."""
    # The printed jump marker `（下转第二版）` / `（上接第一版）` inside the block.
    m = re.search(r"[（(]?(下转|上接)第[^）)]*版[）)]", raw)
    if not m:
        return raw
    marker, form = m.group(), rng.choice(["plain", "ascii", "spaced", "arabic", "split"])
    if form == "ascii":
        new = "(" + marker[1:-1] + ")"
    elif form == "spaced":
        new = "（ " + " ".join(marker[1:-1]) + " ）"
    elif form == "arabic":
        new = re.sub(f"[{CN_DIGITS}]", lambda d: str(CN_DIGITS.index(d.group())), marker)
    elif form == "split":
        new = marker[:3] + "\n" + marker[3:]
    else:
        new = marker
    return raw[: m.start()] + new + raw[m.end():]


def degrade_guide(raw: str, rng: random.Random) -> list[str]:
    """`■item▶3版` in one of several OCR-ish forms, over one or two lines."""
    # The guide item's page pointer `▶3版` at the end of the line.
    m = re.search(r"▶(\d+)版$", raw)
    item, page = raw[: m.start()], m.group(1)
    form = rng.choice(["plain", "spaced", "doubled", "doubled2", "item_twice"])
    if form == "spaced":
        return [f"{item} ▶ {page} 版"]
    if form == "doubled":
        return [f"{item} ▶▶{page * 2} 版版"]
    if form == "doubled2":  # the doubled marker spills over a second line
        return [f"{item} ▶▶", f"{page * 2}版版"]
    if form == "item_twice":  # the item printed twice, the marker on the second copy
        return [item, f"{item}▶{page}版"]
    return [f"{item}▶{page}版"]


def degrade_page(spec: PageSpec) -> str:
    """The synthetic page: gold blocks → an OCR-like hard-wrapped text."""
    rng = random.Random(f"synth:{spec.name}")
    width = spec.column_width_em
    knobs = {
        "ascii": rng.choice([0.0, 0.1, 0.3]),
        "trad": rng.choice([0.0, 0.02, 0.05]),
        "drop_byline_spaces": rng.choice([0.0, 0.5, 1.0]),
        "spaced_latin": rng.choice([0.0, 0.5]),
        "spaced_decimal": rng.choice([0.0, 0.3]),
        "blank_between": rng.choice(["none", "all", "some"]),
        "column_break": rng.choice([0.15, 0.3]),
        "glue_head": rng.choice([0.5, 1.0]),
    }
    spec.extra = knobs
    out: list[str] = []

    def gap(force: bool | None = None) -> None:
        if not out or out[-1] == "":
            return
        mode = knobs["blank_between"]
        if force is False:
            return
        if force or mode == "all" or (mode == "some" and rng.random() < 0.5):
            out.append("")

    for g in spec.guides:
        out += degrade_guide(degrade_text(g.raw, rng, knobs, "guide"), rng)
    gap()
    for art in spec.articles:
        glued = rng.random() < knobs["glue_head"]
        for k, b in enumerate(art.blocks):
            text = degrade_text(b.raw, rng, knobs, b.role)
            if b.role in HEAD_ROLES:
                if k == 0 and glued:  # the stack follows the last sentence directly
                    while out and out[-1] == "":
                        out.pop()
                elif k == 0:
                    gap(True)
                r = rng.random()
                if b.role == "headline" and r < 0.15:  # letter-spaced copy beside plain copy
                    out += [letter_space(text), text]
                elif b.role == "headline" and r < 0.4:
                    out.append(letter_space(text))
                elif r < 0.6 or len(text) <= width:
                    out.append(text)  # a display line: often wider than the column
                else:
                    out += [ln for ln, _ in wrap(text, max(width, 6), set())]
                continue
            if b.role in ("credit", "byline"):
                if rng.random() < 0.25:
                    text = text + text  # two copies on one line
                out.append(text)
                gap()
                continue
            if b.role == "subhead":
                out.append(text if rng.random() < 0.7 else letter_space(text))
                continue  # body follows with no blank line
            if b.role == "guide":
                out += degrade_guide(text, rng)
                continue
            text = degrade_marker_block(text, b.gold, rng)
            forced: set[int] = set()
            cands = break_candidates(text)
            if cands and rng.random() < knobs["column_break"]:
                forced = {rng.choice(cands[rng.choice(sorted(cands))])}
            for piece in text.split("\n"):
                for ln, was_forced in wrap(piece, width, forced if piece == text else set()):
                    out.append(ln)
                    if was_forced and rng.random() < 0.5:
                        out.append("")  # the column break shows as a blank line
            gap()
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- rendering

def load_font(file: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_DIR / file), size, index=2)  # index 2 = the SC face


@dataclass
class Zone:
    x0: int
    y0: int
    x1: int
    y1: int
    kind: str  # head | column | guide


@dataclass
class Glyph:
    text: str
    x: float
    y: float
    font: object


@dataclass
class Row:
    """One printed line (or a photo) inside a column: height in px and its glyphs."""
    height: int
    glyphs: list[Glyph]
    photo: bool = False


# Tokens that typesetting never breaks: Latin words and numbers with their signs.
UNBREAKABLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:%℃\-]*|.", re.S)
NO_LINE_START = set("，。、；：！？）》”’%…")
NO_LINE_END = set("（《“‘")


def tok_width(tok: str, font) -> float:
    """A printed space is half an em (names in bylines, phrases in headlines)."""
    return font.size * 0.5 if tok == " " else font.getlength(tok)


def layout_line_tokens(text: str, font, width: float, indent: float,
                       tracking: float = 0.0) -> list[list[str]]:
    """Greedy line breaking by measured width with simple kinsoku."""
    tokens = UNBREAKABLE.findall(text)
    lines, cur, used = [], [], indent
    for tok in tokens:
        w = tok_width(tok, font) + tracking
        if cur and used + w > width and tok not in NO_LINE_START:
            carry = []
            while cur and cur[-1] in NO_LINE_END:
                carry.insert(0, cur.pop())
            lines.append(cur)
            cur, used = carry, sum(tok_width(t, font) + tracking for t in carry)
        cur.append(tok)
        used += w
    if cur:
        lines.append(cur)
    return lines


def place_tokens(tokens: list[str], font, x0: float, width: float, y: float,
                 align: str, justify: bool, tracking: float = 0.0) -> list[Glyph]:
    widths = [tok_width(t, font) + tracking for t in tokens]
    total = sum(widths)
    if align == "center":
        x, extra = x0 + (width - total) / 2, 0.0
    elif align == "right":
        x, extra = x0 + width - total, 0.0
    else:
        x = x0
        extra = (width - total) / max(len(tokens) - 1, 1) if justify and len(tokens) > 1 else 0.0
        extra = max(0.0, extra)
    glyphs = []
    for tok, w in zip(tokens, widths, strict=True):
        if tok != " ":
            glyphs.append(Glyph(tok, x, y, font))
        x += w + extra
    return glyphs


@dataclass
class Style:
    em: int
    body: str
    bold: str
    head: str
    caption: str
    align_head: str
    rules: bool


def text_rows(text: str, font, width: float, line_h: int, align: str, first_indent: float,
              justify: bool, tracking: float = 0.0) -> list[Row]:
    rows = []
    token_lines = layout_line_tokens(text, font, width, first_indent, tracking)
    for k, toks in enumerate(token_lines):
        indent = first_indent if k == 0 else 0.0
        last = k == len(token_lines) - 1
        glyphs = place_tokens(toks, font, indent, width - indent, 0, align, justify and not last,
                              tracking)
        rows.append(Row(line_h, glyphs))
    return rows


def flow_rows(blocks: list[Block], style: Style, col_w: float) -> list[Row]:
    """Body, subheads, bylines, captions (with a photo above) and credits as rows."""
    em = style.em
    body = load_font(style.body, em)
    bold = load_font(style.bold, em)
    small = load_font(style.caption, int(em * 0.85))
    rows: list[Row] = []
    for b in blocks:
        if b.role == "body":
            rows += text_rows(b.raw, body, col_w, int(em * 1.5), "left", 2 * em, True)
        elif b.role == "subhead":
            rows.append(Row(int(em * 0.6), []))
            rows += text_rows(b.raw, bold, col_w, int(em * 1.6), "center", 0, False)
        elif b.role in HEAD_ROLES:  # a brief's own headline inside the column
            rows.append(Row(int(em * 0.8), []))
            big = load_font(style.head, int(em * 1.3))
            rows += text_rows(b.raw, big, col_w, int(em * 2.0), "left", 0, False)
        elif b.role == "byline":
            rows += text_rows(b.raw, bold, col_w, int(em * 1.6), "right", 0, False)
        elif b.role == "caption":
            rows.append(Row(int(em * 5.5), [], photo=True))
            rows += text_rows(b.raw, small, col_w, int(em * 1.3), "left", 0, True)
        elif b.role == "credit":
            rows += text_rows(b.raw, small, col_w, int(em * 1.4), "right", 0, False)
        else:
            raise ValueError(b.role)
    return rows


def head_rows(blocks: list[Block], style: Style, width: float, tracked: bool) -> list[Row]:
    """The headline stack across the module: shrink to fit, wrap if still too wide.
    A `tracked` headline is set letter-spaced (0.4 em between glyphs)."""
    rows: list[Row] = []
    scale = {"kicker": 1.15, "headline": 1.9, "subheadline": 1.2}
    for b in blocks:
        size = int(style.em * scale[b.role])
        file = style.head if b.role == "headline" else style.bold
        font = load_font(file, size)
        tracking = size * 0.4 if tracked and b.role == "headline" else 0.0
        while (sum(tok_width(t, font) + tracking for t in b.raw) > width
               and size > style.em * 1.25):
            size -= 2
            font = load_font(file, size)
            tracking = size * 0.4 if tracking else 0.0
        rows += text_rows(b.raw, font, width, int(size * 1.45), style.align_head, 0, False,
                          tracking)
    return rows


def split_columns(rows: list[Row], ncols: int) -> list[list[Row]]:
    """Balance rows over columns by height (a photo is never split)."""
    total = sum(r.height for r in rows)
    target = total / ncols
    cols: list[list[Row]] = [[]]
    used = 0
    for r in rows:
        if cols[-1] and used + r.height > target + r.height / 2 and len(cols) < ncols:
            cols.append([])
            used = 0
        cols[-1].append(r)
        used += r.height
    while len(cols) < ncols:
        cols.append([])
    return cols


def render_page(spec: PageSpec):
    """Lay out and draw a page; return (image, zones in reading order, layout info)."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(f"render:{spec.name}")
    em = rng.choice([24, 26, 28, 30])
    serif_body = rng.random() < 0.5
    style = Style(
        em=em,
        body="NotoSerifCJK-Regular.ttc" if serif_body else "NotoSansCJK-Regular.ttc",
        bold="NotoSansCJK-Bold.ttc" if serif_body else "NotoSerifCJK-Bold.ttc",
        head=rng.choice(["NotoSansCJK-Bold.ttc", "NotoSerifCJK-Bold.ttc"]),
        caption="NotoSansCJK-Regular.ttc" if serif_body else "NotoSerifCJK-Regular.ttc",
        align_head=rng.choice(["center", "left"]),
        rules=rng.random() < 0.7,
    )
    ncols, col_w = spec.columns, spec.column_width_em * em
    gutter = int(em * rng.uniform(1.0, 1.6))
    margin = 50
    page_w = 2 * margin + ncols * col_w + (ncols - 1) * gutter

    # Stacks: one full-width stack, or two side by side (left span a, right span ncols - a).
    if ncols >= 3 and rng.random() < 0.5:
        a = rng.randint(1, ncols - 1)
        spans = [(0, a), (a, ncols - a)]
    else:
        spans = [(0, ncols)]
    units: list[tuple[str, object]] = []
    if spec.guides:
        units.append(("guide", spec.guides))
    units += [("story", art) for art in spec.articles]
    stacks: list[list[tuple[str, object]]] = [[] for _ in spans]
    if len(spans) == 2:  # guide box first, then stories alternate by length
        for k, u in enumerate(units):
            stacks[k % 2].append(u)
    else:
        stacks[0] = units
    # The gold follows the reading order: left stack top to bottom, then the right one.
    spec.articles = [u for stack in stacks for kind, u in stack if kind == "story"]

    img_h_guess = 8000
    image = Image.new("L", (page_w, img_h_guess), 255)
    draw = ImageDraw.Draw(image)
    zones: list[Zone] = []
    bottoms = []
    for (c0, span), stack in zip(spans, stacks, strict=True):
        x0 = margin + c0 * (col_w + gutter)
        mod_w = span * col_w + (span - 1) * gutter
        y = margin
        for kind, unit in stack:
            if kind == "guide":
                gfont = load_font(style.bold, int(em * 0.95))
                rows = []
                for g in unit:
                    rows += text_rows(g.raw, gfont, mod_w - em, int(em * 1.5), "left", 0, False)
                top = y
                y += int(em * 0.5)
                for r in rows:
                    for gl in r.glyphs:
                        draw.text((x0 + em / 2 + gl.x, y + gl.y), gl.text, font=gl.font, fill=0)
                    y += r.height
                y += int(em * 0.5)
                draw.rectangle([x0, top, x0 + mod_w, y], outline=0, width=3)
                zones.append(Zone(x0 + 4, top + 4, x0 + mod_w - 4, y - 4, "guide"))
                y += em
                continue
            art = unit
            n_head = 0
            while n_head < len(art.blocks) and art.blocks[n_head].role in HEAD_ROLES:
                n_head += 1
            hrows = head_rows(art.blocks[:n_head], style, mod_w, rng.random() < 0.25)
            top = y
            for r in hrows:
                for gl in r.glyphs:
                    draw.text((x0 + gl.x, y + gl.y), gl.text, font=gl.font, fill=0)
                y += r.height
            if hrows:
                zones.append(Zone(x0, top, x0 + mod_w, y, "head"))
            y += int(em * 0.4)
            frows = flow_rows(art.blocks[n_head:], style, col_w)
            cols = split_columns(frows, span)
            body_top, body_h = y, max(sum(r.height for r in c) for c in cols)
            for ci, col in enumerate(cols):
                cx = x0 + ci * (col_w + gutter)
                cy = body_top
                for r in col:
                    if r.photo:
                        draw.rectangle([cx, cy + 4, cx + col_w, cy + r.height - 8], fill=215, outline=120)
                        draw.polygon([(cx + 6, cy + r.height - 12), (cx + col_w * 0.35, cy + r.height * 0.35),
                                      (cx + col_w * 0.6, cy + r.height * 0.7), (cx + col_w * 0.8, cy + r.height * 0.45),
                                      (cx + col_w - 6, cy + r.height - 12)], fill=170)
                    for gl in r.glyphs:
                        draw.text((cx + gl.x, cy + gl.y), gl.text, font=gl.font, fill=0)
                    cy += r.height
                if col:
                    zones.append(Zone(cx, body_top, cx + col_w, body_top + sum(r.height for r in col), "column"))
                if style.rules and ci > 0:
                    gx = cx - gutter / 2
                    draw.line([(gx, body_top), (gx, body_top + body_h)], fill=60, width=2)
            y = body_top + body_h + int(em * 0.8)
            draw.line([(x0, y - em * 0.4), (x0 + mod_w, y - em * 0.4)], fill=0, width=2)
        bottoms.append(y)
    if len(spans) == 2 and style.rules:
        gx = margin + spans[1][0] * (col_w + gutter) - gutter / 2
        draw.line([(gx, margin), (gx, max(bottoms))], fill=0, width=3)
    page_h = max(bottoms) + margin
    image = image.crop((0, 0, page_w, page_h))

    # Light print/scan noise: blur, a little gaussian noise, resampling.
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.8)))
    # Seeded speckle (Image.effect_noise would use the C library's unseeded rand()).
    noise = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height))
    image = Image.blend(image, noise, rng.uniform(0.04, 0.08))
    f = rng.uniform(0.82, 0.95)
    small = image.resize((int(page_w * f), int(page_h * f)), Image.BILINEAR)
    image = small.resize((page_w, page_h), Image.BILINEAR)
    info = {"em": em, "gutter": gutter, "stacks": len(spans), "rules": style.rules,
            "body_font": style.body, "head_font": style.head}
    return image, zones, info


# --------------------------------------------------------------------------- OCR

def run_tesseract_zones(image, zones: list[Zone], workdir: Path) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    parts = []
    for k, z in enumerate(zones):
        pad = 8
        crop = image.crop((max(0, z.x0 - pad), max(0, z.y0 - pad),
                           min(image.width, z.x1 + pad), min(image.height, z.y1 + pad)))
        path = workdir / f"zone{k:02d}.png"
        crop.save(path)
        out = subprocess.run(["tesseract", str(path), "stdout", "-l", "chi_sim", "--psm", "6"],
                             capture_output=True, text=True, env=env, check=True).stdout
        parts.append(out.replace("\f", "").rstrip())
    return "\n".join(p for p in parts if p) + "\n"


def run_tesseract_page(image_path: Path, out_base: Path) -> None:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    subprocess.run(["tesseract", str(image_path), str(out_base), "-l", "chi_sim", "--psm", "3",
                    "hocr", "alto"], capture_output=True, env=env, check=True)


_ENGINE = None


def rapidocr_engine():
    global _ENGINE
    if _ENGINE is None:
        from rapidocr import RapidOCR

        _ENGINE = RapidOCR(params={
            "Global.log_level": "warning",
            "Global.max_side_len": 4000,  # keep full resolution: pages are up to ~3,500 px
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })
    return _ENGINE


def run_ppocr(image) -> dict:
    result = rapidocr_engine()(image.convert("RGB"))
    texts = [str(t) for t in (result.txts or ())]
    scores = [round(float(s), 5) for s in (result.scores or ())]
    boxes = []
    for poly in (result.boxes if result.boxes is not None else []):
        xs, ys = [float(p[0]) for p in poly], [float(p[1]) for p in poly]
        boxes.append([int(min(xs)), int(min(ys)), math.ceil(max(xs)), math.ceil(max(ys))])
    return {"rec_texts": texts, "rec_scores": scores, "rec_boxes": boxes}


def paddle_json(engine: dict) -> str:
    """The engine output as JSON, one list item per line (readable diffs)."""
    parts = []
    for key in ("rec_texts", "rec_scores", "rec_boxes"):
        items = ",\n  ".join(json.dumps(v, ensure_ascii=False) for v in engine[key])
        parts.append(f'"{key}": [\n  {items}\n]')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def zone_distance(z: Zone, cx: float, cy: float) -> float:
    """Squared distance from a point to a zone (0 inside it)."""
    dx = max(z.x0 - cx, 0, cx - z.x1)
    dy = max(z.y0 - cy, 0, cy - z.y1)
    return dx * dx + dy * dy


def reading_order(engine: dict, zones: list[Zone]) -> str:
    """Engine lines → the rendered zones (by box centre), zones in reading order."""
    buckets: dict[int, list[tuple[float, float, str, float, float]]] = {
        k: [] for k in range(len(zones))}
    for text, (x0, y0, x1, y1) in zip(engine["rec_texts"], engine["rec_boxes"], strict=True):
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        k = min(range(len(zones)), key=lambda i: (zone_distance(zones[i], cx, cy), i))
        buckets[k].append((cy, cx, text, y0, y1))
    lines = []
    for k in range(len(zones)):
        lines += top_to_bottom(buckets[k])
    return "\n".join(lines) + "\n"


def top_to_bottom(items: list[tuple[float, float, str, float, float]]) -> list[str]:
    """Lines of one zone top to bottom; boxes that share a text line (vertical
    overlap of at least half the smaller height) left to right."""
    rows: list[list[tuple[float, float, str, float, float]]] = []
    for item in sorted(items):
        _, _, _, y0, y1 = item
        if rows:
            r0, r1 = min(i[3] for i in rows[-1]), max(i[4] for i in rows[-1])
            if min(y1, r1) - max(y0, r0) >= 0.5 * min(y1 - y0, r1 - r0):
                rows[-1].append(item)
                continue
        rows.append([item])
    return [t for row in rows for _, _, t, _, _ in sorted(row, key=lambda i: i[1])]


# --------------------------------------------------------------------------- floor

# What the contract's punctuation rule maps back (rule 3): folded before counting
# misreadings, because the cleaner is expected to undo these, not the engine.
FOLD = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！",
                      "?": "？", '"': "“", "〈": "（", "”": "“"})


def ocr_floor(raw: str, reference: str, gold_chars: int, fold: bool = False
              ) -> tuple[int, int, float]:
    """Characters missing and extra between raw and reference as multisets
    (whitespace ignored), and (missing + extra) / gold_chars.

    With `fold`, both sides are NFKC-normalised and ASCII punctuation is mapped
    to its CJK form first (so `(` for `（` is not counted as a misreading).
    """
    if fold:
        raw = unicodedata.normalize("NFKC", raw).translate(FOLD)
        reference = unicodedata.normalize("NFKC", reference).translate(FOLD)
    a = Counter(ch for ch in raw if not ch.isspace())
    b = Counter(ch for ch in reference if not ch.isspace())
    missing = sum((b - a).values())
    extra = sum((a - b).values())
    return missing, extra, (missing + extra) / gold_chars if gold_chars else 0.0


def floor_fields(spec: PageSpec, raw: str, gold: str) -> dict:
    gold_chars = sum(1 for ch in gold if not ch.isspace())
    row = {"gold_chars": gold_chars}
    if spec.kind == "synthetic":
        return {**row, "ocr_missing": "", "ocr_extra": "", "ocr_floor": "", "ocr_floor_misread": ""}
    missing, extra, floor = ocr_floor(raw, gold, gold_chars)
    _, _, misread = ocr_floor(raw, printed_text(spec), gold_chars, fold=True)
    return {**row, "ocr_missing": missing, "ocr_extra": extra, "ocr_floor": f"{floor:.4f}",
            "ocr_floor_misread": f"{misread:.4f}"}


# --------------------------------------------------------------------------- main

def check_gold(spec: PageSpec, lines: list[str]) -> None:
    for ln in lines:
        assert ln == ln.strip() and ln, (spec.name, ln)
        assert "  " not in ln, (spec.name, ln)
        # No jump marker may survive in the gold (contract rule 4).
        assert not re.search(r"[下上]转|[上下]接第|▶", ln), (spec.name, ln)
        assert unicodedata.normalize("NFC", ln) == ln


def build(spec: PageSpec) -> dict:
    out = OUT_DIR / spec.split
    out.mkdir(parents=True, exist_ok=True)
    row = {"name": spec.name, "split": spec.split, "kind": spec.kind, "engine": "",
           "columns": spec.columns, "column_width_em": spec.column_width_em}
    if spec.kind == "synthetic":
        raw = degrade_page(spec)
        row["engine"] = "none"
    else:
        IMG_DIR.mkdir(parents=True, exist_ok=True)
        image, zones, info = render_page(spec)
        image_path = IMG_DIR / f"{spec.name}.png"
        image.save(image_path)
        if spec.kind == "tesseract":
            row["engine"] = "tesseract " + tesseract_version()
            with tempfile.TemporaryDirectory() as tmp:
                raw = run_tesseract_zones(image, zones, Path(tmp))
                run_tesseract_page(image_path, Path(tmp) / "page")
                (out / f"{spec.name}.hocr").write_bytes((Path(tmp) / "page.hocr").read_bytes())
                alto = (Path(tmp) / "page.xml").read_bytes()
                (out / f"{spec.name}.alto.xml").write_bytes(alto)
        else:
            from importlib.metadata import version

            row["engine"] = f"rapidocr {version('rapidocr')} PP-OCRv6 small"
            engine = run_ppocr(image)
            (out / f"{spec.name}.paddle.json").write_text(paddle_json(engine), encoding="utf-8")
            raw = reading_order(engine, zones)
        (IMG_DIR / f"{spec.name}.zones.json").write_text(
            json.dumps({"info": info, "zones": [z.__dict__ for z in zones]}, indent=1))
    lines = gold_lines(spec)  # after rendering: the layout fixes the reading order
    check_gold(spec, lines)
    gold = "\n".join(lines) + "\n"
    (out / f"{spec.name}.txt").write_text(raw, encoding="utf-8")
    (out / f"{spec.name}.gold.txt").write_text(gold, encoding="utf-8")
    row.update(floor_fields(spec, raw, gold))
    return row


def tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
    return out.split()[1] if out else "?"


FIELDS = ["name", "split", "kind", "engine", "columns", "column_width_em", "gold_chars",
          "ocr_missing", "ocr_extra", "ocr_floor", "ocr_floor_misread"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kinds", nargs="*", default=list(PAGE_COUNTS))
    parser.add_argument("--only", nargs="*", default=None, help="page names")
    parser.add_argument("--plan", action="store_true", help="print the plan and stop")
    parser.add_argument("--floors-only", action="store_true",
                        help="recompute the manifest's floor columns from the files on disk")
    args = parser.parse_args()
    specs = plan_pages()
    if args.plan:
        for s in specs:
            print(s.name, s.split, s.columns, s.column_width_em, [a.name for a in s.articles],
                  len(s.guides))
        return
    manifest = OUT_DIR / "manifest.csv"
    rows = {}
    if manifest.exists():
        with manifest.open(encoding="utf-8") as fh:
            rows = {r["name"]: r for r in csv.DictReader(fh)}
    for spec in specs:
        if spec.kind not in args.kinds or (args.only and spec.name not in args.only):
            continue
        if args.floors_only:
            base = OUT_DIR / spec.split / spec.name
            raw, gold = (Path(f"{base}{ext}").read_text(encoding="utf-8")
                         for ext in (".txt", ".gold.txt"))
            rows[spec.name].update(floor_fields(spec, raw, gold))
            continue
        rows[spec.name] = build(spec)
        print(spec.name, spec.split, rows[spec.name].get("ocr_floor", ""), flush=True)
    order = {s.name: k for k, s in enumerate(specs)}
    with manifest.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for name in sorted(rows, key=lambda n: order.get(n, 999)):
            writer.writerow({k: rows[name].get(k, "") for k in FIELDS})


if __name__ == "__main__":
    main()
