"""Build tests/eval_fifth/: a county paper (沅栖报, 4 pages an issue) and a provincial evening
paper's 体育·文娱 page, rendered with Pillow, OCR'd by PP-OCR (`qingyang ocr`) and Tesseract.

Every choice is drawn from a seeded `random.Random` keyed by a string, so the same fonts
give the same pages. The gold and the plain-text order come from the layout, never from the
engines: each drawn line carries its reading rank; each engine line is mapped back through
the page's turn to the drawn line under its centre and sorted by that rank.

    python tools/make_fifth_pages.py --plan          # splits and pages
    python tools/make_fifth_pages.py                 # render, OCR with both engines, write
    python tools/make_fifth_pages.py --no-ocr        # gold, .txt, manifest from committed OCR

Images go to /tmp/fifth_images (never committed); fonts from /tmp/fifth_fonts
(QINGYANG_FIFTH_FONTS or --font-dir).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
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

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "fifth_sources" / "yuanqi.toml"
SPLIT_SEED = "fifth-split-2026"
FONTS = {
    "hanserif": "SourceHanSerifSC-Regular.otf",
    "notoserif": "NotoSerifCJKsc-Regular.otf",
    "simhei": "SimHei.ttf",
    "hanmono": "SourceHanMonoSC-Regular.otf",
}

# issues: (date, weekday, issue number, lunar date) of the county paper; dates of the evening page
COUNTY_ISSUES = [("2026-04-17", "星期五", 5821, "三月初一"), ("2026-04-21", "星期二", 5822, "三月初五"),
                 ("2026-04-24", "星期五", 5823, "三月初八")]
EVENING_ISSUES = [("2026-04-20", "星期一", "A12"), ("2026-04-21", "星期二", "A14"),
                  ("2026-04-22", "星期三", "A12"), ("2026-04-23", "星期四", "A13")]
COUNTY_SECTIONS = {1: "要闻", 2: "综合", 3: "专版", 4: "副刊"}
EDITORS = ["曹禾", "潘宁", "鲁青", "覃思远", "庞一诺", "霍然"]
WEATHER = ["多云转小雨，14～22℃", "小雨，13～18℃", "晴转多云，16～26℃"]

CLOSERS = set("，。、；：？！”’）》」』…—%℃)")  # never start a line (禁则)
OPENERS = set("“‘（《「『(")  # never end a line (禁则)
# a Latin word or a number (with its decimal point, ratio sign, time colon, unit) is never broken
UNBROKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.:∶/+\-]*[%℃]?|——|……")
HAN = re.compile(r"[\u3400-\u9fff]")


# a printed gap beside a Chinese mark is no space in the gold: the contract puts none there
GAP_BESIDE_MARK = re.compile(r" (?=[，。、；：？！“”（）《》])|(?<=[，。、；：？！“”（）《》]) ")


def gold_title(title: str) -> str:
    return GAP_BESIDE_MARK.sub("", title)


def vertical_cells(text: str) -> list[str]:
    """The cells of a vertical title: a Han glyph, a space, a run of two ASCII glyphs, or
    each glyph of a longer run."""
    cells = []
    for m in re.finditer(r"[A-Za-z0-9]+|.", text):
        run = m.group()
        cells.extend([run] if len(run) <= 2 else list(run))
    return cells


def seeded(*key) -> random.Random:
    """A Random seeded by a string key, the same on every machine and Python."""
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def np_rng(*key) -> np.random.Generator:
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


# ------------------------------------------------------------------ pieces and splits


def load_pieces() -> dict[str, dict]:
    return {p["id"]: p for p in tomllib.loads(SOURCES.read_text(encoding="utf-8"))["piece"]}


DEV_SHARE = {"sport": 2, "ent": 2}  # dev takes half of these (two of the four evening pages are dev)


def split_pieces(pieces: dict[str, dict]) -> dict[str, str]:
    """Each kind drawn a third for dev (rounded up; sport and ent a half); a commentary goes
    with the lead it speaks of."""
    split = {}
    kinds = sorted({p["kind"] for p in pieces.values()} - {"commentary"})
    for kind in kinds:
        ids = sorted(i for i, p in pieces.items() if p["kind"] == kind)
        seeded(SPLIT_SEED, kind).shuffle(ids)
        n_dev = math.ceil(len(ids) / DEV_SHARE.get(kind, 3))
        for k, i in enumerate(ids):
            split[i] = "dev" if k < n_dev else "heldout"
    for i, p in pieces.items():
        if p["kind"] == "commentary":
            split[i] = split["lead_" + i.split("_", 1)[1]]
    return split


@dataclass
class PagePlan:
    name: str
    split: str
    paper: str  # county | evening
    issue: int
    page: str
    date: str
    weekday: str
    number: int
    lunar: str
    pieces: dict[str, list[str]]  # slot -> piece ids


class Pool:
    """The pieces of one split, handed out least used first (a seeded order breaks ties)."""

    def __init__(self, pieces, split, which):
        self.ids = {}
        for i, p in pieces.items():
            if split[i] == which:
                self.ids.setdefault(p["kind"], []).append(i)
        for kind, ids in self.ids.items():
            ids.sort()
            seeded(SPLIT_SEED, which, "order", kind).shuffle(ids)
        self.used = Counter()

    def take(self, kind, exclude=()):
        ids = [i for i in self.ids[kind] if i not in exclude]
        best = min(ids, key=lambda i: (self.used[i], self.ids[kind].index(i)))
        self.used[best] += 1
        return best


def plan_pages(pieces) -> list[PagePlan]:
    split = split_pieces(pieces)
    rng = seeded(SPLIT_SEED, "issues")
    county_dev = rng.randrange(len(COUNTY_ISSUES))
    evening_dev = sorted(rng.sample(range(len(EVENING_ISSUES)), 2))
    plans = []
    pools = {w: Pool(pieces, split, w) for w in ("dev", "heldout")}
    for n, (date, weekday, number, lunar) in enumerate(COUNTY_ISSUES):
        which = "dev" if n == county_dev else "heldout"
        pool = pools[which]
        lead = pool.take("lead")
        com = "com_" + lead.split("_", 1)[1]
        news = [pool.take("news")]
        news.append(pool.take("news", exclude=news))
        slots = {
            1: {"lead": [lead], "commentary": [com], "meeting": [pool.take("meeting")], "photo": [pool.take("photo")],
                "teaser": []},
            2: {"continued": [lead], "news": news, "ad": [pool.take("ad")]},
            3: {"special": [pool.take("special")], "notice": [pool.take("notice")],
                "news": [pool.take("news", exclude=news)]},
            4: {"essay": [pool.take("essay")], "serial": [pool.take("serial")], "letter": [pool.take("letter")]},
        }
        slots[1]["teaser"] = slots[3]["special"]
        for page, pc in slots.items():
            plans.append(PagePlan("", which, "county", n, str(page), date, weekday, number, lunar, pc))
    for n, (date, weekday, page) in enumerate(EVENING_ISSUES):
        which = "dev" if n in evening_dev else "heldout"
        pool = pools[which]
        sports = [pool.take("sport")]
        for _ in range(2):
            sports.append(pool.take("sport", exclude=sports))
        pc = {"sport": sports, "ent": [pool.take("ent")]}
        if n in (1, 2):  # one evening page a split prints an ad
            pc["ad"] = [pool.take("ad")]
        plans.append(PagePlan("", which, "evening", n, page, date, weekday, 0, "", pc))
    order = list(range(len(plans)))
    seeded(SPLIT_SEED, "names").shuffle(order)
    for k, i in enumerate(order):
        plans[i].name = f"fifth_{k + 1:02d}"
    return plans


# ------------------------------------------------------------------ typesetting


@dataclass
class Drawn:
    """One printed line: its glyphs, its box on the clean page, its reading rank."""

    text: str
    box: tuple[float, float, float, float]
    rank: int
    vertical: bool = False


@dataclass
class Style:
    """The page's typographic habits, drawn from its seed."""

    body: str
    small: str
    head: str
    px: int
    leading: float
    col_em: float
    gutter_em: float
    justified: bool
    rules: bool
    pt: float
    dpi: int


