"""Build tests/eval_seventh: a seventh evaluation set, from another hand.

Five kinds of page, three issues each (18 pages): a provincial daily's front page (A1, with a
masthead, ear boxes, a lead under a big photo, stories that jump) and the inner page that
carries their continuations (A3, same issue); a 文艺副刊 (verse, 散文, 书评, 小说连载); a listings
page (TV and radio guide, a city weather table, lottery results, a 便民 box); an
English-learning weekly's reading page; and a 1996 page (narrow columns, a vertical headline,
读者来信, 简讯, full-width Latin and digits). Text: tools/seventh_sources/*.toml.

Each page is set on a clean sheet (every printed line remembered with its box and its place
in the reading order), scanned with a seeded fault (bound volume, microfilm, heavy JPEG,
yellowed paper, a fold crease, a library stamp, or none), read by Tesseract (hOCR and ALTO,
one run) and by PP-OCR through RapidOCR (written in one of four public JSON shapes), and
written as NAME.{txt,paddle.json,hocr,alto.xml,gold.txt} with floors in manifest.csv.
See tests/eval_seventh/README.md.

    python tools/make_seventh_pages.py --plan        # pages, splits, scans, shapes
    python tools/make_seventh_pages.py --split dev   # render, scan, OCR, write one split
    python tools/make_seventh_pages.py --no-ocr      # gold, .txt, manifest from committed OCR
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import io
import json
import math
import os
import random
import re
import subprocess
import sys
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "seventh_sources"
DEFAULT_OUT = ROOT / "tests" / "eval_seventh"
DEFAULT_FONTS = Path(os.environ.get("QINGYANG_SEVENTH_FONTS", "/tmp/seventh_fonts"))
DEFAULT_IMAGES = Path("/tmp/seventh_images")
SPLIT_SEED = "seventh/split/"

FONT_FILES = {
    "ming": ("uming.ttc", 0),                 # AR PL UMing CN: the daily's and the weekly's body
    "song": ("gbsn00lp.ttf", 0),              # AR PL SungtiL GB (简报宋): the 1996 page
    "kai": ("LXGWWenKai-Regular.ttf", 0),     # LXGW WenKai: the 副刊 body
    "kaibold": ("LXGWWenKai-Bold.ttf", 0),    # mastheads, the 副刊's titles
    "oldkai": ("gkai00mp.ttf", 0),            # AR PL KaitiM GB: the 1996 page's labels
    "hei": ("wqy-microhei.ttc", 0),           # WenQuanYi Micro Hei: headlines, listings
    "droid": ("DroidSansFallbackFull.ttf", 0),  # Droid Sans Fallback: the listings' figures
    "serif": ("LiberationSerif-Regular.ttf", 0),  # Liberation Serif: English text
    "serifbold": ("LiberationSerif-Bold.ttf", 0),
    "mingl": ("uming.ttc", 0),                # uming with its Latin set in Liberation Serif
}
FALLBACK = ("kai", "ming")  # faces asked, in order, for a glyph the chosen face lacks

CLOSING = set("，。、；：？！”’）》」』】〕…·%℃")   # never starts a line (禁则): hangs at the end
OPENING = set("“‘（《「『【〔")                      # never ends a line: goes to the next one
CJK_PUNCT = set("，。、；：？！“”‘’（）《》「」『』【】〔〕—…·～")


# ---------------------------------------------------------------- fonts and measuring

class Faces:
    """TrueType faces by name and size, with a per-glyph fallback for glyphs a face lacks."""

    def __init__(self, font_dir: Path):
        from PIL import ImageFont
        self._font_dir = font_dir
        self._image_font = ImageFont
        self._cache: dict = {}
        self._has: dict = {}

    def get(self, name: str, size: int):
        key = (name, size)
        if key not in self._cache:
            file, index = FONT_FILES[name]
            self._cache[key] = self._image_font.truetype(str(self._font_dir / file), size, index=index)
        return self._cache[key]

    def has(self, name: str, char: str) -> bool:
        """Whether the face draws this glyph (its mask differs from the missing-glyph box)."""
        key = (name, char)
        if key not in self._has:
            font = self.get(name, 40)
            mask, missing = font.getmask(char), font.getmask("\ue000")
            self._has[key] = char.isspace() or not (mask.size == missing.size and bytes(mask) == bytes(missing))
        return self._has[key]

    def face_for(self, name: str, char: str) -> str:
        if name == "mingl" and char.isascii():
            return "serif"
        for candidate in (name, *FALLBACK):
            if self.has(candidate, char):
                return candidate
        return name

    def width(self, name: str, size: int, text: str) -> float:
        """Advance of a run: a CJK glyph or full-width mark is one em; other runs as the face sets them."""
        total = 0.0
        for ch in text:
            if is_wide(ch):
                total += size
            else:
                total += self.get(self.face_for(name, ch), size).getlength(ch)
        return total


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") or ch in "“”‘’…—·"


# One unbreakable run in Chinese text: Latin letters and digits with the marks that join them
# inside a number, time or word (46.8, 6:00, 3,000, CN43-0017); every other glyph is a unit alone.
LATIN_RUN = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ](?:[0-9A-Za-z０-９Ａ-Ｚａ-ｚ.,:%/@_\-+．]*[0-9A-Za-z０-９Ａ-Ｚａ-ｚ%])?")


def cjk_units(text: str) -> list[str]:
    units, i = [], 0
    while i < len(text):
        m = LATIN_RUN.match(text, i)
        if m:
            units.append(m.group())
            i = m.end()
        else:
            units.append(text[i])
            i += 1
    return units


# ---------------------------------------------------------------- the clean sheet

@dataclass
class Line:
    """One printed line (or one vertical column of glyphs) on the clean sheet."""
    text: str
    box: tuple[float, float, float, float]
    block: int
    vertical: bool = False


@dataclass
class Sheet:
    """A page being set: printed lines in reading order, what is drawn, the gold, the blocks."""
    faces: Faces
    em: int
    width: int = 0
    height: int = 0
    lines: list[Line] = field(default_factory=list)
    draws: list[tuple] = field(default_factory=list)    # (x, baseline, text, face, size, stroke)
    marks: list[tuple] = field(default_factory=list)    # ("rule"|"frame"|"photo"|"tint", box, width)
    gold: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)     # PP-StructureV3 label per block id
    stories: list[str] = field(default_factory=list)
    features: set[str] = field(default_factory=set)

    def block(self, label: str) -> int:
        self.blocks.append(label)
        return len(self.blocks) - 1

    # -- one line of text
    def put(self, text: str, x: float, y: float, face: str, size: int, block: int,
            stroke: int = 0, width: float | None = None, align: str = "left", gaps: float = 0.0,
            squeeze: float = 0.0) -> Line:
        """Set `text` on one line from its top-left (or aligned in `width`); `gaps` spreads extra
        space between its units (justification), `squeeze` takes that much from each Chinese
        mark's em (a line too long by its hanging marks). Returns the printed line."""
        units = cjk_units(text) if face not in ("serif", "serifbold") else list(text)
        natural = sum(self.unit_width(u, face, size) for u in units)
        if width is not None and align == "center":
            x += (width - natural) / 2
        elif width is not None and align == "right":
            x += width - natural
        baseline = y + size * 0.86
        cursor = x
        for k, u in enumerate(units):
            tight = squeeze if u in CJK_PUNCT else 0.0
            if not u.isspace():
                self.draw_run(u, cursor - (tight if u in OPENING else 0.0), baseline, face, size, stroke)
            cursor += self.unit_width(u, face, size) - tight + (gaps if k < len(units) - 1 else 0)
        line = Line(text, (x, y, cursor, y + size), block)
        self.lines.append(line)
        return line

    def unit_width(self, unit: str, face: str, size: int) -> float:
        if unit == " " and face not in ("serif", "serifbold"):
            return size * 0.5  # a printed gap in Chinese text: half an em
        return self.faces.width(face, size, unit)

    def draw_run(self, run: str, x: float, baseline: float, face: str, size: int, stroke: int) -> None:
        for ch in run:
            used = self.faces.face_for(face, ch)
            shift = 0.0
            if ch in "“‘" and is_wide(ch):  # a proportional opening quote sits at the right of its cell
                shift = max(0.0, size - self.faces.get(used, size).getlength(ch))
            self.draws.append((x + shift, baseline, ch, used, size, stroke))
            x += size if is_wide(ch) else self.faces.get(used, size).getlength(ch)

    def put_vertical(self, text: str, x: float, y: float, face: str, size: int, block: int, stroke: int = 0) -> Line:
        """A column of glyphs read top to bottom (竖排), each in a cell of 1.08 em."""
        pitch = size * 1.08
        for k, ch in enumerate(text):
            self.draws.append((x, y + k * pitch + size * 0.86, ch, self.faces.face_for(face, ch), size, stroke))
        line = Line(text, (x, y, x + size, y + len(text) * pitch), block, vertical=True)
        self.lines.append(line)
        return line

    def rule(self, x0: float, y: float, x1: float, weight: float = 1.0) -> None:
        self.marks.append(("rule", (x0, y, x1, y + weight), weight))

    def vrule(self, x: float, y0: float, y1: float, weight: float = 1.0) -> None:
        self.marks.append(("rule", (x, y0, x + weight, y1), weight))

    def frame(self, box: tuple, weight: float = 1.5) -> None:
        self.marks.append(("frame", box, weight))


@dataclass
class SetLine:
    units: list[str]
    indent: float
    last: bool        # the paragraph's last line (not justified)


def break_cjk(sheet: Sheet, text: str, width: float, face: str, size: int, indent_em: float) -> list[SetLine]:
    """Break one paragraph of Chinese text into lines of `width`: 禁则 (closing marks hang at the
    line end, opening marks move to the next line), Latin and digit runs unbroken."""
    units = cjk_units(text)
    lines, current, used = [], [], size * indent_em
    indent = size * indent_em
    for u in units:
        w = sheet.unit_width(u, face, size)
        if current and used + w > width + 0.5 and not (u in CLOSING and len(u) == 1):
            carry = []
            while current and current[-1] in OPENING:
                carry.insert(0, current.pop())
            lines.append(SetLine(current, indent, False))
            current, indent = carry, 0.0
            used = sum(sheet.unit_width(c, face, size) for c in current)
        if u == " " and not current:
            continue
        current.append(u)
        used += w
    lines.append(SetLine(current, indent, True))
    return lines


def break_latin(sheet: Sheet, text: str, width: float, face: str, size: int, indent_em: float) -> list[SetLine]:
    """Break English text at spaces only (no hyphenation)."""
    words = text.split(" ")
    space = sheet.unit_width(" ", face, size)
    lines, current, used = [], [], size * indent_em
    indent = size * indent_em
    for word in words:
        w = sheet.unit_width(word, face, size)
        if current and used + space + w > width:
            lines.append(SetLine(current, indent, False))
            current, used, indent = [], 0.0, 0.0
        used += (space if current else 0) + w
        current.append(word)
    lines.append(SetLine(current, indent, True))
    return lines


def set_line(sheet: Sheet, sl: SetLine, x: float, y: float, width: float, face: str, size: int, block: int,
             justify: bool, latin: bool) -> Line:
    if latin:
        text = " ".join(sl.units)
        natural = sheet.unit_width(text, face, size)
        gaps = len(sl.units) - 1
        extra = (width - sl.indent - natural) / gaps if (justify and not sl.last and gaps) else 0.0
        cursor = x + sl.indent
        for word in sl.units:
            sheet.draw_run(word, cursor, y + size * 0.86, face, size, 0)
            cursor += sheet.unit_width(word, face, size) + sheet.unit_width(" ", face, size) + extra
        end = cursor - sheet.unit_width(" ", face, size) - extra
        line = Line(text, (x + sl.indent, y, end, y + size), block)
        sheet.lines.append(line)
        return line
    text = "".join(sl.units)
    natural = sum(sheet.unit_width(u, face, size) for u in sl.units)
    gaps = len(sl.units) - 1
    room = width - sl.indent
    extra = (room - natural) / gaps if (justify and not sl.last and gaps and natural < room) else 0.0
    squeeze = 0.0
    marks = sum(u in CJK_PUNCT for u in sl.units)
    if marks and natural > room + 1:  # marks hang over the column: give up to half their width
        squeeze = min(size * 0.5, (natural - room) / marks)
    return sheet.put(text, x + sl.indent, y, face, size, block, gaps=extra, squeeze=squeeze)


@dataclass
class Style:
    """A page's type habits."""
    body_face: str
    body_size: int
    leading: float
    head_face: str = "hei"
    justify: bool = True
    indent: float = 2.0


def flow(sheet: Sheet, paragraphs: list[str], x: float, y: float, ncols: int, colw: float, gutter: float,
         st: Style, block: int, latin: bool = False, first_indent: bool = True, size: int | None = None,
         face: str | None = None, rules: bool = False) -> float:
    """Set paragraphs in `ncols` balanced columns from (x, y); return the bottom."""
    size = size or st.body_size
    face = face or st.body_face
    breaker = break_latin if latin else break_cjk
    set_lines: list[SetLine] = []
    for k, para in enumerate(paragraphs):
        indent = st.indent if (first_indent or k > 0) else 0.0
        set_lines += breaker(sheet, para, colw, face, size, indent if not latin else (1.5 if indent else 0))
    pitch = size * st.leading
    per_col = math.ceil(len(set_lines) / ncols)
    bottom = y
    for c in range(ncols):
        for r, sl in enumerate(set_lines[c * per_col:(c + 1) * per_col]):
            top = y + r * pitch
            set_line(sheet, sl, x + c * (colw + gutter), top, colw, face, size, block, st.justify, latin)
            bottom = max(bottom, top + pitch)
        if rules and c and per_col:
            sheet.vrule(x + c * (colw + gutter) - gutter / 2, y, y + per_col * pitch, 1)
    return bottom


def join_phrases(phrases: list[str]) -> str:
    """A title's phrases as the gold keeps them: one space between, none beside a Chinese mark."""
    out = phrases[0]
    for p in phrases[1:]:
        out += p if (out[-1] in CJK_PUNCT or p[0] in CJK_PUNCT) else " " + p
    return out


# A printed gap beside a Chinese mark is not a space in the text (`本报讯 “手机…` → `本报讯“手机…`).
GAP_BESIDE_MARK = re.compile(r" +(?=[，。、；：？！“”‘’（）《》【】])|(?<=[，。、；：？！“”‘’（）《》【】]) +")


def gold_line(text: str) -> str:
    """A printed line or paragraph as the gold keeps it: gaps one space, none beside a Chinese mark."""
    return GAP_BESIDE_MARK.sub("", re.sub(r" {2,}", " ", text)).strip()


def fullwidth(text: str) -> str:
    """ASCII letters and digits (and a decimal point between digits) as 1990s type set them."""
    out = []
    for k, ch in enumerate(text):
        if ch.isascii() and ch.isalnum():
            out.append(chr(ord(ch) + 0xFEE0))
        elif ch == "." and 0 < k < len(text) - 1 and text[k - 1].isdigit() and text[k + 1].isdigit():
            out.append("．")
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------- plan: pages, splits, scans

KINDS = ("front", "inner", "fukan", "listings", "english", "nineties")
PAPER = {"front": "岭东日报", "inner": "岭东日报", "fukan": "鹤屿晚报", "listings": "鹤屿晚报",
         "english": "岭东英语周报", "nineties": "鹤屿日报"}
SOURCE = {"front": "daily", "inner": "daily", "fukan": "fukan", "listings": "listings",
          "english": "english", "nineties": "nineties"}
SPLIT_KEY = {"front": "lingdong_front", "inner": "lingdong_front", "fukan": "hexiao_fukan",
             "listings": "hexiao_listings", "english": "english_weekly", "nineties": "nineties"}
DEV_FAULTS = ["bound", "microfilm", "jpeg", "yellowed", "crease+stamp", "clean"]
HELDOUT_FAULTS = ["bound", "bound", "microfilm", "microfilm", "jpeg", "jpeg", "yellowed", "yellowed",
                  "crease", "crease", "stamp", "clean"]
DEV_SHAPES = ["a", "b", "d", "e", "d", "e"]
HELDOUT_SHAPES = ["a", "a", "b", "b", "b", "d", "d", "d", "e", "e", "e", "a"]


@dataclass
class PagePlan:
    name: str
    kind: str
    split: str
    issue: dict
    issue_index: int
    fault: str
    json_shape: str
    alto_shape: str     # "tesseract" (its own file) or "mm10-v2" (converted as a library hands it over)
    dpi: int
    body_pt: float
    rotation: float
    jpeg_quality: int
    seed: str

    @property
    def body_px(self) -> int:
        return round(self.body_pt * self.dpi / 72)


def load_sources() -> dict:
    return {name: tomllib.loads((SOURCES / f"{name}.toml").read_text(encoding="utf-8"))
            for name in ("daily", "fukan", "listings", "english", "nineties")}


def dev_issue_index(kind: str) -> int:
    """Which of a paper's three issues is dev: drawn once, before any text was written."""
    return random.Random(SPLIT_SEED + SPLIT_KEY[kind]).randrange(3)