class Fonts:
    def __init__(self, font_dir: Path):
        self.dir = font_dir
        self.cache = {}

    def get(self, face: str, size: int) -> ImageFont.FreeTypeFont:
        key = (face, size)
        if key not in self.cache:
            self.cache[key] = ImageFont.truetype(str(self.dir / FONTS[face]), size)
        return self.cache[key]


@dataclass
class Unit:
    text: str
    font: ImageFont.FreeTypeFont
    bold: bool = False

    @property
    def space(self) -> bool:
        return self.text == " "


def units_of(text: str, font, bold_font=None, bold_until: int = 0) -> list[Unit]:
    """Split text into unbreakable units: a Latin word or number, a doubled dash, a glyph."""
    out, k = [], 0
    while k < len(text):
        m = UNBROKEN.match(text, k)
        piece = m.group() if m else text[k]
        use_bold = bold_font is not None and k < bold_until
        out.append(Unit(piece, bold_font if use_bold else font, use_bold))
        k += len(piece)
    return out


def unit_width(u: Unit, em: float) -> float:
    if u.space:
        return em
    return u.font.getlength(u.text)


@dataclass
class TextLine:
    """A set line: units at x offsets from the line's left edge."""

    units: list[Unit]
    xs: list[float]
    width: float
    size: int
    advance: float
    before: float = 0.0  # extra space above (a subhead)

    @property
    def text(self) -> str:
        return "".join(u.text for u in self.units if not u.space)


def set_paragraph(units: list[Unit], width: float, size: int, advance: float, indent: float,
                  justified: bool) -> list[TextLine]:
    """Break units into lines of `width` px with 禁则, then justify all but the last."""
    rows, cur, w = [], [], indent
    hanging = False
    for u in units:
        uw = unit_width(u, size)
        if hanging and u.text[0] in CLOSERS:  # a run of closing marks hangs together
            cur.append(u)
            continue
        if hanging:
            rows.append(cur)
            cur, w, hanging = [], 0.0, False
        if not cur or w + uw <= width + 0.5:
            cur.append(u)
            w += uw
            continue
        if u.text[0] in CLOSERS:  # a closing mark stays on the line, which is squeezed
            cur.append(u)
            hanging = True
            continue
        carry = []
        while len(cur) > 1 and (cur[-1].text[-1] in OPENERS or cur[-1].space):
            carry.insert(0, cur.pop())
        rows.append(cur)
        carry = [c for c in carry if not c.space]
        cur = [*carry, u]
        w = sum(unit_width(c, size) for c in cur)
    if cur:
        rows.append(cur)
    lines = []
    for n, row in enumerate(rows):
        while row and row[-1].space:
            row.pop()
        start = indent if n == 0 else 0.0
        widths = [unit_width(u, size) for u in row]
        natural = start + sum(widths)
        last = n == len(rows) - 1
        gap = 0.0
        if len(row) > 1 and (natural > width or (justified and not last)):
            gap = (width - natural) / (len(row) - 1)
        xs, x = [], start
        for uw in widths:
            xs.append(x)
            x += uw + gap
        lines.append(TextLine(row, xs, min(x - gap, width) if row else 0.0, size, advance))
    return lines


def one_line(text: str, font, size: int, width: float, align: str, gap_em: float = 1.0) -> TextLine:
    """A display line (no wrapping): spaces are gaps of gap_em; aligned in `width`."""
    units = units_of(text, font)
    xs, x = [], 0.0
    for u in units:
        xs.append(x)
        x += size * gap_em if u.space else u.font.getlength(u.text)
    shift = {"left": 0.0, "center": max(0.0, (width - x) / 2), "right": max(0.0, width - x)}[align]
    return TextLine(units, [v + shift for v in xs], x, size, size * 1.25)