def plan_pages(sources: dict) -> list[PagePlan]:
    """Every page whose issue is written, with its split, scan fault, JSON and ALTO shape.

    Faults, shapes and ALTO forms are fixed lists per split, dealt to the split's 6 or 12 page
    slots by a seeded shuffle (a slot keeps its draw whether or not its issue is written yet)."""
    out = []
    names = list(range(1, 19))
    random.Random("seventh/names").shuffle(names)
    number = dict(zip([(k, i) for k in KINDS for i in range(3)], names, strict=True))
    for split, faults, shapes in (("dev", DEV_FAULTS, DEV_SHAPES), ("heldout", HELDOUT_FAULTS, HELDOUT_SHAPES)):
        slots = _all_slots(split)
        rng = random.Random(f"seventh/scan/{split}")
        deal = list(range(len(slots)))
        rng.shuffle(deal)
        shape_order = shapes[:]
        rng.shuffle(shape_order)
        alto_mm = set(rng.sample(range(len(slots)), len(slots) // 3))
        for pos, (kind, index) in enumerate(slots):
            issue = next((i for i in sources[SOURCE[kind]]["issue"]
                          if ISSUE_DATES[SOURCE[kind]].index(i["date"]) == index), None)
            if issue is None:
                continue
            prng = random.Random(f"seventh/page/{kind}/{index}")
            fault = faults[deal[pos]]
            dpi = prng.choice([150, 200, 240, 300, 400] if kind == "english" else [150, 200, 240, 300])
            pt = {"listings": prng.uniform(7.6, 8.6), "nineties": prng.uniform(8.2, 9.2),
                  "english": prng.uniform(8.4, 9.4)}.get(kind, prng.uniform(8.8, 10.2))
            if dpi >= 300:
                pt = min(pt, 8.6)
            rotation = 0.0 if fault == "clean" else round(prng.choice([-1, 1]) * prng.uniform(0.5, 2.5), 2)
            quality = prng.randint(20, 35) if fault == "jpeg" else 0
            out.append(PagePlan(f"seventh_{number[(kind, index)]:02d}", kind, split, issue, index, fault,
                                shape_order[deal[pos]], "mm10-v2" if deal[pos] in alto_mm else "tesseract",
                                dpi, round(pt, 1), rotation, quality, f"{kind}/{index}"))
    return sorted(out, key=lambda p: p.name)


def _all_slots(split: str) -> list[tuple[str, int]]:
    return [(k, i) for k in KINDS for i in range(3) if (i == dev_issue_index(k)) == (split == "dev")]


ISSUE_DATES = {
    "daily": ["2026-09-14", "2026-09-15", "2026-09-16"],
    "fukan": ["2026-09-13", "2026-09-20", "2026-09-27"],
    "listings": ["2026-09-14", "2026-09-15", "2026-09-16"],
    "english": ["2026-09-10", "2026-09-17", "2026-09-24"],
    "nineties": ["1996-05-06", "1996-05-13", "1996-05-20"],
}
WEEKDAY = "一二三四五六日"


def date_line(iso: str) -> str:
    d = datetime.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAY[d.weekday()]}"


def cn_numeral(n: int) -> str:
    return "零一二三四五六七八九十"[n] if n <= 10 else str(n)


def paragraphs_of(text: str) -> list[str]:
    return [p.strip() for p in text.strip().splitlines() if p.strip()]


def cut_paragraphs(paras: list[str], fraction: float) -> tuple[list[str], list[str]]:
    """Split a story after `fraction` of its characters, between two Han characters."""
    text = "\n".join(paras)
    target = int(len(text) * fraction)
    k = target
    while k < len(text) - 1 and not (_is_han(text[k - 1]) and _is_han(text[k])):
        k += 1
    head, tail = text[:k], text[k:]
    return head.split("\n"), tail.split("\n")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# ---------------------------------------------------------------- page designs

class Grid:
    def __init__(self, em: int, ncols: int, col_em: float, gutter_em: float, margin_em: float = 2.0):
        self.em, self.ncols = em, ncols
        self.colw, self.gutter, self.margin = col_em * em, gutter_em * em, margin_em * em
        self.width = round(2 * self.margin + ncols * self.colw + (ncols - 1) * self.gutter)

    def x(self, col: int) -> float:
        return self.margin + col * (self.colw + self.gutter)

    def span(self, c0: int, c1: int) -> float:
        return (c1 - c0) * self.colw + (c1 - c0 - 1) * self.gutter

    @property
    def inner(self) -> float:
        return self.width - 2 * self.margin


def story(sheet: Sheet, grid: Grid, st: Style, c0: int, c1: int, y: float, title: list[str], paras: list[str],
          rng: random.Random, kicker: str = "", byline: str = "", head_em: float = 1.7,
          marker_in: str = "", marker_out: str = "", marker_own_line: bool = False,
          first_indent: bool = True, ncols: int | None = None) -> float:
    """A story in columns c0..c1-1: kicker, title (one line if it fits, else a phrase a line),
    byline, body. Jump markers run in (or, out, set right on their own line). Returns bottom."""
    em, width, x = st.body_size, grid.span(c0, c1), grid.x(c0)
    align = rng.choice(["center", "left"]) if c1 - c0 > 1 else "left"
    if kicker:
        b = sheet.block("paragraph_title")
        sheet.put(kicker, x, y, st.head_face, round(em * 1.05), b, width=width, align=align)
        sheet.gold.append(kicker)
        y += em * 1.6
    hsize = round(em * head_em)
    b = sheet.block("paragraph_title")
    one = "\u3000".join(title)
    if sheet.faces.width(st.head_face, hsize, one) <= width and len(title) > 1 and rng.random() < 0.5:
        sheet.put(" ".join(title).replace(" ", "  "), x, y, st.head_face, hsize, b, stroke=1, width=width, align=align)
        y += hsize * 1.35
    else:
        for phrase in title:
            size = hsize if sheet.faces.width(st.head_face, hsize, phrase) <= width else round(width / len(phrase))
            sheet.put(phrase, x, y, st.head_face, size, b, stroke=1, width=width, align=align)
            y += size * 1.3
    sheet.gold.append(join_phrases(title))
    y += em * 0.3
    if byline:
        b = sheet.block("text")
        sheet.put(byline, x, y, st.body_face, round(em * 0.95), b, width=width, align=align)
        sheet.gold.append(byline)
        y += em * 1.8
    body = list(paras)
    gold_body = list(paras)
    if marker_in:
        if marker_own_line:
            b = sheet.block("text")
            sheet.put(marker_in, x, y, st.body_face, em, b)
            y += em * st.leading
        else:
            body[0] = marker_in + body[0]
    if marker_out and not marker_own_line:
        body[-1] = body[-1] + marker_out
    b = sheet.block("text")
    y = flow(sheet, body, x, y, ncols or (c1 - c0), grid.colw, grid.gutter, st, b, first_indent=first_indent)
    if marker_out and marker_own_line:
        b = sheet.block("text")
        sheet.put(marker_out, x, y, st.body_face, em, b, width=width, align="right")
        y += em * st.leading
    sheet.gold.extend(gold_body)
    return y


def photo(sheet: Sheet, box: tuple) -> None:
    sheet.marks.append(("photo", box, 0))


def header_band(sheet: Sheet, grid: Grid, st: Style, y: float, label: str, section: str,
                right: list[str]) -> float:
    """An inside page's header: the page label large, the section, then paper, date, editors
    spread to the right; a heavy rule under them."""
    em = st.body_size
    b = sheet.block("header")
    x = grid.margin
    big = round(em * 2.2)
    sheet.put(label, x, y, "hei", big, b, stroke=1)
    sheet.gold.append(label)
    x += sheet.faces.width("hei", big, label) + em * 1.2
    sheet.put(section, x, y + em * 0.4, st.head_face, round(em * 1.6), b, stroke=1)
    sheet.gold.append(section)
    xr = grid.width - grid.margin
    for item in reversed(right):
        w = sheet.faces.width(st.body_face, em, item)
        xr -= w
        xr -= em * 1.5
    xr += em * 1.5
    for item in right:
        line = sheet.put(item, xr, y + em * 1.2, st.body_face, em, b)
        sheet.gold.append(item)
        xr = line.box[2] + em * 1.5
    y += big + em * 0.6
    sheet.rule(grid.margin, y, grid.width - grid.margin, max(2, em // 6))
    return y + em * 1.2


def jump_markers(issue: dict) -> tuple[list[str], list[str], str, str]:
    """The issue's out and in markers (A-style or 第-style pages), and its two page labels."""
    if issue.get("page_style", "A") == "A":
        outs = ["→下转A3版", "（紧转A3版）", "【下转A3版】", "转A3版▶"]
        ins = ["←上接A1版", "（紧接A1版）", "(上接A1版)"]
        return outs, ins, "A1", "A3"
    outs = ["（紧转第三版）", "【下转第3版】", "转3版▶", "→下转第3版"]
    ins = ["（紧接第一版）", "(上接1版)", "←上接第1版"]
    return outs, ins, "第1版", "第3版"


def issue_jumps(issue: dict) -> list[dict]:
    """The issue's jumping stories with their cut, out and in markers (one draw per issue, shared
    by A1 and A3)."""
    rng = random.Random(f"seventh/jumps/{issue['date']}")
    outs, ins, _, _ = jump_markers(issue)
    rng.shuffle(outs)
    jumps = []
    for k, j in enumerate(issue["jump"]):
        head, tail = cut_paragraphs(paragraphs_of(j["text"]), rng.uniform(0.45, 0.6))
        jumps.append({**j, "head": head, "tail": tail, "out": outs[k % len(outs)], "in": rng.choice(ins),
                      "out_line": rng.random() < 0.3, "in_line": rng.random() < 0.3})
    return jumps


def laid_on(sheet: Sheet, grid: Grid) -> Grid:
    """The grid, the sheet made as wide as it."""
    sheet.width = grid.width
    return grid


def close_sheet(sheet: Sheet, grid: Grid, *bottoms: float) -> None:
    """The sheet as tall as its lowest piece and the grid's margin under it."""
    sheet.height = round(max(bottoms) + grid.margin)


def daily_style_and_grid(sheet: Sheet, em: float, rng: random.Random) -> tuple[Style, Grid]:
    """The daily's body style and column grid (A1 and its jump page alike), the sheet as wide."""
    st = Style("ming", em, rng.choice([1.5, 1.6, 1.7]), "hei", rng.random() < 0.8)
    grid = laid_on(sheet, Grid(em, rng.choice([5, 6]), rng.uniform(10.5, 12.5), rng.uniform(1.1, 1.5)))
    return st, grid


def design_front(sheet: Sheet, plan: PagePlan, rng: random.Random) -> None:
    issue = plan.issue
    em = plan.body_px
    st, grid = daily_style_and_grid(sheet, em, rng)
    y = grid.margin
    # masthead: the name large in the middle, ear boxes (报眼) at both sides
    ear_w = grid.colw
    name_size = round(em * 4.2)
    b = sheet.block("doc_title")
    sheet.put("岭东日报", grid.margin, y, "kaibold", name_size, b, width=grid.inner, align="center")
    sheet.gold.append("岭东日报")
    b = sheet.block("header")
    sheet.put("LINGDONG DAILY", grid.margin, y + name_size * 1.08, "serifbold", round(em * 1.0), b,
              width=grid.inner, align="center")
    sheet.gold.append("LINGDONG DAILY")
    ear_height = em * 2.5 + em * 1.4 * max(len(issue["ear_left"]["lines"]), len(issue["ear_right"]["lines"]))
    masthead_bottom = y + max(name_size * 1.08 + em * 1.8, ear_height + em * 0.6)
    items = [[date_line(issue["date"]), issue["lunar"], f"{issue['number']} {issue['pages']}"],
             ["国内统一连续出版物号：CN43-0017", "邮发代号：41-1", "岭东日报社出版"]]
    if rng.random() < 0.5:
        items.reverse()
    yy = masthead_bottom
    isize = round(em * 0.9)
    for row in items:
        total = sum(sheet.faces.width("ming", isize, t) for t in row)
        gap = (grid.inner - total) / (len(row) - 1)
        x = grid.margin
        b = sheet.block("header")
        for t in row:
            line = sheet.put(t, x, yy, "ming", isize, b)
            sheet.gold.append(t)
            x = line.box[2] + gap
        yy += isize * 1.6
    for side, ear in (("left", issue["ear_left"]), ("right", issue["ear_right"])):
        x = grid.margin if side == "left" else grid.width - grid.margin - ear_w
        b = sheet.block("text")
        top = y
        sheet.put(ear["title"], x + em * 0.5, top + em * 0.5, "hei", round(em * 1.1), b, stroke=1,
                  width=ear_w - em, align="center")
        sheet.gold.append(ear["title"])
        ly = top + em * 2.1
        for t in ear["lines"]:
            sheet.put(t, x + em * 0.5, ly, "ming", round(em * 0.95), b, width=ear_w - em, align="center")
            sheet.gold.append(t)
            ly += em * 1.4
        sheet.frame((x, top, x + ear_w, top + ear_height))
    y = yy + em * 0.2
    sheet.rule(grid.margin, y, grid.width - grid.margin, max(3, em // 5))
    sheet.rule(grid.margin, y + em * 0.35, grid.width - grid.margin, 1)
    y += em * 1.2
    # the lead under a big photo; the first jumping story in the last column
    lead = issue["lead"]
    jumps = issue_jumps(issue)
    sheet.stories += [lead["id"]] + [j["id"] for j in jumps] + [issue["inner"]["id"]]
    last = grid.ncols - 1
    ly = story_lead(sheet, grid, st, 0, last, y, lead, rng)
    j = jumps[0]
    ry = story(sheet, grid, st, last, grid.ncols, y, j["title"], j["head"], rng, byline=j["byline"],
               head_em=1.6, marker_out=j["out"], marker_own_line=j["out_line"])
    sheet.vrule(grid.x(last) - grid.gutter / 2, y, max(ly, ry), 1)
    y = max(ly, ry) + em * 0.8
    sheet.rule(grid.margin, y, grid.width - grid.margin, 2)
    y += em * 0.9
    split = rng.choice([2, 3]) if grid.ncols == 5 else 3
    y2 = story(sheet, grid, st, 0, split, y, jumps[1]["title"], jumps[1]["head"], rng, byline=jumps[1]["byline"],
               marker_out=jumps[1]["out"], marker_own_line=jumps[1]["out_line"])
    y3 = story(sheet, grid, st, split, grid.ncols, y, jumps[2]["title"], jumps[2]["head"], rng,
               byline=jumps[2]["byline"], marker_out=jumps[2]["out"], marker_own_line=jumps[2]["out_line"])
    sheet.vrule(grid.x(split) - grid.gutter / 2, y, max(y2, y3), 1)
    y = max(y2, y3) + em * 0.8
    # the 本期导读 strip at the foot
    sheet.rule(grid.margin, y, grid.width - grid.margin, max(2, em // 6))
    y += em * 0.8
    b = sheet.block("text")
    label = rng.choice(["本期导读", "要目"])
    sheet.put(label, grid.margin, y, "hei", round(em * 1.1), b, stroke=1)
    sheet.gold.append(label)
    lw = sheet.faces.width("hei", round(em * 1.1), label) + em * 1.5
    forms = (["……{p}", "详见{p}版", "（见{p}版）"] if issue.get("page_style", "A") == "A"
             else ["……第{n}版", "详见第{n}版", "（见第{n}版）"])
    form = rng.choice(forms)
    slot = (grid.inner - lw) / len(issue["guide"])
    for k, g in enumerate(issue["guide"]):
        text = "●" + g["title"] + form.format(p=g["page"], n=g["page"].lstrip("A"))
        size = round(em * 0.95)
        while sheet.faces.width("ming", size, text) > slot - em and size > 8:
            size -= 1
        sheet.put(text, grid.margin + lw + k * slot, y + em * 0.1, "ming", size, b)
        sheet.gold.append("●" + g["title"])
    sheet.features |= {"masthead", "ear_boxes", "lead_photo", "jump_out", "guide_strip"}
    close_sheet(sheet, grid, y + em * 1.4)


def story_lead(sheet: Sheet, grid: Grid, st: Style, c0: int, c1: int, y: float, lead: dict,
               rng: random.Random) -> float:
    em, x, width = st.body_size, grid.x(c0), grid.span(c0, c1)
    b = sheet.block("paragraph_title")
    sheet.put(lead["kicker"], x, y, st.head_face, round(em * 1.1), b, width=width, align="center")
    sheet.gold.append(lead["kicker"])
    y += em * 1.7
    hsize = round(em * 2.3)
    b = sheet.block("doc_title")
    if sheet.faces.width(st.head_face, hsize, "\u3000\u3000".join(lead["title"])) <= width:
        sheet.put("  ".join(lead["title"]).replace("  ", "    "), x, y, st.head_face, hsize, b, stroke=1,
                  width=width, align="center")
        y += hsize * 1.3
    else:
        for phrase in lead["title"]:
            sheet.put(phrase, x, y, st.head_face, hsize, b, stroke=1, width=width, align="center")
            y += hsize * 1.3
    sheet.gold.append(join_phrases(lead["title"]))
    b = sheet.block("text")
    sheet.put(lead["byline"], x, y, st.body_face, em, b, width=width, align="center")
    sheet.gold.append(lead["byline"])
    y += em * 1.8
    ph = width * rng.uniform(0.42, 0.52)
    sheet.block("image")
    photo(sheet, (x, y, x + width, y + ph))
    y += ph + em * 0.5
    b = sheet.block("figure_title")
    cap_size = round(em * 0.9)
    for sl in break_cjk(sheet, lead["caption"], width, st.body_face, cap_size, 0):
        set_line(sheet, sl, x, y, width, st.body_face, cap_size, b, False, False)
        y += cap_size * 1.4
    sheet.gold.append(lead["caption"])
    y += em * 0.6
    b = sheet.block("text")
    paras = paragraphs_of(lead["text"])
    y = flow(sheet, paras, x, y, c1 - c0, grid.colw, grid.gutter, st, b)
    sheet.gold.extend(paras)
    return y


def design_inner(sheet: Sheet, plan: PagePlan, rng: random.Random) -> None:
    issue = plan.issue
    em = plan.body_px
    st, grid = daily_style_and_grid(sheet, em, rng)
    _, _, _, inner_label = jump_markers(issue)
    y = header_band(sheet, grid, st, grid.margin, inner_label, "要闻",
                    ["岭东日报", date_line(issue["date"]), issue["editors"]])
    jumps = issue_jumps(issue)
    sheet.stories += [j["id"] for j in jumps] + [issue["inner"]["id"]]
    split = rng.choice([2, 3])
    order = list(jumps)
    rng.shuffle(order)

    def cont(j, c0, c1, top):
        return story(sheet, grid, st, c0, c1, top, j["title"], j["tail"], rng, head_em=1.45,
                     marker_in=j["in"], marker_own_line=j["in_line"], first_indent=False)

    y1 = cont(order[0], 0, split, y)
    y2 = cont(order[1], split, grid.ncols, y)
    sheet.vrule(grid.x(split) - grid.gutter / 2, y, max(y1, y2), 1)
    y = max(y1, y2) + em * 0.8
    sheet.rule(grid.margin, y, grid.width - grid.margin, 2)
    y += em * 0.9
    split = grid.ncols - split
    y1 = cont(order[2], 0, split, y)
    inner = issue["inner"]
    y2 = story(sheet, grid, st, split, grid.ncols, y, inner["title"], paragraphs_of(inner["text"]), rng)
    sheet.vrule(grid.x(split) - grid.gutter / 2, y, max(y1, y2), 1)
    y = max(y1, y2)
    sheet.features |= {"header_band", "jump_in", "repeated_title"}
    close_sheet(sheet, grid, y)


def design_fukan(sheet: Sheet, plan: PagePlan, rng: random.Random) -> None:
    issue = plan.issue
    em = plan.body_px
    st = Style("kai", em, rng.choice([1.6, 1.7, 1.8]), "kaibold", rng.random() < 0.7)
    grid = laid_on(sheet, Grid(em, 4, rng.uniform(11.5, 13.0), rng.uniform(1.3, 1.6)))
    d = datetime.date.fromisoformat(issue["date"])
    y = header_band(sheet, grid, st, grid.margin, "副刊", "西屿湖",
                    ["鹤屿晚报", "B8", f"{d.year}年{d.month}月{d.day}日", issue["editors"]])
    poem, essay, review, serial = issue["poem"], issue["essay"], issue["review"], issue["serial"]
    sheet.stories += [poem["id"], essay["id"], review["id"], serial["id"]]
    poem_left = rng.random() < 0.5
    pc, ec = (0, 1) if poem_left else (3, 0)

    def do_poem(top):
        x, w = grid.x(pc), grid.colw
        b = sheet.block("paragraph_title")
        t = top + em
        sheet.put(poem["title"], x, t, "kaibold", round(em * 1.5), b, stroke=0, width=w, align="center")
        sheet.gold.append(poem["title"])
        t += em * 2.2
        b = sheet.block("text")
        sheet.put(poem["poet"], x, t, "kai", em, b, width=w, align="center")
        sheet.gold.append(poem["poet"])
        t += em * 2.0
        b = sheet.block("text")
        for stanza in poem["text"].strip().split("\n\n"):
            for verse in stanza.splitlines():
                sheet.put(verse.strip(), x + em, t, "kai", em, b)
                sheet.gold.append(verse.strip())
                t += em * st.leading
            t += em * 0.9
        sheet.frame((x - em * 0.4, top, x + w + em * 0.4, t))
        return t

    def do_essay(top):
        return story(sheet, grid, st, ec, ec + 3, top, [essay["title"]], paragraphs_of(essay["text"]), rng,
                     byline=essay["author"], head_em=1.8)

    if poem_left:
        y1, y2 = do_poem(y), do_essay(y)
    else:
        y2, y1 = do_essay(y), do_poem(y)
    y = max(y1, y2) + em
    sheet.rule(grid.margin, y, grid.width - grid.margin, 2)
    y += em
    rc, sc = (0, 2) if rng.random() < 0.5 else (2, 0)
    tail_run_in = rng.random() < 0.5
    subtitle_align = "right" if rng.random() < .5 else "center"

    def do_review():
        # 书评: title, subtitle, author, a framed book card, the review in two columns
        x, w = grid.x(rc), grid.span(rc, rc + 2)
        b = sheet.block("paragraph_title")
        t = y
        sheet.put(review["title"], x, t, "kaibold", round(em * 1.7), b, width=w, align="center")
        t += em * 2.3
        sheet.put(review["subtitle"], x, t, "kai", round(em * 1.1), b, width=w, align=subtitle_align)
        sheet.gold += [review["title"], review["subtitle"]]
        t += em * 1.8
        b = sheet.block("text")
        sheet.put(review["author"], x, t, "kai", em, b, width=w, align="center")
        sheet.gold.append(review["author"])
        t += em * 1.8
        b = sheet.block("text")
        card_top = t
        t += em * 0.6
        for k, item in enumerate(review["book"]):
            sheet.put(item, x + em, t, "hei" if k == 0 else "kai", round(em * 0.95), b)
            sheet.gold.append(item)
            t += em * 1.4
        sheet.frame((x, card_top, x + w * 0.62, t + em * 0.2), 1)
        t += em
        b = sheet.block("text")
        paras = paragraphs_of(review["text"])
        ry = flow(sheet, paras, x, t, 2, grid.colw, grid.gutter, st, b)
        sheet.gold.extend(paras)
        return ry

    def do_serial():
        # 小说连载: label, title, author, text, the tail run in or set right
        x = grid.x(sc)
        w = grid.span(sc, sc + 2)
        t = y
        b = sheet.block("paragraph_title")
        lsize = round(em * 0.95)
        lw = sheet.faces.width("hei", lsize, serial["label"])
        sheet.put(serial["label"], x + em * 0.3, t + em * 0.3, "hei", lsize, b)
        sheet.frame((x, t, x + lw + em * 0.6, t + lsize + em * 0.6), 1)
        sheet.gold.append(serial["label"])
        t += em * 2.2
        sheet.put(serial["title"], x, t, "kaibold", round(em * 1.5), b, width=w, align="center")
        sheet.gold.append(serial["title"])
        t += em * 2.2
        b = sheet.block("text")
        sheet.put(serial["author"], x, t, "kai", em, b, width=w, align="center")
        sheet.gold.append(serial["author"])
        t += em * 1.8
        b = sheet.block("text")
        paras = paragraphs_of(serial["text"])
        body = [*paras[:-1], paras[-1] + serial["tail"]] if tail_run_in else paras
        sy = flow(sheet, body, x, t, 2, grid.colw, grid.gutter, st, b)
        sheet.gold.extend(body)
        if not tail_run_in:
            sheet.put(serial["tail"], x, sy, "kai", em, b, width=w, align="right")
            sheet.gold.append(serial["tail"])
            sy += em * st.leading
        return sy

    if rc == 0:
        ry, sy = do_review(), do_serial()
    else:
        sy, ry = do_serial(), do_review()
    sheet.vrule(grid.x(2) - grid.gutter / 2, y, max(ry, sy), 1)
    sheet.features |= {"header_band", "free_verse", "essay", "book_review", "serial"}
    close_sheet(sheet, grid, ry, sy)


def design_listings(sheet: Sheet, plan: PagePlan, rng: random.Random, sources: dict) -> None:
    issue = plan.issue
    em = plan.body_px
    st = Style("hei", em, 1.5, "hei", True)
    grid = laid_on(sheet, Grid(em, 6, rng.uniform(10.0, 11.0), 1.2))
    y = header_band(sheet, grid, st, grid.margin, "B6", "生活·服务",
                    ["鹤屿晚报", date_line(issue["date"]), issue["editors"]])
    sheet.stories.append(issue["tip"]["id"])
    # TV and radio guide: one channel a two-column slot, a time and a programme a line
    b = sheet.block("paragraph_title")
    label = rng.choice(["今日荧屏", "电视广播节目"])
    sheet.put(label, grid.margin, y, "hei", round(em * 1.4), b, stroke=1)
    sheet.gold.append(label)
    y += em * 2.2
    bottoms = []
    for k, ch in enumerate(issue["channel"]):
        x = grid.x(2 * k)
        w = grid.span(2 * k, 2 * k + 2)
        b = sheet.block("text")
        t = y
        sheet.put(ch["name"], x, t, "hei", round(em * 1.1), b, stroke=1)
        sheet.gold.append(ch["name"])
        t += em * 1.6
        sheet.rule(x, t - em * 0.2, x + w, 1)
        tab = sheet.faces.width("droid", em, "00:00") + em * 0.8
        for prog in ch["programmes"]:
            time, name = prog.split(" ", 1)
            sheet.put(time, x, t, "droid", em, b)
            sheet.put(name, x + tab, t, "hei", em, b)
            sheet.lines[-2:] = [Line(prog, (x, t, sheet.lines[-1].box[2], t + em), b)]
            sheet.gold.append(prog)
            t += em * 1.45
        bottoms.append(t)
    y = max(bottoms) + em * 0.6
    sheet.rule(grid.margin, y, grid.width - grid.margin, 2)
    y += em
    # the weather table: 城市 / 天气 / 气温 / 风力, a row a line
    wr = random.Random(f"seventh/weather/{issue['date']}")
    cities = wr.sample(sources["listings"]["cities"], 8)
    x, w = grid.x(0), grid.span(0, 4)
    b = sheet.block("paragraph_title")
    title = rng.choice(["城市天气预报", "全省主要城市天气"])
    sheet.put(title, x, y, "hei", round(em * 1.3), b, stroke=1)
    sheet.gold.append(title)
    t = y + em * 2.0
    b = sheet.block("table")
    tabs = [0, w * 0.2, w * 0.5, w * 0.75]
    rows = [["城市", "天气", "气温", "风力"]]
    for c in cities:
        low = wr.randint(17, 24)
        rows.append([c, wr.choice(sources["listings"]["weather_kinds"]), f"{low}～{low + wr.randint(5, 10)}℃",
                     wr.choice(["东风", "东南风", "南风", "北风", "西北风"]) + f"{wr.randint(1, 4)}级"])
    for r, row in enumerate(rows):
        for cell, tab in zip(row, tabs, strict=True):
            sheet.put(cell, x + tab, t, "hei" if r == 0 else "droid", em, b, stroke=1 if r == 0 else 0)
        merged = sheet.lines[-len(row):]
        sheet.lines[-len(row):] = [Line(" ".join(row), (x, t, merged[-1].box[2], t + em), b)]
        sheet.gold.append(" ".join(row))
        t += em * 1.5
        sheet.rule(x, t - em * 0.25, x + w, 1)
    wy = t
    # lottery results in a framed box
    lr = random.Random(f"seventh/lottery/{issue['date']}")
    x, w = grid.x(4), grid.span(4, 6)
    b = sheet.block("text")
    t = y
    lot = issue["lottery"]
    front = " ".join(f"{n:02d}" for n in sorted(lr.sample(range(1, 36), 5)))
    back = " ".join(f"{n:02d}" for n in sorted(lr.sample(range(1, 13), 2)))
    red = " ".join(f"{n:02d}" for n in sorted(lr.sample(range(1, 34), 6)))
    blue = f"{lr.randint(1, 16):02d}"
    lines = ["彩票开奖", f"超级大乐透 {lot['draw']}", f"{front} + {back}", f"双色球 {lot['ssq']}",
             f"红球 {red}", f"蓝球 {blue}", f"开奖日期：{lot['date']}"]
    t += em * 0.6
    for k, ln in enumerate(lines):
        face, size = ("hei", round(em * 1.2)) if k == 0 else ("droid" if ln[:1].isdigit() else "hei", em)
        sheet.put(ln, x + em * 0.6, t, face, size, b, stroke=1 if k == 0 else 0)
        sheet.gold.append(ln)
        t += size * 1.6
    sheet.frame((x, y, x + w, t + em * 0.3))
    y = max(wy, t) + em
    sheet.rule(grid.margin, y, grid.width - grid.margin, 2)
    y += em
    # 便民 box and a short tip story
    x, w = grid.x(0), grid.span(0, 2)
    service = issue["service"]
    b = sheet.block("text")
    t = y + em * 0.6
    sheet.put(service["title"], x, t, "hei", round(em * 1.2), b, stroke=1, width=w, align="center")
    sheet.gold.append(service["title"])
    t += em * 2.0
    for ln in service["lines"]:
        name, number = ln.split(" ", 1)
        sheet.put(name, x + em * 0.5, t, "hei", em, b)
        sheet.put(number, x + w - em * 0.5 - sheet.faces.width("droid", em, number), t, "droid", em, b)
        sheet.lines[-2:] = [Line(ln, (x + em * 0.5, t, x + w - em * 0.5, t + em), b)]
        sheet.gold.append(ln)
        t += em * 1.5
    sheet.frame((x, y, x + w, t + em * 0.3))
    tip = issue["tip"]
    ty = story(sheet, grid, Style("ming", em, 1.55, "hei", True), 2, 6, y, [tip["title"]],
               paragraphs_of(tip["text"]), rng, head_em=1.5)
    sheet.features |= {"header_band", "tv_guide", "weather_table", "lottery", "service_box"}
    close_sheet(sheet, grid, t, ty)


def design_english(sheet: Sheet, plan: PagePlan, rng: random.Random) -> None:
    issue = plan.issue
    em = plan.body_px
    st = Style("mingl", em, rng.choice([1.5, 1.6]), "hei", True)
    grid = laid_on(sheet, Grid(em, 4, rng.uniform(12.0, 13.5), 1.4))
    d = datetime.date.fromisoformat(issue["date"])
    y = header_band(sheet, grid, st, grid.margin, "第3版", "阅读 Reading",
                    ["岭东英语周报", "高一版", f"{d.year}年{d.month}月{d.day}日", issue["number"]])
    p, tr, tip = issue["passage"], issue["translation"], issue["tip"]
    sheet.stories += [p["id"], tr["id"], tip["id"]]
    x, w = grid.x(0), grid.span(0, 3)
    b = sheet.block("doc_title")
    sheet.put(p["title"], x, y, "serifbold", round(em * 2.2), b, width=w, align="center")
    sheet.gold.append(p["title"])
    y += em * 2.8
    b = sheet.block("paragraph_title")
    sheet.put(p["title_zh"], x, y, "hei", round(em * 1.3), b, width=w, align="center")
    sheet.gold.append(p["title_zh"])
    y += em * 2.0
    b = sheet.block("text")
    sheet.put(p["author"], x, y, "serif", em, b, width=w, align="right")
    sheet.gold.append(p["author"])
    y += em * 1.8
    b = sheet.block("text")
    paras = paragraphs_of(p["text"])
    latin_st = Style("serif", round(em * 1.1), 1.35, "hei", True)
    gutter = em * 2.2  # English columns: a wider gutter with a rule in it, as such weeklies print them
    py = flow(sheet, paras, x, y, 3, (w - 2 * gutter) / 3, gutter, latin_st, b, latin=True, rules=True)
    sheet.gold.extend(paras)
    py += em * 0.4
    sheet.rule(x, py, x + w * 0.4, 1)
    py += em * 0.6
    b = sheet.block("footnote")
    for g in issue["glosses"]["lines"]:
        sheet.put(g, x, py, "mingl", round(em * 0.9), b)
        sheet.gold.append(g)
        py += em * 1.35
    # Word Bank box in the last column
    x4, w4 = grid.x(3), grid.colw
    b = sheet.block("text")
    t = y - em * 4.8
    wb = issue["wordbank"]
    sheet.put(wb["title"], x4 + em * 0.5, t + em * 0.5, "hei", round(em * 1.05), b, stroke=1)
    sheet.gold.append(wb["title"])
    t += em * 2.4
    for ln in wb["lines"]:
        size = em
        while sheet.faces.width("mingl", size, ln) > w4 - em and size > 8:
            size -= 1
        sheet.put(ln, x4 + em * 0.5, t, "mingl", size, b)
        sheet.gold.append(ln)
        t += em * 1.5
    sheet.frame((x4, y - em * 4.8, x4 + w4, t + em * 0.3))
    y = max(py, t) + em
    sheet.rule(grid.margin, y, grid.width - grid.margin, 2)
    y += em
    ty = story(sheet, grid, st, 0, 3, y, [tr["title"]], paragraphs_of(tr["text"]), rng, head_em=1.3)
    x4 = grid.x(3)
    b = sheet.block("text")
    t = y + em * 0.5
    sheet.put(tip["title"], x4 + em * 0.5, t, "hei", round(em * 1.1), b, stroke=1)
    sheet.gold.append(tip["title"])
    t += em * 2.0
    paras = paragraphs_of(tip["text"])
    t = flow(sheet, paras, x4 + em * 0.5, t, 1, grid.colw - em, 0, st, b)
    sheet.gold.extend(paras)
    sheet.frame((x4, y, x4 + grid.colw, t + em * 0.3))
    sheet.features |= {"header_band", "english_passage", "glosses", "word_bank", "translation"}
    close_sheet(sheet, grid, ty, t)


def design_nineties(sheet: Sheet, plan: PagePlan, rng: random.Random) -> None:
    issue = plan.issue
    em = plan.body_px
    st = Style("song", em, rng.choice([1.45, 1.55]), "hei", True)
    grid = laid_on(sheet, Grid(em, 6, rng.uniform(8.0, 9.0), 1.0))
    y = grid.margin
    b = sheet.block("header")
    sheet.put("城市生活", grid.margin, y, "oldkai", round(em * 2.2), b)
    sheet.gold.append("城市生活")
    items = ["第四版", "鹤屿日报", date_line(issue["date"]), issue["editors"]]
    xr = grid.width - grid.margin - sum(sheet.faces.width("song", em, fullwidth(i)) + em * 1.5 for i in items) + em * 1.5
    for item in items:
        line = sheet.put(fullwidth(item), xr, y + em * 1.1, "song", em, b)
        sheet.gold.append(item)
        xr = line.box[2] + em * 1.5
    y += em * 2.8
    sheet.rule(grid.margin, y, grid.width - grid.margin, max(2, em // 6))
    sheet.rule(grid.margin, y + em * 0.3, grid.width - grid.margin, 1)
    y += em * 1.0
    s, letter, briefs = issue["story"], issue["letter"], issue["brief"]
    sheet.stories += [s["id"], letter["id"]] + [x["id"] for x in briefs]
    # the story: a vertical headline (and subtitle) at its left, the body in three columns
    hsize = round(em * 2.0)
    x0 = grid.x(0)
    b = sheet.block("paragraph_title")
    title_line = sheet.put_vertical(fullwidth(s["title"]), x0, y, "hei", hsize, b, stroke=1)
    sub_size = round(em * 1.05)
    sheet.put_vertical(fullwidth(s["subtitle"]), x0 + hsize + em * 0.5, y + hsize * 0.8, "song", sub_size, b)
    sheet.gold += [s["title"], s["subtitle"]]
    strip = hsize + em * 0.5 + sub_size + em * 1.0
    region = grid.span(0, 3) - strip
    colw = (region - grid.gutter) / 2
    b = sheet.block("text")
    paras = paragraphs_of(s["text"])
    sy = flow(sheet, [fullwidth(p) for p in paras], x0 + strip, y, 2, colw, grid.gutter, st, b, rules=True)
    sy = max(sy, title_line.box[3], y + hsize * 0.8 + len(s["subtitle"]) * sub_size * 1.08)
    sheet.gold.extend(paras)
    # 读者来信: a framed label, the title, the letter, the signature set right
    x, w = grid.x(3), grid.span(3, 5)
    b = sheet.block("paragraph_title")
    sheet.put("读者来信", x, y, "oldkai", round(em * 1.3), b)
    sheet.gold.append("读者来信")
    lw = sheet.faces.width("oldkai", round(em * 1.3), "读者来信")
    sheet.frame((x - em * 0.3, y - em * 0.3, x + lw + em * 0.3, y + em * 1.6), 1)
    t = y + em * 2.4
    sheet.put(fullwidth(letter["title"]), x, t, "hei", round(em * 1.2), b, width=w, align="center")
    sheet.gold.append(letter["title"])
    t += em * 2.0
    b = sheet.block("text")
    lparas = paragraphs_of(letter["text"])
    t = flow(sheet, [fullwidth(lparas[0])], x, t, 1, w, 0, st, b, first_indent=False)
    t = flow(sheet, [fullwidth(p) for p in lparas[1:]], x, t, 2, (w - grid.gutter) / 2, grid.gutter, st, b)
    sheet.put(fullwidth(letter["signer"]), x, t, "song", em, b, width=w, align="right")
    sheet.gold += [*lparas, letter["signer"]]
    t += em * 1.6
    sheet.vrule(x - grid.gutter / 2, y, max(t, sy), 1)
    # 简讯 in the last column, each item opened by a bullet
    x, w = grid.x(5), grid.colw
    b = sheet.block("paragraph_title")
    sheet.put("简讯", x, y, "oldkai", round(em * 1.3), b, width=w, align="center")
    sheet.gold.append("简讯")
    bt = y + em * 2.2
    b = sheet.block("text")
    bullet = rng.choice(["★", "●"])
    for item in briefs:
        bt = flow(sheet, [bullet + fullwidth(item["text"])], x, bt, 1, w, 0, st, b, first_indent=False)
        sheet.gold.append(bullet + item["text"])
        bt += em * 0.4
    sheet.vrule(x - grid.gutter / 2, y, bt, 1)
    sheet.features |= {"vertical_headline", "readers_letter", "bullet_briefs", "fullwidth_latin", "narrow_columns"}
    close_sheet(sheet, grid, sy, t, bt)


def build_sheet(plan: PagePlan, faces: Faces, sources: dict) -> Sheet:
    sheet = Sheet(faces, plan.body_px)
    rng = random.Random(f"seventh/design/{plan.seed}")
    if plan.kind == "front":
        design_front(sheet, plan, rng)
    elif plan.kind == "inner":
        design_inner(sheet, plan, rng)
    elif plan.kind == "fukan":
        design_fukan(sheet, plan, rng)
    elif plan.kind == "listings":
        design_listings(sheet, plan, rng, sources)
    elif plan.kind == "english":
        design_english(sheet, plan, rng)
    else:
        design_nineties(sheet, plan, rng)
    return sheet


# ---------------------------------------------------------------- render and scan

def seed_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def render(sheet: Sheet, faces: Faces):
    """The clean page: white paper, black ink, grey photos."""
    import numpy as np
    from PIL import Image, ImageDraw
    img = Image.new("L", (sheet.width, sheet.height), 255)
    draw = ImageDraw.Draw(img)
    for kind, box, weight in sheet.marks:
        if kind == "rule":
            draw.rectangle([round(v) for v in box], fill=20)
        elif kind == "frame":
            draw.rectangle([round(v) for v in box], outline=20, width=max(1, round(weight)))
        elif kind == "photo":
            x0, y0, x1, y1 = (round(v) for v in box)
            rng = np.random.default_rng(seed_int(f"photo/{box}"))
            coarse = rng.uniform(40, 210, (6, 9)).astype("float32")
            import cv2
            field_ = cv2.resize(coarse, (x1 - x0, y1 - y0), interpolation=cv2.INTER_CUBIC)
            field_ += rng.normal(0, 12, field_.shape)
            img.paste(Image.fromarray(np.clip(field_, 0, 255).astype("uint8")), (x0, y0))
            draw.rectangle([x0, y0, x1, y1], outline=20, width=1)
    for x, baseline, ch, face, size, stroke in sheet.draws:
        draw.text((x, baseline), ch, font=faces.get(face, size), fill=20, anchor="ls",
                  stroke_width=stroke, stroke_fill=20)
    return np.asarray(img, dtype="float32") / 255.0


@dataclass
class Geometry:
    """How the scan's pixels come from the clean sheet's: a crease's shift, the page turned by
    `angle` on a padded canvas, and for a bound volume the page curling down into the spine.
    `to_clean` maps scan points to clean points (used to warp the image and to place each
    engine box on its printed line)."""
    width: int
    height: int
    pad: int
    angle: float
    bound: tuple | None = None      # (spine "left"|"right", reach px, sag px)
    crease: tuple | None = None     # (y at x=0, slope, shift px)

    @property
    def scan_size(self) -> tuple[int, int]:
        return self.width + 2 * self.pad, self.height + 2 * self.pad

    def to_clean(self, u, v):
        import numpy as np
        u = np.asarray(u, dtype="float64") - self.pad
        v = np.asarray(v, dtype="float64") - self.pad
        if self.crease:
            y0, slope, shift = self.crease
            u = np.where(v > y0 + slope * u, u - shift, u)
        a = math.radians(self.angle)
        cx, cy = self.width / 2, self.height / 2
        x = cx + (u - cx) * math.cos(a) + (v - cy) * math.sin(a)
        y = cy - (u - cx) * math.sin(a) + (v - cy) * math.cos(a)
        if self.bound:
            side, reach, sag = self.bound
            d = x if side == "left" else self.width - x
            t = np.clip(1 - d / reach, 0, 1)
            d_clean = d + 0.12 * reach * t ** 3
            x = d_clean if side == "left" else self.width - d_clean
            y = y - sag * t ** 2 * (0.4 + 0.6 * y / self.height)
        return x, y


def geometry_for(plan: PagePlan, width: int, height: int) -> Geometry:
    rng = random.Random(f"seventh/geometry/{plan.seed}")
    pad = math.ceil(max(width, height) * abs(math.sin(math.radians(plan.rotation))) / 2) + 12
    geo = Geometry(width, height, pad, plan.rotation)
    if "bound" in plan.fault:
        geo.bound = (rng.choice(["left", "right"]), width * rng.uniform(0.12, 0.2), plan.body_px * rng.uniform(1.2, 2.2))
    if "crease" in plan.fault:
        geo.crease = (height * rng.uniform(0.35, 0.65), rng.uniform(-0.03, 0.03), rng.choice([-2, 2]))
    return geo


def scan(clean, plan: PagePlan, geo: Geometry, faces: Faces):
    """The scanned image (uint8 grey or RGB) and its file suffix."""
    import cv2
    import numpy as np
    rng = np.random.default_rng(seed_int(f"seventh/scan/{plan.seed}"))
    sw, sh = geo.scan_size
    uu, vv = np.meshgrid(np.arange(sw, dtype="float64"), np.arange(sh, dtype="float64"))
    mx, my = geo.to_clean(uu, vv)
    img = cv2.remap(clean, mx.astype("float32"), my.astype("float32"), cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_CONSTANT, borderValue=1.0)
    del uu, vv
    fault = plan.fault
    if fault == "clean":
        return (img * 255).clip(0, 255).astype("uint8"), ".png"

    def low_freq(scale: int, shape=(sh, sw)):
        coarse = rng.normal(0, 1, (max(2, shape[0] // scale), max(2, shape[1] // scale))).astype("float32")
        return cv2.resize(coarse, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)

    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.35, 0.6))
    if geo.bound:  # shading into the gutter, darkest at the spine
        side, reach, _ = geo.bound
        x = np.arange(sw) - geo.pad
        d = x if side == "left" else geo.width - x
        t = np.clip(1 - d / (reach * 1.1), 0, 1) ** 1.6
        img = img * (1 - 0.55 * t)[None, :]
    if fault == "microfilm":  # a negative printed back to positive: grain, uneven contrast, specks
        field_ = 0.72 + 0.18 * low_freq(260)
        paper = 0.86 + 0.05 * low_freq(400)
        img = paper - (1 - img) * field_
        grain = cv2.GaussianBlur(rng.normal(0, 0.09, img.shape).astype("float32"), (0, 0), 0.9)
        img = img + grain
        for _ in range(int(sw * sh / 90000)):
            cx, cy, r = int(rng.integers(0, sw)), int(rng.integers(0, sh)), int(rng.integers(1, 3))
            cv2.circle(img, (cx, cy), r, float(rng.uniform(0.9, 1.0)), -1)
        for _ in range(3):
            x0 = int(rng.integers(0, sw))
            cv2.line(img, (x0, 0), (x0 + int(rng.integers(-40, 40)), sh), 0.93, 1)
    if "crease" in fault:
        y0, slope, _ = geo.crease
        x = np.arange(sw) - geo.pad
        yline = y0 + slope * x + geo.pad
        dist = np.arange(sh)[:, None] - yline[None, :]
        img = img * (1 - 0.35 * np.exp(-(dist / 2.2) ** 2)) + 0.06 * np.exp(-((dist - 7) / 6) ** 2)
    if fault == "yellowed" or "stamp" in fault:
        paper = np.array([236, 224, 186]) / 255 if fault == "yellowed" else np.array([246, 244, 238]) / 255
        ink = np.array([92, 80, 60]) / 255 if fault == "yellowed" else np.array([30, 30, 30]) / 255
        stain = (0.035 * low_freq(300))[..., None] if fault == "yellowed" else 0
        rgb = ink + (paper - ink) * img.clip(0, 1)[..., None] - stain
        if "stamp" in fault:
            rgb = stamp(rgb, plan, faces, rng)
        out = (rgb * 255).clip(0, 255).astype("uint8")
        return out, ".png"
    if fault == "jpeg":
        img = 0.04 + 0.9 * img
    else:
        img = img + rng.normal(0, 0.02, img.shape)
    return (img * 255).clip(0, 255).astype("uint8"), ".jpg" if fault == "jpeg" else ".png"


def stamp(rgb, plan: PagePlan, faces: Faces, rng):
    """A library's round red stamp (鹤屿市图书馆 藏书) pressed over the text, half-inked."""
    import numpy as np
    from PIL import Image, ImageDraw
    h, w = rgb.shape[:2]
    r = int(plan.body_px * rng.uniform(3.2, 4.2))
    size = 2 * r + 8
    mark = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mark)
    draw.ellipse([4, 4, size - 4, size - 4], outline=255, width=max(3, r // 14))
    ring = "鹤屿市图书馆藏书"
    font = faces.get("hei", int(r * 0.36))
    for k, ch in enumerate(ring):
        ang = math.radians(-150 + k * 300 / (len(ring) - 1))
        cx, cy = size / 2 + math.sin(ang) * r * 0.7, size / 2 - math.cos(ang) * r * 0.7
        glyph = Image.new("L", (int(r * 0.5), int(r * 0.5)), 0)
        ImageDraw.Draw(glyph).text((r * 0.25, r * 0.25), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(ang), resample=Image.BICUBIC)
        mark.paste(255, (int(cx - r * 0.25), int(cy - r * 0.25)), glyph)
    draw.text((size / 2, size / 2), "★", font=faces.get("kai", int(r * 0.5)), fill=255, anchor="mm")
    mark = mark.rotate(float(rng.uniform(-30, 30)), resample=Image.BICUBIC)
    alpha = np.asarray(mark, dtype="float32") / 255 * rng.uniform(0.55, 0.8)
    alpha *= (rng.uniform(0.5, 1.0, alpha.shape) > 0.25)
    x0 = int(rng.uniform(0.15, 0.75) * w)
    y0 = int(rng.uniform(0.2, 0.75) * h)
    x1, y1 = min(w, x0 + size), min(h, y0 + size)
    a = alpha[: y1 - y0, : x1 - x0, None]
    ink = np.array([0.78, 0.16, 0.2])
    rgb[y0:y1, x0:x1] = rgb[y0:y1, x0:x1] * (1 - a) + rgb[y0:y1, x0:x1] * ink * a
    return rgb


def save_image(array, suffix: str, plan: PagePlan, folder: Path) -> Path:
    from PIL import Image
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{plan.name}{suffix}"
    img = Image.fromarray(array)
    if suffix == ".jpg":
        img.save(path, quality=plan.jpeg_quality, dpi=(plan.dpi, plan.dpi))
    else:
        img.save(path, dpi=(plan.dpi, plan.dpi))
    return path


# ---------------------------------------------------------------- OCR

OCR_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1", "OMP_NUM_THREADS": "1"}


def run_tesseract(image: Path, plan: PagePlan, work: Path) -> tuple[bytes, bytes]:
    """Tesseract's own hOCR and ALTO from one run."""
    base = work / plan.name
    langs = "chi_sim+eng" if plan.kind == "english" else "chi_sim"
    subprocess.run(["tesseract", str(image), str(base), "-l", langs, "--psm", "3", "hocr", "alto"],
                   check=True, env=OCR_ENV, capture_output=True)
    return (base.with_suffix(".hocr")).read_bytes(), (base.with_suffix(".xml")).read_bytes()


ALTO_V2 = "http://www.loc.gov/standards/alto/ns-v2#"


def alto_mm10_v2(alto: bytes, dpi: int) -> bytes:
    """Tesseract's ALTO as a library workflow hands it over: ALTO v2 namespace, coordinates in
    tenths of a millimetre (MeasurementUnit mm10) from the scan's dpi."""
    from lxml import etree
    old = etree.fromstring(alto)
    xsi = "http://www.w3.org/2001/XMLSchema-instance"

    def convert(el):
        if not isinstance(el.tag, str):
            return None
        new = etree.Element(f"{{{ALTO_V2}}}{etree.QName(el).localname}", nsmap={None: ALTO_V2, "xsi": xsi})
        for key, value in el.attrib.items():
            if key in ("HPOS", "VPOS", "WIDTH", "HEIGHT"):
                value = str(round(float(value) * 254 / dpi))
            if key == f"{{{xsi}}}schemaLocation":
                value = f"{ALTO_V2} http://www.loc.gov/standards/alto/alto-v2.0.xsd"
            new.set(key, value)
        new.text, new.tail = el.text, el.tail
        if etree.QName(el).localname == "MeasurementUnit":
            new.text = "mm10"
        for child in el:
            c = convert(child)
            if c is not None:
                new.append(c)
        return new

    root = convert(old)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=False)


def run_rapidocr(image: Path, work: Path) -> dict:
    """One RapidOCR() call with its defaults, in a child process: boxes, texts, scores."""
    out = work / f"{image.stem}.raw.json"
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--rapidocr-worker", str(image), str(out)],
                   check=True, env=OCR_ENV)
    return json.loads(out.read_text(encoding="utf-8"))


def rapidocr_worker(image: str, out: str) -> int:
    from rapidocr import RapidOCR
    result = RapidOCR()(image)
    boxes = [] if result.boxes is None else [[[float(x), float(y)] for x, y in box] for box in result.boxes]
    raw = {"boxes": boxes, "txts": list(result.txts or []), "scores": [float(s) for s in (result.scores or [])]}
    Path(out).write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return 0


def run_qingyang_ocr(image: Path, work: Path) -> bytes:
    exe = Path(sys.executable).with_name("qingyang")
    subprocess.run([str(exe), "ocr", str(image), "--output", str(work)], check=True, env=OCR_ENV,
                   capture_output=True)
    return (work / f"{image.stem}.paddle.json").read_bytes()


def _int_poly(box) -> list[list[int]]:
    return [[round(x), round(y)] for x, y in box]


def _rect(box) -> list[int]:
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    return [round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys))]


def paddlex_ocr_res(raw: dict, image: Path | None) -> dict:
    """PaddleOCR 3.x's OCR result as `save_to_json` writes its "res" (keys in its order)."""
    polys = [_int_poly(b) for b in raw["boxes"]]
    return {
        "input_path": str(image) if image else None,
        "page_index": None,
        "model_settings": {"use_doc_preprocessor": False, "use_textline_orientation": False},
        "dt_polys": polys,
        "text_det_params": {"limit_side_len": 64, "limit_type": "min", "thresh": 0.3, "max_side_limit": 4000,
                            "box_thresh": 0.6, "unclip_ratio": 1.5},
        "text_type": "general",
        "textline_orientation_angles": [-1] * len(polys),
        "text_rec_score_thresh": 0.0,
        "return_word_box": False,
        "rec_texts": raw["txts"],
        "rec_scores": raw["scores"],
        "rec_polys": polys,
        "rec_boxes": [_rect(b) for b in raw["boxes"]],
    }


def structure_v3(raw: dict, image: Path, sheet: Sheet, geo: Geometry) -> dict:
    """PP-StructureV3's `save_to_json` shape: layout blocks (`parsing_res_list`, `layout_det_res`)
    from this page's own model (each engine line joins the block of the printed line it falls
    on; a block's box is its lines' hull) and `overall_ocr_res` holding the OCR itself."""
    owners = assign_lines(raw_lines(raw), sheet, geo)
    members: dict[int, list[int]] = {}
    for k, (line_index, _) in enumerate(owners):
        members.setdefault(sheet.lines[line_index].block, []).append(k)
    order = sorted(members, key=lambda b: min(owners[k][0] for k in members[b]))
    parsing, det = [], []
    for number, block in enumerate(order, 1):
        ks = sorted(members[block], key=lambda k: owners[k])
        pts = [p for k in ks for p in raw["boxes"][k]]
        bbox = _rect(pts)
        texts = [raw["txts"][k] for k in ks]
        content = texts[0] if texts else ""
        for t in texts[1:]:
            content += (" " if content[-1:].isascii() and content[-1:].isalpha() and t[:1].isascii() else "") + t
        label = sheet.blocks[block]
        parsing.append({"block_label": label, "block_content": content, "block_bbox": bbox,
                        "block_id": block, "block_order": number})
        det.append({"cls_id": LAYOUT_CLASSES.get(label, 2), "label": label, "score": 0.9, "coordinate":
                    [float(v) for v in bbox]})
    return {"res": {
        "input_path": str(image),
        "page_index": None,
        "model_settings": {"use_doc_preprocessor": False, "use_seal_recognition": False,
                           "use_table_recognition": False, "use_formula_recognition": False,
                           "use_chart_recognition": False, "use_region_detection": True},
        "parsing_res_list": parsing,
        "layout_det_res": {"input_path": None, "page_index": None, "boxes": det},
        "overall_ocr_res": paddlex_ocr_res(raw, None),
    }}


LAYOUT_CLASSES = {"paragraph_title": 0, "image": 1, "text": 2, "figure_title": 6, "doc_title": 8,
                  "footnote": 9, "header": 12, "table": 14}


def paddle_json(shape: str, raw: dict | None, image: Path, sheet: Sheet, geo: Geometry) -> str:
    if shape == "b":
        return json.dumps({"res": paddlex_ocr_res(raw, image)}, ensure_ascii=False, indent=4)
    if shape == "d":
        return json.dumps(structure_v3(raw, image, sheet, geo), ensure_ascii=False, indent=4)
    if shape == "e":  # PaddleOCR 2.x `ocr.ocr(img)`: one page, a list of [polygon, [text, score]]
        page = [[[[float(x), float(y)] for x, y in b], [t, s]] for b, t, s in zip(raw["boxes"], raw["txts"], raw["scores"], strict=True)]
        return json.dumps([page], ensure_ascii=False)
    raise ValueError(shape)


def raw_lines(raw: dict) -> list[tuple[str, list]]:
    return list(zip(raw["txts"], raw["boxes"], strict=True))


def engine_lines(engine) -> list[tuple[str, list]]:
    """(text, polygon) of each recognised line, whatever the JSON's shape (a, b, d, e)."""
    if isinstance(engine, list):
        if engine and isinstance(engine[0], dict):  # RapidOCR's to_json()
            return [(r["txt"], r["box"]) for r in engine]
        page = (engine[0] or []) if engine else []  # PaddleOCR 2.x: one page wrapped in a list
        return [(row[1][0], row[0]) for row in page]
    res = engine.get("res", engine)
    res = res.get("overall_ocr_res", res)
    boxes = res.get("rec_polys") or res.get("rec_boxes") or res.get("dt_polys")
    out = []
    for text, box in zip(res["rec_texts"], boxes, strict=True):
        if len(box) == 4 and not isinstance(box[0], list):
            box = [[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]]
        out.append((text, box))
    return out


def assign_lines(lines: list[tuple[str, list]], sheet: Sheet, geo: Geometry) -> list[tuple[int, float]]:
    """For each engine line: (the printed line its box centre falls on, mapped back through the
    scan's geometry, and its position along that line). The smaller printed line when two hold
    the centre, the nearest when none does."""
    import numpy as np
    if not lines:
        return []
    cu = np.array([sum(p[0] for p in box) / len(box) for _, box in lines])
    cv = np.array([sum(p[1] for p in box) / len(box) for _, box in lines])
    xs, ys = geo.to_clean(cu, cv)
    boxes = np.array([ln.box for ln in sheet.lines])
    out = []
    for x, y in zip(xs, ys, strict=True):
        inside = (boxes[:, 0] <= x) & (x <= boxes[:, 2]) & (boxes[:, 1] <= y) & (y <= boxes[:, 3])
        if inside.any():
            cands = np.flatnonzero(inside)
            areas = (boxes[cands, 2] - boxes[cands, 0]) * (boxes[cands, 3] - boxes[cands, 1])
            k = int(cands[np.argmin(areas)])
        else:
            dx = np.maximum(0, np.maximum(boxes[:, 0] - x, x - boxes[:, 2]))
            dy = np.maximum(0, np.maximum(boxes[:, 1] - y, y - boxes[:, 3]))
            k = int(np.argmin(dx * dx + dy * dy))
        out.append((k, float(y if sheet.lines[k].vertical else x)))
    return out


def reading_order_text(engine, sheet: Sheet, geo: Geometry) -> str:
    lines = engine_lines(engine)
    owners = assign_lines(lines, sheet, geo)
    order = sorted(range(len(lines)), key=lambda k: owners[k])
    return "".join(lines[k][0] + "\n" for k in order)


# ---------------------------------------------------------------- floors and manifest

def hocr_words(data: bytes) -> list[str]:
    from lxml import html
    root = html.fromstring(data, parser=html.HTMLParser(encoding="utf-8"))
    return [e.text_content() for e in root.iter()
            if isinstance(e.tag, str) and "ocrx_word" in (e.get("class") or "").split()]


def counts(text: str, fold: bool = False) -> Counter:
    if fold:
        text = unicodedata.normalize("NFKC", text)
    return Counter(c for c in text if not c.isspace())


def floors(gold: str, printed: str, recognised: str) -> list:
    g, p, r = counts(gold), counts(printed, True), counts(recognised)
    rf = counts(recognised, True)
    missing, extra = sum((g - r).values()), sum((r - g).values())
    m_missing, m_extra = sum((p - rf).values()), sum((rf - p).values())
    total = sum(g.values())
    return [missing, extra, f"{(missing + extra) / total:.4f}", m_missing, m_extra,
            f"{(m_missing + m_extra) / sum(p.values()):.4f}"]


MANIFEST = ["name", "split", "paper", "issue_date", "page", "section", "design", "body_face", "body_pt", "dpi",
            "body_px", "scan", "rotation_deg", "jpeg_quality", "json_shape", "alto_shape", "tesseract_langs",
            "features", "stories", "gold_chars", "printed_chars",
            "ocr_missing", "ocr_extra", "ocr_floor", "misread_missing", "misread_extra", "ocr_floor_misread",
            "tess_missing", "tess_extra", "tess_floor", "tess_misread_missing", "tess_misread_extra",
            "tess_floor_misread"]
PAGE_LABEL = {"front": ("A1", "要闻"), "inner": ("A3", "要闻"), "fukan": ("B8", "副刊·西屿湖"),
              "listings": ("B6", "生活·服务"), "english": ("第3版", "阅读 Reading"), "nineties": ("第4版", "城市生活")}
BODY_FACE = {"front": "ming", "inner": "ming", "fukan": "kai", "listings": "hei", "english": "serif+ming",
             "nineties": "song"}


def manifest_row(plan: PagePlan, sheet: Sheet, gold: str, engine, hocr: bytes) -> dict:
    printed = "".join(line.text for line in sheet.lines)
    page, section = PAGE_LABEL[plan.kind]
    if plan.kind in ("front", "inner") and plan.issue.get("page_style", "A") != "A":
        page = "第1版" if plan.kind == "front" else "第3版"
    row = {"name": plan.name, "split": plan.split, "paper": PAPER[plan.kind], "issue_date": plan.issue["date"],
           "page": page, "section": section, "design": plan.kind, "body_face": BODY_FACE[plan.kind],
           "body_pt": plan.body_pt, "dpi": plan.dpi, "body_px": plan.body_px, "scan": plan.fault,
           "rotation_deg": plan.rotation, "jpeg_quality": plan.jpeg_quality, "json_shape": plan.json_shape,
           "alto_shape": plan.alto_shape, "tesseract_langs": "chi_sim+eng" if plan.kind == "english" else "chi_sim",
           "features": " ".join(sorted(sheet.features)), "stories": " ".join(sorted(set(sheet.stories))),
           "gold_chars": sum(counts(gold).values()), "printed_chars": sum(counts(printed).values())}
    ocr = floors(gold, printed, "".join(t for t, _ in engine_lines(engine)))
    tess = floors(gold, printed, "".join(hocr_words(hocr)))
    row.update(zip(MANIFEST[21:27], ocr, strict=True))
    row.update(zip(MANIFEST[27:33], tess, strict=True))
    return row


# ---------------------------------------------------------------- main

def build_page(plan: PagePlan, faces: Faces, sources: dict, out: Path, images: Path, ocr: bool) -> dict:
    sheet = build_sheet(plan, faces, sources)
    gold = "".join(gold_line(line) + "\n" for line in sheet.gold)
    geo = geometry_for(plan, sheet.width, sheet.height)
    folder = out / plan.split
    folder.mkdir(parents=True, exist_ok=True)
    if ocr:
        clean = render(sheet, faces)
        array, suffix = scan(clean, plan, geo, faces)
        image = save_image(array, suffix, plan, images)
        work = images / "work"
        work.mkdir(parents=True, exist_ok=True)
        hocr, alto = run_tesseract(image, plan, work)
        if plan.alto_shape == "mm10-v2":
            alto = alto_mm10_v2(alto, plan.dpi)
        (folder / f"{plan.name}.hocr").write_bytes(hocr)
        (folder / f"{plan.name}.alto.xml").write_bytes(alto)
        if plan.json_shape == "a":
            data = run_qingyang_ocr(image, work)
        else:
            data = paddle_json(plan.json_shape, run_rapidocr(image, work), image, sheet, geo).encode("utf-8")
        (folder / f"{plan.name}.paddle.json").write_bytes(data)
    engine = json.loads((folder / f"{plan.name}.paddle.json").read_text(encoding="utf-8"))
    hocr = (folder / f"{plan.name}.hocr").read_bytes()
    (folder / f"{plan.name}.gold.txt").write_text(gold, encoding="utf-8")
    (folder / f"{plan.name}.txt").write_text(reading_order_text(engine, sheet, geo), encoding="utf-8")
    return manifest_row(plan, sheet, gold, engine, hocr)


def write_manifest(rows: list[dict], out: Path) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST, lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: r["name"]):
        writer.writerow(row)
    (out / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font-dir", type=Path, default=DEFAULT_FONTS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--image-dir", type=Path, default=DEFAULT_IMAGES)
    parser.add_argument("--split", choices=["dev", "heldout"])
    parser.add_argument("--only", nargs="*", help="page names to (re)build")
    parser.add_argument("--no-ocr", action="store_true", help="gold, .txt and manifest from the OCR files in --out")
    parser.add_argument("--plan", action="store_true")
    parser.add_argument("--rapidocr-worker", nargs=2, metavar=("IMAGE", "OUT"))
    args = parser.parse_args(argv)
    if args.rapidocr_worker:
        return rapidocr_worker(*args.rapidocr_worker)
    sources = load_sources()
    plans = plan_pages(sources)
    if args.plan:
        for p in plans:
            print(p.name, p.split, p.kind, p.issue["date"], p.fault, p.json_shape, p.alto_shape, p.dpi, p.body_pt,
                  p.body_px, p.rotation, p.jpeg_quality)
        return 0
    faces = Faces(args.font_dir)
    rows = []
    for plan in plans:
        folder = args.out / plan.split
        wanted = (args.split in (None, plan.split)) and (not args.only or plan.name in args.only)
        if wanted and not args.no_ocr:
            print(plan.name, plan.kind, plan.fault, plan.json_shape, flush=True)
            rows.append(build_page(plan, faces, sources, args.out, args.image_dir, True))
        elif (folder / f"{plan.name}.paddle.json").is_file() and (folder / f"{plan.name}.hocr").is_file():
            rows.append(build_page(plan, faces, sources, args.out, args.image_dir, False))
    write_manifest(rows, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