class Page:
    """The clean page being drawn: an ink mask (0 ink, 255 paper), the drawn lines, the gold."""

    def __init__(self, width: int, height: int):
        self.img = Image.new("L", (width, height), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.drawn: list[Drawn] = []
        self.gold: list[str] = []
        self.printed: list[str] = []

    def put(self, line: TextLine, x: float, y: float, gold: str | None = None):
        """Draw a set line with its top-left at (x, y); record it; add its gold line if given."""
        baseline = y + line.size * 0.88
        for u, ux in zip(line.units, line.xs, strict=True):
            if not u.space:
                self.draw.text((x + ux, baseline), u.text, font=u.font, fill=0, anchor="ls")
        if line.units:
            x0 = x + line.xs[0]
            self.drawn.append(Drawn(line.text, (x0, y, x + line.xs[-1] + unit_width(line.units[-1], line.size),
                                                y + line.size), len(self.drawn)))
        if gold is not None:
            self.gold.append(gold)

    def put_vertical(self, text: str, font, size: int, x: float, y: float, gap: float) -> float:
        """A vertical headline: glyphs stacked top to bottom, a space a gap, a number or Latin
        word of two glyphs set across in one cell (纵中横), longer ones glyph by glyph.
        Returns its height."""
        cy = y
        for cell in vertical_cells(text):
            if cell == " ":
                cy += gap
                continue
            f = font
            while f.getlength(cell) > size * 1.05 and f.size > 6:
                f = ImageFont.truetype(font.path, f.size - 1)
            self.draw.text((x + size / 2, cy + size / 2), cell, font=f, fill=0, anchor="mm")
            cy += size * 1.08
        self.drawn.append(Drawn(text.replace(" ", ""), (x, y, x + size, cy), len(self.drawn), True))
        return cy - y

    def rule(self, x0, y0, x1, y1, width=1):
        self.draw.line([(x0, y0), (x1, y1)], fill=0, width=width)


# ------------------------------------------------------------------ modules

@dataclass
class Ctx:
    page: Page
    fonts: Fonts
    style: Style
    rng: random.Random
    pieces: dict
    features: set = field(default_factory=set)

    def font(self, face, scale=1.0):
        size = max(8, round(self.style.px * scale))
        return self.fonts.get(face, size), size

    @property
    def em(self):
        return self.style.px

    @property
    def advance(self):
        return self.style.px * self.style.leading


def headline(ctx: Ctx, title: str, x: float, y: float, width: float, scale: float, face: str,
             align: str) -> float:
    """A 主题 of one or two phrases over `width`: on one line with a gap, one phrase a line, or
    broken inside a phrase when too wide (or drawn so). Its gold is one line. Returns height."""
    rng = ctx.rng
    phrases = title.split(" ")
    size = round(ctx.em * scale)
    font = ctx.fonts.get(face, size)
    mode = rng.choice(["one", "one", "phrase_lines", "midbreak"]) if len(phrases) > 1 else rng.choice(
        ["one", "one", "one", "midbreak"])
    if mode == "midbreak" and len(title) < 9:
        mode = "one"

    def fits(text, f, s):
        return one_line(text, f, s, width, "left").width <= width

    while not fits(title if mode == "one" else max(phrases, key=len), font, size) and size > ctx.em * 1.3:
        size -= 2
        font = ctx.fonts.get(face, size)
    if mode == "one" and not fits(title, font, size):
        mode = "midbreak"
    if mode == "phrase_lines":
        rows = phrases
    elif mode == "midbreak":
        flat = title
        spots = [k for k in range(2, len(flat) - 1)
                 if flat[k] != " " and flat[k - 1] != " " and HAN.match(flat[k]) and HAN.match(flat[k - 1])
                 and flat[:k].count("《") == flat[:k].count("》")  # never inside a book title
                 and flat[:k].count("“") == flat[:k].count("”")]
        best = [k for k in spots if fits(flat[:k], font, size) and fits(flat[k:], font, size)]
        if not best:
            while size > ctx.em and not best:
                size -= 2
                font = ctx.fonts.get(face, size)
                best = [k for k in spots if fits(flat[:k], font, size) and fits(flat[k:], font, size)]
        if spots:
            cut = min(best or spots, key=lambda k: abs(k - len(flat) / 2) + rng.random())
            rows = [flat[:cut], flat[cut:]]
            ctx.features.add("title_midbreak")
        else:
            rows = [title]
    else:
        rows = [title]
    cy = y
    for k, row in enumerate(rows):
        line = one_line(row, font, size, width, align)
        ctx.page.put(line, x, cy, gold_title(title) if k == len(rows) - 1 else None)
        cy += size * 1.22
    if len(rows) > 1:  # the gold line is the whole title, recorded once at its last row
        pass
    return cy - y


def small_line(ctx: Ctx, text: str, x, y, width, scale, face, align, gold=True) -> float:
    font, size = ctx.font(face, scale)
    line = one_line(text, font, size, width, align)
    ctx.page.put(line, x, y, text if gold else None)
    return size * 1.4


def body_lines(ctx: Ctx, paragraphs: list[str], width: float, face: str | None = None,
               lead_first: str = "", cut: tuple[int, int] | None = None, marker_out: str = "",
               marker_in: str = "", endline_runin: str = "") -> tuple[list[TextLine], list[str]]:
    """Set paragraphs for a column `width` wide. Returns the lines and the gold paragraphs.
    `cut` keeps paragraphs up to (p, k); `lead_first` prints the first paragraph without
    indent (a continuation); markers are printed, never gold."""
    st = ctx.style
    font, size = ctx.font(face or st.body)
    bold, _ = ctx.font("simhei")
    lines, gold = [], []
    for n, para in enumerate(paragraphs):
        subhead = para.startswith("## ")
        text = para[3:] if subhead else para
        if subhead:
            hs = round(size * 1.1)
            sub = set_paragraph(units_of(text, ctx.fonts.get("simhei", hs)), width, hs, hs * 1.45, 0.0, False)
            sub[0].before = size * 0.5
            lines.extend(sub)
            gold.append(text)
            continue
        printed = text
        if n == len(paragraphs) - 1 and endline_runin:
            printed += endline_runin
            text += endline_runin
        if n == 0 and marker_in:
            printed = marker_in + printed
        if n == len(paragraphs) - 1 and marker_out:
            printed += marker_out
        bold_until = 0
        m = re.match(r"（[一二三四五六七八九十]+）[^。]*。", text)
        if m:
            bold_until = m.end() + (len(marker_in) if n == 0 and marker_in else 0)
        indent = 0.0 if (n == 0 and lead_first) else size * 2
        us = units_of(printed, font, bold if bold_until else None, bold_until)
        lines.extend(set_paragraph(us, width, size, ctx.advance, indent, st.justified))
        gold.append(text)
    return lines, gold


def flow(ctx: Ctx, lines: list[TextLine], x: float, y: float, ncols: int, col_w: float, gutter: float,
         min_height: float = 0.0) -> float:
    """Balance lines over ncols columns (each column top to bottom, columns left to right).
    Returns the height used."""
    heights = [ln.before + ln.advance for ln in lines]
    total = sum(heights)
    target = max(total / ncols, min_height)
    cols, cur, h = [], [], 0.0
    for ln, lh in zip(lines, heights, strict=True):
        if cur and h + lh > target + 0.5 and len(cols) < ncols - 1:
            cols.append(cur)
            cur, h = [], 0.0
        cur.append(ln)
        h += lh
    cols.append(cur)
    used = 0.0
    for c, col in enumerate(cols):
        cy = y
        for k, ln in enumerate(col):
            if k > 0:
                cy += ln.before
            ctx.page.put(ln, x + c * (col_w + gutter), cy)
            cy += ln.advance
        used = max(used, cy - y)
    return used


def columns_of(ctx: Ctx, width: float, span: int) -> tuple[float, float]:
    gutter = ctx.em * ctx.style.gutter_em
    return (width - gutter * (span - 1)) / span, gutter


def story(ctx: Ctx, pid: str, x, y, width, span, *, scale=1.8, vertical=False, kicker_label="",
          cut=None, marker_out="", continued=False, marker_in="", marker_in_own=False) -> float:
    """A story module: its stack (or a vertical headline at its side), byline, body columns."""
    p = ctx.pieces[pid]
    st, rng = ctx.style, ctx.rng
    page = ctx.page
    cy = y
    paras = list(p["body"])
    lead_first = ""
    if cut is not None:
        pn, k = cut
        if continued:
            paras = [paras[pn][k:], *paras[pn + 1:]]
            lead_first = "yes"
        else:
            paras = [*paras[:pn], paras[pn][:k]]
    endline = p.get("endline", "")
    endline_own = bool(endline) and rng.random() < 0.5
    if p["kind"] == "commentary" and p.get("label") == "社论":
        cy += small_line(ctx, "社论", x, cy, width, 1.3, "simhei", "left")
    align = rng.choice(["left", "center"]) if span > 1 else "left"
    title_vertical = vertical and can_stand(p) and not continued
    if not title_vertical:
        if p.get("kicker") and not continued:
            cy += small_line(ctx, p["kicker"], x, cy, width, 1.15, st.small, align)
        cy += headline(ctx, p["title"], x, cy, width, scale, "simhei", align)
        if p.get("sub") and not continued:
            cy += small_line(ctx, p["sub"], x, cy, width, 1.2, st.small, align)
    if continued and marker_in_own:
        cy += small_line(ctx, marker_in, x, cy, width, 0.95, st.body, "left", gold=False)
        marker_in = ""
    under = []  # lines under the title: 本报评论员, the byline
    if p["kind"] == "commentary" and p.get("label") == "本报评论员":
        under.append(("本报评论员", "simhei", align))
    if p.get("byline") and not continued:
        under.append((p["byline"], st.small, rng.choice(["left", "right"]) if span > 1 else "left"))
    top = cy
    bx, bw, vh = x, width, 0.0

    def lines_at(w):
        return body_lines(ctx, paras, w, lead_first=lead_first, marker_in=marker_in)[0]

    if title_vertical:
        vsize = round(ctx.em * min(scale, 2.2))
        phrases = p["title"].split(" ")
        stacks = [p["title"]]
        if len(phrases) == 2 and len(vertical_cells(p["title"])) > 11:  # too tall: one phrase a column
            stacks = phrases
        tallest = max(len(vertical_cells(t)) for t in stacks)
        while vsize > ctx.em * 1.4 and tallest * vsize * 1.08 > ctx.em * 14:
            vsize -= 1
        head_w = vsize * 1.35 * len(stacks) + vsize * 0.2
        bx, bw = x + head_w, width - head_w
        vfont = ctx.fonts.get("simhei", vsize)
        vh = 0.0
        for n, text in enumerate(stacks):  # columns of a vertical title read right to left
            vx = x + head_w - vsize * 1.35 * (n + 1) - vsize * 0.1
            vh = max(vh, page.put_vertical(text, vfont, vsize, vx, top, vsize * 0.8))
        page.gold.append(p["title"])
        page.rule(x + head_w - vsize * 0.1, top, x + head_w - vsize * 0.1, top + vh)
        ctx.features.add("vertical_title" if len(stacks) == 1 else "vertical_title_two_columns")
    for text, face, al in under:
        step = small_line(ctx, text, bx, top, bw, 1.0 if face == "simhei" else 0.95, face,
                          "left" if title_vertical else al)
        top += step
        vh -= step
    top += ctx.em * 0.4
    span = body_columns(ctx, lines_at, bw, span, min_height=vh)
    col_w, gutter = columns_of(ctx, bw, span)
    lines, gold = body_lines(ctx, paras, col_w, lead_first=lead_first, marker_out=marker_out if marker_out and
                             not marker_out.startswith("\n") else "", marker_in=marker_in,
                             endline_runin=endline if endline and not endline_own else "")
    if marker_out.startswith("\n"):  # a jump marker set right on its own line
        font, size = ctx.font(st.body)
        lines.append(one_line(marker_out[1:], font, size, col_w, "right"))
    if endline_own:
        font, size = ctx.font(st.body)
        lines.append(one_line(endline, font, size, col_w, "right"))
    used = flow(ctx, lines, bx, top, span, col_w, gutter)
    page.gold.extend(gold)
    if endline_own:
        page.gold.append(endline)
    return top + max(used, vh) - y


def can_stand(p: dict) -> bool:
    """A title that can be set vertically: Han, digits, Latin and a phrase gap, no deck."""
    return bool(re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9 ]+", p["title"])) and not p.get("kicker") and not p.get("sub")


def body_columns(ctx: Ctx, lines_at, width: float, span: int, min_height: float = 0.0) -> int:
    """How many body columns a module of `span` grid columns sets: a short story takes fewer,
    wider columns (at least six lines each, or as tall as a vertical title beside them;
    never wider than 24 em)."""
    for k in range(span, 0, -1):
        col_w, _ = columns_of(ctx, width, k)
        if col_w > 24 * ctx.em and k < span:
            return k + 1
        need = max(6, math.ceil(min_height / ctx.advance))
        if len(lines_at(col_w)) >= need * k:
            return k
    return 1


def photo_pixels(key: str, w: int, h: int) -> Image.Image:
    """A photo-like grey field: noise at several scales, a gradient, soft blobs, grain."""
    rng = np_rng(key)
    acc = np.zeros((h, w))
    for scale, amp in ((64, 60), (16, 35), (4, 15)):
        small = rng.random((max(2, h // scale), max(2, w // scale)))
        acc += amp * np.asarray(Image.fromarray((small * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)) / 255
    acc += np.linspace(0, 50, w)[None, :] * rng.choice([-1, 1])
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(4):
        cx, cy, r = rng.random() * w, rng.random() * h, 10 + rng.random() * min(w, h) / 3
        acc -= 45 * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    acc += rng.normal(0, 6, (h, w))
    acc = 90 + (acc - acc.min()) / max(1e-6, np.ptp(acc)) * 140
    return Image.fromarray(np.clip(acc, 0, 255).astype(np.uint8))


def photo_news(ctx: Ctx, pid: str, x, y, width, span) -> float:
    """图片新闻: a short title, the photo, the long caption that is the story, the credit."""
    p = ctx.pieces[pid]
    st, rng, page = ctx.style, ctx.rng, ctx.page
    cy = y
    cy += headline(ctx, p["title"], x, cy, width, 1.6, "simhei", "left")
    h = int(width * rng.uniform(0.55, 0.72))
    page.img.paste(photo_pixels(f"{pid}|{ctx.style.px}|{x}", int(width), h), (int(x), int(cy)))
    page.rule(x, cy, x + width, cy)
    cy += h + ctx.em * 0.4
    font, size = ctx.font(st.small, 0.92)
    runin = rng.random() < 0.5
    caption = p["caption"]
    printed = caption + ("　" + p["credit"] if runin else "")
    us = [u if u.text != "　" else Unit(" ", font) for u in units_of(printed, font)]
    lines = set_paragraph(us, width, size, size * 1.45, 0.0, st.justified)
    if not runin:
        lines.append(one_line(p["credit"], font, size, width, "right"))
    for ln in lines:
        page.put(ln, x, cy)
        cy += ln.advance
    page.gold.extend([caption, p["credit"]])
    ctx.features.add("photo_news")
    return cy - y


def ad_box(ctx: Ctx, pid: str, x, y, width) -> float:
    """A small boxed ad in the mono face: its name large, then its printed lines."""
    p = ctx.pieces[pid]
    page = ctx.page
    pad = ctx.em * 0.6
    cy = y + pad
    name = p["lines"][0]
    font, size = ctx.font("simhei", 1.5)
    while one_line(name, font, size, width - 2 * pad, "center").width > width - 2 * pad:
        size -= 2
        font = ctx.fonts.get("simhei", size)
    page.put(one_line(name, font, size, width - 2 * pad, "center"), x + pad, cy, name)
    cy += size * 1.4
    for text in p["lines"][1:]:
        f2, s2 = ctx.font("hanmono", 0.88)
        while one_line(text, f2, s2, width, "left").width > width - 2 * pad and s2 > 10:
            s2 -= 1
            f2 = ctx.fonts.get("hanmono", s2)
        page.put(one_line(text, f2, s2, width - 2 * pad, "center" if "：" not in text else "left"), x + pad, cy,
                 text)
        cy += s2 * 1.45
    cy += pad
    page.draw.rectangle([x, y, x + width, cy], outline=0, width=3)
    ctx.features.add("ad")
    return cy - y


def notice(ctx: Ctx, pid: str, x, y, width, span) -> float:
    """A 公告/通告 in a box: title centred (issuer and subject on two lines), clauses, and the
    sign-off (issuer, date) set right on two lines."""
    p = ctx.pieces[pid]
    page = ctx.page
    pad = ctx.em * 0.8
    cy = y + pad
    inner = width - 2 * pad
    issuer, subject = p["title"].split(" ")
    font, size = ctx.font("simhei", 1.6)
    page.put(one_line(issuer, font, size, inner, "center"), x + pad, cy)
    cy += size * 1.3
    page.put(one_line(subject, font, size, inner, "center"), x + pad, cy, p["title"])
    cy += size * 1.6
    span = body_columns(ctx, lambda w: body_lines(ctx, p["body"], w, face="hanmono")[0], inner, span)
    col_w, gutter = columns_of(ctx, inner, span)
    lines, gold = body_lines(ctx, p["body"], col_w, face="hanmono")
    font, size = ctx.font("hanmono")
    for text in (p["signer"], p["date"]):
        ln = one_line(text, font, size, col_w, "right")
        lines.append(ln)
    lines[-2].before = size * 0.6
    cy += flow(ctx, lines, x + pad, cy, span, col_w, gutter)
    page.gold.extend([*gold, p["signer"], p["date"]])
    cy += pad
    page.draw.rectangle([x, y, x + width, cy], outline=0, width=2)
    ctx.features.add("notice")
    return cy - y


def feature(ctx: Ctx, pid: str, x, y, width, span) -> float:
    """副刊 pieces: an essay or a serial (title, ◎ or 文／ byline, body), a letter (box title,
    title, body, the reader's name set right)."""
    p = ctx.pieces[pid]
    st, page = ctx.style, ctx.page
    cy = y
    if p.get("label"):
        font, size = ctx.font("simhei", 1.2)
        ln = one_line(p["label"], font, size, width, "left")
        page.draw.rectangle([x, cy, x + ln.width + size * 0.6, cy + size * 1.3], outline=0, width=2)
        page.put(ln, x + size * 0.3, cy + size * 0.15, p["label"])
        cy += size * 1.7
    cy += headline(ctx, p["title"], x, cy, width, 1.7 if p["kind"] != "letter" else 1.4,
                   ctx.rng.choice(["simhei", st.body]), "left" if p["kind"] == "letter" else "center")
    if p.get("byline"):
        cy += small_line(ctx, p["byline"], x, cy, width, 1.0, st.small, "center")
    cy += ctx.em * 0.3
    span = body_columns(ctx, lambda w: body_lines(ctx, p["body"], w)[0], width, span)
    col_w, gutter = columns_of(ctx, width, span)
    lines, gold = body_lines(ctx, p["body"], col_w)
    if p.get("signer"):
        font, size = ctx.font(st.body)
        lines.append(one_line(p["signer"], font, size, col_w, "right"))
        gold.append(p["signer"])
    cy += flow(ctx, lines, x, cy, span, col_w, gutter)
    page.gold.extend(gold)
    ctx.features.add(p["kind"])
    return cy - y


# ------------------------------------------------------------------ pages


def choose_style(plan: PagePlan) -> Style:
    rng = seeded("style", plan.name)
    dpi = rng.choice([150, 150, 180, 200, 200, 240, 300])
    pt = rng.choice([9, 9.5, 10, 10.5])
    if plan.paper == "evening":
        body, small = "simhei", rng.choice(["hanserif", "notoserif"])
    else:
        body = rng.choice(["hanserif", "notoserif"])
        small = "notoserif" if body == "hanserif" else "hanserif"
    return Style(body, small, "simhei", round(pt / 72 * dpi), rng.choice([1.45, 1.55, 1.65, 1.75]),
                 rng.choice([9.0, 10.0, 11.0, 12.0]) if dpi < 240 else rng.choice([10.0, 11.0]),
                 rng.choice([1.1, 1.3, 1.5]), rng.random() < 0.85, rng.random() < 0.5, pt, dpi)


def grid_columns(plan: PagePlan, style: Style) -> int:
    rng = seeded("grid", plan.name)
    if style.dpi >= 240:
        return rng.choice([4, 5])
    return rng.choice([6, 7]) if plan.paper == "county" else rng.choice([7, 8])


def jump_forms(plan: PagePlan) -> tuple[str, str, bool, bool]:
    """The pair of jump markers of an issue: (out, in, out set on its own line, in on its own)."""
    rng = seeded("jump", plan.issue)
    out, inn = rng.choice([("（下转第2版）", "（上接第1版）"), ("（下转第二版）", "（上接第一版）"),
                           ("转第2版", "上接第1版"), ("(紧转第2版)", "(紧接第1版)")])
    return out, inn, rng.random() < 0.4, rng.random() < 0.4


def lead_cut(p: dict, plan: PagePlan) -> tuple[int, int]:
    """Where the lead is cut: 45-65 % into its characters, inside a sentence, between two Han."""
    rng = seeded("cut", plan.issue)
    text = "".join(p["body"])
    target = int(len(text) * rng.uniform(0.45, 0.65))
    acc = 0
    for n, para in enumerate(p["body"]):
        if acc + len(para) > target:
            k = max(2, target - acc)
            while k < len(para) - 2 and not (HAN.match(para[k - 1]) and HAN.match(para[k])):
                k += 1
            return n, k
        acc += len(para)
    return len(p["body"]) - 1, len(p["body"][-1]) // 2


def masthead(ctx: Ctx, plan: PagePlan, x, y, width, pieces) -> float:
    """The county paper's masthead: the name large at the left with its line under it; the
    刊号, 期 and 版, date, 农历 and weather at the right; then the 看点 strip."""
    page = ctx.page
    big = round(ctx.em * 4.2)
    name_font = ctx.fonts.get("simhei", big)
    line = one_line("沅栖报", name_font, big, width, "left", )
    page.put(line, x, y, "沅栖报")
    sub_y = y + big * 1.15
    cy = sub_y + small_line(ctx, "中共沅栖县委机关报", x, sub_y, width, 1.0, ctx.style.small, "left")
    weather = WEATHER[plan.issue % len(WEATHER)]
    items = ["国内统一连续出版物号：CN43-0071", f"第{plan.number}期 今日4版",
             f"{plan.date[:4]}年{int(plan.date[5:7])}月{int(plan.date[8:])}日 {plan.weekday}",
             f"农历{plan.lunar}", f"天气：{weather}"]
    font, size = ctx.font(ctx.style.small, 0.95)
    rx = x + width * 0.58
    ry = y
    for item in items:
        page.put(one_line(item, font, size, width * 0.42, "left"), rx, ry, item)
        ry += size * 1.45
    cy = max(cy, ry) + ctx.em * 0.3
    page.rule(x, cy, x + width, cy, 4)
    page.rule(x, cy + 7, x + width, cy + 7, 1)
    cy += ctx.em * 0.8
    teaser = pieces[plan.pieces["teaser"][0]]["title"]
    rng = seeded("teaser", plan.name)
    pointer = rng.choice(["详见第3版", "▶3版", "相关报道见3版"])
    font, size = ctx.font("simhei", 1.1)
    lab = one_line("本期看点", font, size, width, "left")
    page.draw.rectangle([x, cy - 3, x + lab.width + 10, cy + size + 5], fill=0)
    for u, ux in zip(lab.units, lab.xs, strict=True):  # reversed label: white on black
        page.draw.text((x + 5 + ux, cy + size * 0.88), u.text, font=u.font, fill=255, anchor="ls")
    page.drawn.append(Drawn("本期看点", (x, cy, x + lab.width + 10, cy + size), len(page.drawn)))
    page.gold.append("本期看点")
    tf, ts = ctx.font(ctx.style.body, 1.05)
    teaser_line = one_line(teaser + " " + pointer, tf, ts, width, "left")
    page.put(teaser_line, x + lab.width + size * 1.5, cy, gold_title(teaser))
    cy += size * 1.8
    page.rule(x, cy, x + width, cy, 1)
    ctx.features.update({"masthead", "see_page"})
    return cy + ctx.em * 0.6 - y


def header(ctx: Ctx, plan: PagePlan, x, y, width) -> float:
    """An inside page's header row: page label, section, paper and date, editors; a rule."""
    page = ctx.page
    rng = seeded("editors", plan.name)
    eds = rng.sample(EDITORS, 2)
    date = f"{plan.date[:4]}年{int(plan.date[5:7])}月{int(plan.date[8:])}日 {plan.weekday}"
    if plan.paper == "county":
        items = [(f"第{plan.page}版", 1.4, "simhei"), (COUNTY_SECTIONS[int(plan.page)], 2.2, "simhei"),
                 ("沅栖报", 1.0, ctx.style.small), (date, 1.0, ctx.style.small),
                 (f"责任编辑：{eds[0]} 校对：{eds[1]}", 0.95, ctx.style.small)]
    else:
        items = [("汀南晚报", 1.6, "simhei"), (plan.page, 1.8, "simhei"), ("体育·文娱", 2.0, "simhei"),
                 (date, 1.0, ctx.style.small), (f"责编 {eds[0]} 美编 {eds[1]}", 0.95, ctx.style.small)]
    lines = []
    for text, scale, face in items:
        font, size = ctx.font(face, scale)
        lines.append(one_line(text, font, size, width, "left"))
    tallest = max(ln.size for ln in lines)
    free = width - sum(ln.width for ln in lines)
    gap = free / (len(lines) - 1)
    cx = x
    for (text, _, _), ln in zip(items, lines, strict=True):
        page.put(ln, cx, y + (tallest - ln.size), text)
        cx += ln.width + gap
    cy = y + tallest * 1.3
    page.rule(x, cy, x + width, cy, 3)
    ctx.features.add("header")
    return cy + ctx.em * 0.8 - y


def section_bar(ctx: Ctx, text: str, x, y, width) -> float:
    """A section label over a row (文娱): bold, a heavy rule under it across the page."""
    font, size = ctx.font("simhei", 1.5)
    ctx.page.put(one_line(text, font, size, width, "left"), x, y, text)
    cy = y + size * 1.3
    ctx.page.rule(x, cy, x + width, cy, 4)
    return cy + ctx.em * 0.6 - y


def row(ctx: Ctx, slots: list, x, y, ncols, width) -> float:
    """A row of slots (span, [callables stacked]); returns the row's height. Column rules are
    drawn in the gutters between slots when the page has them."""
    col_w, gutter = columns_of(ctx, width, ncols)
    cx = x
    heights, bounds = [], []
    for span, makers in slots:
        w = span * col_w + (span - 1) * gutter
        cy = y
        for make in makers:
            cy += make(cx, cy, w, span) + ctx.em * 0.9
        heights.append(cy - y)
        bounds.append(cx + w)
        cx += w + gutter
    h = max(heights)
    if ctx.style.rules:
        for b in bounds[:-1]:
            ctx.page.rule(b + gutter / 2, y, b + gutter / 2, y + h - ctx.em * 0.9)
    ctx.page.rule(x, y + h - ctx.em * 0.5, x + width, y + h - ctx.em * 0.5)
    return h


def compose(plan: PagePlan, fonts: Fonts, pieces: dict) -> tuple[Page, Style, int, set]:
    style = choose_style(plan)
    ncols = grid_columns(plan, style)
    em = style.px
    col_w = style.col_em * em
    gutter = style.gutter_em * em
    width = ncols * col_w + (ncols - 1) * gutter
    margin = round(em * 2.2)
    page = Page(int(width + 2 * margin), int(em * 260))
    rng = seeded("layout", plan.name)
    ctx = Ctx(page, fonts, style, rng, pieces)
    x, y = margin, margin
    pc = plan.pieces
    vertical_slot = rng.choice(["a", "b"])

    def mk(fn, *args, **kw):
        return lambda cx, cy, w, span: fn(ctx, *args, cx, cy, w, span, **kw)

    if plan.paper == "county":
        page_no = int(plan.page)
        out, inn, out_own, in_own = jump_forms(plan)
        if page_no == 1:
            y += masthead(ctx, plan, x, y, width, pieces)
            lead = pc["lead"][0]
            cut = lead_cut(pieces[lead], plan)
            side = 2 if ncols <= 5 else rng.choice([2, 3])
            y += row(ctx, [(ncols - side, [mk(story, lead, scale=rng.uniform(2.6, 3.4), cut=cut,
                                               marker_out=("\n" + out) if out_own else out)]),
                           (side, [mk(story, pc["commentary"][0], scale=1.7,
                                      vertical=vertical_slot == "a")])], x, y, ncols, width)
            ctx.features.update({"jump_out", "commentary"})
            pspan = 2 if ncols <= 5 else 3
            y += row(ctx, [(ncols - pspan, [mk(story, pc["meeting"][0], scale=1.9, vertical=vertical_slot == "b")]),
                           (pspan, [mk(photo_news, pc["photo"][0])])], x, y, ncols, width)
            ctx.features.add("meeting")
        else:
            y += header(ctx, plan, x, y, width)
            if page_no == 2:
                lead = pc["continued"][0]
                cut = lead_cut(pieces[lead], plan)
                side = 2 if ncols <= 5 else rng.choice([2, 3])
                y += row(ctx, [(ncols - side, [mk(story, lead, scale=2.0, cut=cut, continued=True,
                                                   marker_in=inn, marker_in_own=in_own)]),
                               (side, [mk(story, pc["news"][0], scale=1.5, vertical=vertical_slot == "a")])],
                         x, y, ncols, width)
                ctx.features.add("jump_in")
                adspan = 2
                y += row(ctx, [(ncols - adspan, [mk(story, pc["news"][1], scale=rng.uniform(1.8, 2.4),
                                                    vertical=vertical_slot == "b")]),
                               (adspan, [lambda cx, cy, w, s: ad_box(ctx, pc["ad"][0], cx, cy, w)])],
                         x, y, ncols, width)
            elif page_no == 3:
                y += row(ctx, [(ncols, [mk(special, pc["special"][0])])], x, y, ncols, width)
                nspan = min(ncols, 4 if ncols >= 6 else ncols)
                if ncols > nspan:
                    y += row(ctx, [(nspan, [mk(notice, pc["notice"][0])]),
                                   (ncols - nspan, [mk(story, pc["news"][0], scale=1.6, vertical=True)])],
                             x, y, ncols, width)
                else:
                    y += row(ctx, [(ncols, [mk(notice, pc["notice"][0]), mk(story, pc["news"][0], scale=1.6)])],
                             x, y, ncols, width)
            else:
                y += row(ctx, [(ncols, [mk(feature, pc["essay"][0])])], x, y, ncols, width)
                lspan = 2 if ncols <= 5 else 3
                y += row(ctx, [(ncols - lspan, [mk(feature, pc["serial"][0])]),
                               (lspan, [mk(feature, pc["letter"][0])])], x, y, ncols, width)
    else:
        y += header(ctx, plan, x, y, width)
        s = pc["sport"]
        first, second = (s[2], s[1]) if can_stand(pieces[s[2]]) and not can_stand(pieces[s[1]]) else (s[1], s[2])
        side = 3 if ncols >= 6 else 2
        y += row(ctx, [(ncols - side, [mk(story, s[0], scale=rng.uniform(2.4, 3.2))]),
                       (side, [mk(story, second, scale=1.7)])], x, y, ncols, width)
        right = [lambda cx, cy, w, sp: section_bar(ctx, "文娱", cx, cy, w), mk(story, pc["ent"][0], scale=1.7)]
        if pc.get("ad"):
            right.append(lambda cx, cy, w, sp: ad_box(ctx, pc["ad"][0], cx, cy, w))
        y += row(ctx, [(ncols - side - 1, [mk(story, first, scale=2.0, vertical=True)]), (side + 1, right)],
                 x, y, ncols, width)
    height = int(y + margin)
    page.img = page.img.crop((0, 0, page.img.width, height))
    page.draw = ImageDraw.Draw(page.img)
    return page, style, ncols, ctx.features


def special(ctx: Ctx, pid: str, x, y, width, span) -> float:
    """A 专版 piece: a big title over all columns, the supplier's line, then the body with its
    numbered subheads (一、) on their own lines and (一) run in bold."""
    p = ctx.pieces[pid]
    cy = y + headline(ctx, p["title"], x, y, width, 2.8, "simhei", "center")
    cy += small_line(ctx, p["sub"], x, cy, width, 0.95, ctx.style.small, "right")
    col_w, gutter = columns_of(ctx, width, span)
    lines, gold = body_lines(ctx, p["body"], col_w)
    cy += flow(ctx, lines, x, cy + ctx.em * 0.3, span, col_w, gutter) + ctx.em * 0.3
    ctx.page.gold.extend(gold)
    ctx.features.add("numbered_subheads")
    return cy - y


# ------------------------------------------------------------------ scan faults


@dataclass
class Faults:
    yellowed: bool
    faint: float  # share of the ink kept (1.0 = full black)
    rotation: float  # degrees, counter-clockwise as seen
    crease: bool
    jpeg: int  # quality, 0 = none
    microfilm: bool
    blur: float


def choose_faults(plan: PagePlan, microfilm_page: str) -> Faults:
    rng = seeded("faults", plan.name)
    microfilm = plan.name == microfilm_page
    return Faults(
        yellowed=not microfilm and rng.random() < 0.45,
        faint=rng.choice([0.55, 0.65]) if rng.random() < 0.3 else 1.0,
        rotation=round(rng.uniform(0.2, 0.9) * rng.choice([-1, 1]), 2) if rng.random() < 0.45 else 0.0,
        crease=rng.random() < 0.3,
        jpeg=rng.choice([25, 35, 45]) if rng.random() < 0.35 else 0,
        microfilm=microfilm,
        blur=rng.choice([0.0, 0.4, 0.6, 0.8]),
    )


def turn_matrix(width: int, height: int, degrees: float) -> tuple[float, ...]:
    """The affine map from the scanned image back to the clean page (PIL's AFFINE data: for
    each output pixel, where in the input it comes from): a turn about the centre."""
    a = math.radians(degrees)
    cx, cy = width / 2, height / 2
    cos, sin = math.cos(a), math.sin(a)
    return (cos, sin, cx - cos * cx - sin * cy, -sin, cos, cy + sin * cx - cos * cy)


def scan(page: Page, faults: Faults, key: str) -> Image.Image:
    """Turn the clean ink mask into a scanned page with the page's faults."""
    rng = np_rng("scan", key)
    mask = page.img
    w, h = mask.size
    if faults.rotation:
        mask = mask.transform((w, h), Image.AFFINE, turn_matrix(w, h, faults.rotation), Image.BICUBIC,
                              fillcolor=255)
    if faults.blur:
        mask = mask.filter(ImageFilter.GaussianBlur(faults.blur))
    ink = 1.0 - np.asarray(mask, dtype=np.float64) / 255.0  # 1 = full ink
    ink *= faults.faint
    yy = np.linspace(0, 1, h)[:, None]
    xx = np.linspace(0, 1, w)[None, :]
    tone = 1.0 - 0.06 * (xx * rng.random() + yy * rng.random())  # uneven paper
    if faults.crease:  # a fold across the page: a dark seam with a light ridge beside it
        c = int(h * rng.uniform(0.35, 0.65))
        d = np.abs(np.arange(h) - c)[:, None]
        tone = tone - 0.22 * np.exp(-(d / 2.5) ** 2) + 0.05 * np.exp(-((d - 8) / 5.0) ** 2)
        ink = ink * (1 - 0.35 * np.exp(-(d / 4.0) ** 2))
    if faults.yellowed:
        paper = np.array([236, 222, 186]) * 1.0
        ink_rgb = np.array([52, 44, 36]) * 1.0
    else:
        paper = np.array([246, 246, 244]) * 1.0
        ink_rgb = np.array([18, 18, 18]) * 1.0
    rgb = paper[None, None, :] * tone[..., None] * (1 - ink[..., None]) + ink_rgb[None, None, :] * ink[..., None]
    rgb += rng.normal(0, 4.0, (h, w, 1))
    if faults.microfilm:  # grey film, hard contrast, specks and scratches
        grey = rgb.mean(axis=2)
        grey += rng.normal(0, 14, (h, w))
        grey = np.where(grey < 150, 30.0, 205.0)
        for _ in range(5):
            sx = int(rng.random() * w)
            grey[:, sx:sx + 1] = 235
        specks = rng.random((h, w)) < 0.0004
        grey[specks] = 30
        img = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8), "L")
    else:
        img = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
        if not faults.yellowed:
            img = img.convert("L")
    if faults.jpeg:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=faults.jpeg)
        img = Image.open(io.BytesIO(buf.getvalue()))
        img.load()
    return img


# ------------------------------------------------------------------ OCR and order


def run_paddle(image: Path, out_dir: Path) -> dict:
    """RapidOCR through the project's own `qingyang ocr`, one page at a time."""
    qingyang = Path(sys.executable).parent / "qingyang"
    subprocess.run([str(qingyang), "ocr", str(image), "--output", str(out_dir)], check=True,
                   env={**os.environ, "OMP_NUM_THREADS": "1"}, stdout=subprocess.DEVNULL)
    return json.loads((out_dir / f"{image.stem}.paddle.json").read_text(encoding="utf-8"))


def run_tesseract(image: Path, out_base: Path):
    """Tesseract on the whole page, --psm 3, both renderers in one run: out.hocr, out.xml."""
    subprocess.run(["tesseract", str(image), str(out_base), "-l", "chi_sim", "--psm", "3", "hocr", "alto"],
                   check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


HOCR_WORD = re.compile(r"<span class='ocrx_word'[^>]*>(.*?)</span>", re.S)  # one recognised word


def hocr_text(hocr: str) -> str:
    return "".join(html.unescape(re.sub(r"<[^>]+>", "", w)) for w in HOCR_WORD.findall(hocr))


def reading_order(engine: dict, drawn: list[Drawn], matrix) -> list[str]:
    """Engine lines sorted by the rank of the drawn line under each box's centre (the nearest
    drawn line when none holds it), then along the line (down for a vertical title)."""
    a, b, c, d, e, f = matrix
    keyed = []
    for n, (text, box) in enumerate(zip(engine["rec_texts"], engine["rec_boxes"], strict=True)):
        ox, oy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        px, py = a * ox + b * oy + c, d * ox + e * oy + f
        best = min(drawn, key=lambda dl: (_distance(dl.box, px, py), (dl.box[2] - dl.box[0]) * (dl.box[3] - dl.box[1])))
        keyed.append(((best.rank, py if best.vertical else px, n), text))
    return [t for _, t in sorted(keyed)]


def _distance(box, x, y) -> float:
    dx = max(box[0] - x, 0, x - box[2])
    dy = max(box[1] - y, 0, y - box[3])
    return math.hypot(dx, dy)


def fold(text: str) -> Counter:
    """Characters of text, NFKC, ASCII punctuation as its CJK mark, whitespace dropped."""
    table = str.maketrans({",": "，", ".": "。", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（",
                           ")": "）", '"': "“", "'": "‘", "”": "“", "’": "‘"})
    return Counter(c for c in unicodedata.normalize("NFKC", text).translate(table) if not c.isspace())


def floors(gold: str, printed: str, raw: str) -> tuple[int, int, int, int]:
    g = Counter(c for c in gold if not c.isspace())
    r = Counter(c for c in raw if not c.isspace())
    pf, rf = fold(printed), fold(raw)
    return sum((g - r).values()), sum((r - g).values()), sum((pf - rf).values()), sum((rf - pf).values())


# ------------------------------------------------------------------ main

FIELDS = ["name", "split", "paper", "issue_date", "page", "section", "columns", "body_face", "body_pt", "dpi",
          "body_px", "leading", "col_em", "justified", "column_rules", "yellowed", "faint_ink", "rotation_deg",
          "crease", "jpeg_quality", "microfilm", "blur", "features", "stories",
          "gold_chars", "printed_chars",
          "ocr_missing", "ocr_extra", "ocr_floor", "misread_missing", "misread_extra", "ocr_floor_misread",
          "tess_missing", "tess_extra", "tess_floor", "tess_misread_missing", "tess_misread_extra",
          "tess_floor_misread"]


def build_page(plan: PagePlan, pieces, fonts, out: Path, image_dir: Path, ocr: bool, microfilm_page: str) -> dict:
    page, style, ncols, features = compose(plan, fonts, pieces)
    faults = choose_faults(plan, microfilm_page)
    folder = out / plan.split
    folder.mkdir(parents=True, exist_ok=True)
    ext = "jpg" if faults.jpeg else "png"
    image = image_dir / f"{plan.name}.{ext}"
    if ocr:
        image_dir.mkdir(parents=True, exist_ok=True)
        img = scan(page, faults, plan.name)
        if faults.jpeg:
            img.save(image, "JPEG", quality=faults.jpeg)
        else:
            img.save(image)
        run_paddle(image, folder)
        base = folder / plan.name
        run_tesseract(image, base)
        os.replace(f"{base}.xml", f"{base}.alto.xml")
    engine = json.loads((folder / f"{plan.name}.paddle.json").read_text(encoding="utf-8"))
    hocr = (folder / f"{plan.name}.hocr").read_text(encoding="utf-8")
    matrix = turn_matrix(page.img.width, page.img.height, faults.rotation)
    order = reading_order(engine, page.drawn, matrix)
    gold = "\n".join(page.gold) + "\n"
    (folder / f"{plan.name}.txt").write_text("\n".join(order) + "\n", encoding="utf-8")
    (folder / f"{plan.name}.gold.txt").write_text(gold, encoding="utf-8")
    printed = "".join(dl.text for dl in page.drawn)
    om, oe, mm, me = floors(gold, printed, "".join(engine["rec_texts"]))
    tm, te, tmm, tme = floors(gold, printed, hocr_text(hocr))
    g = sum(1 for ch in gold if not ch.isspace())
    pc = sum(fold(printed).values())
    section = COUNTY_SECTIONS[int(plan.page)] if plan.paper == "county" else "体育·文娱"
    stories = sorted({i for ids in plan.pieces.values() for i in ids})
    return {
        "name": plan.name, "split": plan.split, "paper": "沅栖报" if plan.paper == "county" else "汀南晚报",
        "issue_date": plan.date, "page": plan.page, "section": section, "columns": ncols, "body_face": style.body,
        "body_pt": style.pt, "dpi": style.dpi, "body_px": style.px, "leading": style.leading,
        "col_em": style.col_em, "justified": int(style.justified), "column_rules": int(style.rules),
        "yellowed": int(faults.yellowed), "faint_ink": faults.faint, "rotation_deg": faults.rotation,
        "crease": int(faults.crease), "jpeg_quality": faults.jpeg, "microfilm": int(faults.microfilm),
        "blur": faults.blur, "features": " ".join(sorted(features)), "stories": " ".join(stories),
        "gold_chars": g, "printed_chars": pc,
        "ocr_missing": om, "ocr_extra": oe, "ocr_floor": f"{(om + oe) / g:.4f}",
        "misread_missing": mm, "misread_extra": me, "ocr_floor_misread": f"{(mm + me) / pc:.4f}",
        "tess_missing": tm, "tess_extra": te, "tess_floor": f"{(tm + te) / g:.4f}",
        "tess_misread_missing": tmm, "tess_misread_extra": tme, "tess_floor_misread": f"{(tmm + tme) / pc:.4f}",
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--font-dir", type=Path, default=Path(os.environ.get("QINGYANG_FIFTH_FONTS", "/tmp/fifth_fonts")))
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "eval_fifth")
    ap.add_argument("--image-dir", type=Path, default=Path("/tmp/fifth_images"))
    ap.add_argument("--no-ocr", action="store_true", help="reuse the OCR files in --out")
    ap.add_argument("--split", choices=["dev", "heldout"], help="build one split only (manifest keeps the other's rows)")
    ap.add_argument("--only", nargs="*", help="page names to build (OCR) this run")
    ap.add_argument("--plan", action="store_true", help="print the splits and pages, build nothing")
    args = ap.parse_args(argv)
    pieces = load_pieces()
    plans = plan_pages(pieces)
    split = split_pieces(pieces)
    microfilm_page = sorted(p.name for p in plans)[seeded(SPLIT_SEED, "microfilm").randrange(len(plans))]
    if args.plan:
        for kind in sorted({p["kind"] for p in pieces.values()}):
            ids = sorted(i for i in pieces if pieces[i]["kind"] == kind)
            print(kind, "dev:", [i for i in ids if split[i] == "dev"], "heldout:", [i for i in ids if split[i] != "dev"])
        for p in sorted(plans, key=lambda p: p.name):
            print(p.name, p.split, p.paper, p.date, p.page, p.pieces)
        return 0
    fonts = Fonts(args.font_dir)
    manifest = args.out / "manifest.csv"
    rows = {}
    if manifest.is_file():
        rows = {r["name"]: r for r in csv.DictReader(manifest.open(encoding="utf-8"))}
    for plan in sorted(plans, key=lambda p: p.name):
        if args.split and plan.split != args.split:
            continue
        if args.only and plan.name not in args.only:
            continue
        print(plan.name, plan.split, plan.paper, plan.page, file=sys.stderr)
        rows[plan.name] = build_page(plan, pieces, fonts, args.out, args.image_dir, not args.no_ocr, microfilm_page)
    args.out.mkdir(parents=True, exist_ok=True)
    with manifest.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        for name in sorted(rows):
            w.writerow({k: rows[name][k] for k in FIELDS})
    return 0


if __name__ == "__main__":
    sys.exit(main())
