"""Build the fresh evaluation set tests/eval_fresh/{dev,heldout}: PP-OCR on rendered pages.

A second, independent hand: original stories about 澜川市 (tools/fresh_sources/lanchuan.toml)
are laid out as newspaper pages the way 人民日报 and local dailies print them (header band or
masthead, headline stacks across columns, jumps to and from other pages, photos with
captions, a boxed guide, tinted sidebars, L-shaped stories around a photo, columns narrower
than the neighbour's, column rules on some pages), rendered with Pillow, sometimes turned by
a fraction of a degree and speckled like a scan, and read by PP-OCR through `qingyang ocr`.

For each page NAME it writes
  NAME.paddle.json  the engine's file, as `qingyang ocr` wrote it;
  NAME.txt          the engine's lines in reading order: each recognised box goes to the
                    rendered zone holding its centre (the nearest zone otherwise), zones in
                    the page's reading order, boxes in a zone top to bottom then left to right;
  NAME.gold.txt     the page in the text contract of DESIGN.md (see tests/eval_fresh/README.md).
and tests/eval_fresh/manifest.csv (split, layout facts, the engine's misreading floor).

Everything is seeded from strings; page images and zone files go to --image-dir (not
committed). Fonts come from --font-dir (not a project dependency; see the set's README).

  python tools/make_fresh_pages.py --font-dir /tmp/fresh_fonts            # all pages + OCR
  python tools/make_fresh_pages.py --font-dir /tmp/fresh_fonts --no-ocr   # render, gold only
  python tools/make_fresh_pages.py --plan                                 # pages and splits
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
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
SOURCES = ROOT / "tools" / "fresh_sources" / "lanchuan.toml"
OUT = ROOT / "tests" / "eval_fresh"
SEED = "lanchuan-fresh-pages-v1"
SPLIT_SEED = "lanchuan-fresh-split-v1"
SERIF = "NotoSerifCJKsc-Regular.otf"
SANS = "NotoSansCJKsc-Regular.otf"

# Issues: (paper, ISO date, grid columns of its pages). Three pages each: a front page, a
# page carrying the front page's jump, and one more inside page.
ISSUES = [
    ("澜川日报", "2026-03-18", (6, 5, 5)),
    ("澜川日报", "2026-03-19", (5, 6, 4)),
    ("澜川日报", "2026-03-20", (6, 4, 5)),
    ("澜川晚报", "2026-03-18", (4, 3, 4)),
    ("澜川晚报", "2026-03-19", (3, 4, 3)),
    ("澜川日报", "2026-03-21", (5, 5, 6)),
]
HELDOUT_ISSUES = 2
SECTIONS = ["要闻", "城市新闻", "经济", "民生", "文化", "社会"]
CN_DIGITS = "〇一二三四五六七八九十"
WEEKDAYS = "一二三四五六日"

# Line-breaking classes (禁则): these never start a line, those never end one.
NO_START = set("，。、；：？！”’）》」』%…·")
NO_END = set("“‘（《「『")


# ----------------------------------------------------------------------------- stories


@dataclass
class Story:
    id: str
    headline: list[str]
    body: list[str]
    kicker: str = ""
    subheadline: str = ""
    byline: str = ""
    photo_caption: str = ""
    photo_credit: str = ""
    guide: str = ""
    jump: bool = False
    kind: str = "story"


# A see-page pointer inside a paragraph of the sources: printed, but not part of the gold.
SEE_PAGE = re.compile(r"\{see:([^}]+)\}")


def printed_form(paragraph: str) -> str:
    return SEE_PAGE.sub(r"（相关报道见第\1版）", paragraph)


def gold_form(paragraph: str) -> str:
    return SEE_PAGE.sub("", paragraph).lstrip("§")


def load_stories() -> dict[str, Story]:
    data = tomllib.loads(SOURCES.read_text(encoding="utf-8"))
    return {s["id"]: Story(**s) for s in data["story"]}


def split_stories(stories: dict[str, Story]) -> dict[str, str]:
    """Seeded draw of the stories into dev / heldout, a third (rounded up) of each kind held out."""
    rng = random.Random(SPLIT_SEED + ":stories")
    groups = {"jump": [], "photo": [], "sidebar": [], "plain": [], "note": []}
    for s in stories.values():
        kind = ("jump" if s.jump else "photo" if s.photo_caption else
                s.kind if s.kind in ("sidebar", "note") else "plain")
        groups[kind].append(s.id)
    split = {}
    for ids in groups.values():
        ids = sorted(ids)
        rng.shuffle(ids)
        held = math.ceil(len(ids) / 3)
        for i, sid in enumerate(ids):
            split[sid] = "heldout" if i < held else "dev"
    return split


def split_issues() -> list[str]:
    rng = random.Random(SPLIT_SEED + ":issues")
    held = set(rng.sample(range(len(ISSUES)), HELDOUT_ISSUES))
    return ["heldout" if i in held else "dev" for i in range(len(ISSUES))]


# ----------------------------------------------------------------------------- fonts


class Fonts:
    def __init__(self, font_dir: Path):
        from PIL import ImageFont

        self._truetype = ImageFont.truetype
        self.dir = font_dir
        self._cache: dict[tuple[str, int], object] = {}

    def get(self, face: str, size: int):
        key = (face, int(size))
        if key not in self._cache:
            self._cache[key] = self._truetype(str(self.dir / face), int(size))
        return self._cache[key]


# ----------------------------------------------------------------------------- page model


@dataclass
class Zone:
    box: tuple[float, float, float, float]
    label: str


@dataclass
class Page:
    name: str
    width: int
    fonts: Fonts
    rng: random.Random
    body_px: int
    ops: list = field(default_factory=list)  # drawing operations, replayed on the image
    zones: list[Zone] = field(default_factory=list)
    gold: list[str] = field(default_factory=list)
    printed: list[str] = field(default_factory=list)  # every string drawn, for the floor
    facts: dict = field(default_factory=dict)
    height: int = 0

    def text(self, xy, s, face, size, fill=0, bold=False):
        self.ops.append(("text", xy, s, face, size, fill, bold))
        self.printed.append(s)

    def rect(self, box, fill=None, outline=None, width=1):
        self.ops.append(("rect", box, fill, outline, width))

    def line(self, xy, width=1, fill=0):
        self.ops.append(("line", xy, width, fill))

    def photo(self, box):
        self.ops.append(("photo", box, self.rng.randrange(1 << 30)))

    def zone(self, box, label):
        self.zones.append(Zone(tuple(box), label))


def tokens(text: str) -> list[str]:
    """Unbreakable units of a line: a run of ASCII letters/digits (with . % / : -) or one glyph."""
    out, run = [], ""
    for ch in text:
        if ch.isascii() and (ch.isalnum() or (run and ch in ".%/:-")):
            run += ch
            continue
        if run:
            out.append(run)
            run = ""
        out.append(ch)
    if run:
        out.append(run)
    return out


def break_lines(text: str, font, width: float, first_indent: float) -> list[list[str]]:
    """Greedy line breaks with 禁则: closing punctuation hangs on, opening moves down."""
    lines: list[list[str]] = []
    cur: list[str] = []
    avail = width - first_indent
    used = 0.0
    for tok in tokens(text):
        w = font.getlength(tok)
        if cur and used + w > avail + 0.5:
            if tok in NO_START:  # squeeze it in: a line never starts with closing punctuation
                cur.append(tok)
                lines.append(cur)
                cur, used, avail = [], 0.0, width
                continue
            carry = []
            while cur and cur[-1] in NO_END:
                carry.insert(0, cur.pop())
            lines.append(cur)
            cur = carry
            used = sum(font.getlength(t) for t in cur)
            avail = width
        cur.append(tok)
        used += w
    if cur:
        lines.append(cur)
    return [ln for ln in lines if ln]


def draw_justified(page: Page, x, y, toks, face, size, width, justify):
    font = page.fonts.get(face, size)
    widths = [font.getlength(t) for t in toks]
    extra = width - sum(widths)
    gap = extra / (len(toks) - 1) if justify and len(toks) > 1 else 0.0
    if not justify and extra < 0 and len(toks) > 1:
        gap = extra / (len(toks) - 1)
    cx = x
    for t, w in zip(toks, widths, strict=True):
        page.ops.append(("text", (cx, y), t, face, size, 0, False))
        cx += w + gap
    page.printed.append("".join(toks))


# ----------------------------------------------------------------------------- flow items


@dataclass
class Item:
    """One printed line of a column: body text, a subhead, a byline, a jump marker."""

    kind: str
    toks: list[str]
    height: float
    indent: float = 0.0
    justify: bool = True
    align: str = "left"
    face: str = SERIF
    size: int = 24
    bold: bool = False


def body_items(page: Page, paragraphs: list[str], width: float, *, first_continues=False,
               face=SERIF, size=None) -> list[Item]:
    size = size or page.body_px
    font = page.fonts.get(face, size)
    lh = size * page.facts.get("leading", 1.55)
    items: list[Item] = []
    for i, para in enumerate(map(printed_form, paragraphs)):
        if para.startswith("§"):
            sub = para[1:]
            items.append(Item("subhead", tokens(sub), lh * 1.7, justify=False, align="center",
                              face=SANS, size=int(size * 1.05), bold=True))
            continue
        indent = 0.0 if (i == 0 and first_continues) else 2 * size
        lines = break_lines(para, font, width, indent)
        for j, toks in enumerate(lines):
            last = j == len(lines) - 1
            items.append(Item("body", toks, lh, indent=indent if j == 0 else 0.0,
                              justify=not last, face=face, size=size))
    return items


def flow(items: list[Item], slots: list[tuple[float, float, float]]):
    """Fill column slots (x, y_top, width) in order down to the lowest bottom that fits all."""

    def place(bottom):
        placed, k = [], 0
        y = slots[0][1]
        for it in items:
            while y + it.height > bottom + 0.01:
                k += 1
                if k >= len(slots):
                    return None
                y = slots[k][1]
            placed.append((k, y))
            y += it.height
        return placed

    lo = max(s[1] for s in slots[:1]) + max((it.height for it in items), default=0)
    hi = max(s[1] for s in slots) + sum(it.height for it in items) + 1
    while hi - lo > 1:
        mid = (lo + hi) / 2
        if place(mid) is None:
            lo = mid
        else:
            hi = mid
    return place(hi), hi


def render_flow(page: Page, items: list[Item], slots, label: str) -> float:
    """Draw items flowed into slots; one zone per slot used. Returns the bottom."""
    if not items:
        return max(s[1] for s in slots)
    placed, bottom = flow(items, slots)
    used: dict[int, list[float]] = {}
    for it, (k, y) in zip(items, placed, strict=True):
        x, _, w = slots[k]
        font = page.fonts.get(it.face, it.size)
        ty = y + (it.height - it.size * 1.0) / 2 - it.size * 0.08
        if it.align == "center":
            draw_phrases(page, x, ty, w, "".join(it.toks), it.face, it.size, it.bold)
        elif it.align == "right":
            tw = sum(font.getlength(t) for t in it.toks)
            page.text((x + w - tw, ty), "".join(it.toks), it.face, it.size, bold=it.bold)
        elif it.kind == "lead":
            page.text((x, ty), "".join(it.toks), it.face, it.size, bold=True)
        elif it.kind == "byline":
            cx = x
            for t in it.toks:  # name parts with a printed one-em gap between them
                if t == " ":
                    cx += it.size
                    continue
                page.text((cx, ty), t, it.face, it.size)
                cx += font.getlength(t)
        else:
            draw_justified(page, x + it.indent, ty, it.toks, it.face, it.size, w - it.indent,
                           it.justify)
        box = used.setdefault(k, [y, y])
        box[1] = y + it.height
    for k in sorted(used):
        x, _, w = slots[k]
        page.zone((x - 2, used[k][0], x + w + 2, used[k][1]), f"{label}:col{k + 1}")
    return bottom


# ----------------------------------------------------------------------------- modules


def fit_size(fonts: Fonts, face: str, lines: list[str], width: float, size: int, gap_em=1.0):
    while size > 20:
        font = fonts.get(face, size)
        widest = max(font.getlength(ln.replace(" ", "")) + ln.count(" ") * size * gap_em
                     for ln in lines)
        if widest <= width:
            return size
        size -= 2
    return size


def wrap_display(font, lines: list[str], width: float, size: int) -> list[str]:
    """Headline lines broken to fit a width: at phrase gaps first, inside a phrase only when
    the phrase alone is too wide. A phrase gap at a break is not printed."""

    def wide(s: str) -> float:
        return font.getlength(s.replace(" ", "")) + s.count(" ") * size

    out = []
    for ln in lines:
        cur = ""
        for phrase in ln.split(" "):
            trial = f"{cur} {phrase}" if cur else phrase
            if wide(trial) <= width:
                cur = trial
                continue
            if cur:
                out.append(cur)
            cur = ""
            target = wide(phrase) / math.ceil(wide(phrase) / width)  # even pieces, no orphan
            for tok in tokens(phrase):
                if cur and wide(cur + tok) > target + size * 0.5 and tok not in NO_START:
                    out.append(cur)
                    cur = ""
                cur += tok
        out.append(cur)
    return [o for o in out if o]


def draw_phrases(page: Page, x0, y, width, line, face, size, bold, align="center"):
    """A display line whose spaces are printed gaps of one em between phrases."""
    font = page.fonts.get(face, size)
    phrases = line.split(" ")
    total = sum(font.getlength(p) for p in phrases) + size * (len(phrases) - 1)
    x = x0 + (width - total) / 2 if align == "center" else x0
    for p in phrases:
        page.text((x, y), p, face, size, bold=bold)
        x += font.getlength(p) + size


def headline_stack(page: Page, story: Story, x, y, width, label, scale=1.0, repeat=False) -> float:
    """Kicker, headline lines, subheadline, centred over the module. Returns the new y."""
    rng = page.rng
    if not story.headline:
        return y
    y0 = y
    big = int(page.body_px * (rng.uniform(2.2, 3.0) if not repeat else 1.5) * scale)
    size = fit_size(page.fonts, SANS, story.headline, width * 0.94, big)
    small = max(int(page.body_px * 1.15), int(size * 0.42))
    gold = []
    if story.kicker and not repeat:
        draw_phrases(page, x, y, width, story.kicker, SERIF, small, False)
        gold.append(story.kicker)
        y += small * 1.6
    lines = story.headline
    floor = int(page.body_px * (1.6 if not repeat else 1.3))
    if size < floor:  # too narrow even shrunk: wrap the headline, as a narrow column does
        size = floor
        lines = wrap_display(page.fonts.get(SANS, size), story.headline, width * 0.94, size)
    for ln in lines:
        draw_phrases(page, x, y, width, ln, SANS, size, True)
        y += size * 1.3
    gold.append(" ".join(story.headline))
    if story.subheadline and not repeat:
        sub = fit_size(page.fonts, SERIF, [story.subheadline], width * 0.94, small)
        draw_phrases(page, x, y + small * 0.1, width, story.subheadline, SERIF, sub, False)
        gold.append(story.subheadline)
        y += sub * 1.7
    page.zone((x, y0 - 4, x + width, y + 2), f"{label}:head")
    page.gold.extend(gold)
    return y + page.body_px * 0.6


def photo_block(page: Page, story: Story, x, y, width, height, label) -> float:
    """A photo, its caption (small sans, justified) and the credit right-aligned under it."""
    page.photo((x, y, x + width, y + height))
    y += height + page.body_px * 0.4
    size = int(page.body_px * 0.85)
    font = page.fonts.get(SANS, size)
    lh = size * 1.45
    y_cap = y
    cap_lines = break_lines(story.photo_caption, font, width, 0)
    n_lines = len(cap_lines)
    for j, toks in enumerate(cap_lines):
        draw_justified(page, x, y, toks, SANS, size, width, j < n_lines - 1)
        y += lh
    page.gold.append(story.photo_caption)
    if story.photo_credit:
        parts = story.photo_credit.split(" ")
        tw = sum(font.getlength(p) for p in parts) + size * 0.6 * (len(parts) - 1)
        cx = x + width - tw
        for p in parts:
            page.text((cx, y), p, SANS, size)
            cx += font.getlength(p) + size * 0.6
        page.gold.append(story.photo_credit)
        y += lh
    page.zone((x - 2, y_cap - 2, x + width + 2, y), f"{label}:caption")
    return y + page.body_px * 0.5


BYLINE_ROLES = {"记者", "本报记者", "通讯员", "实习生", "摄影", "编辑"}


def byline_items(page: Page, byline: str, width: float) -> list[Item]:
    """A stand-alone byline, its words one em apart; when the column is narrow it breaks
    before a role word, never between a role and its name (记者 林澈, 通讯员 程果)."""
    size = int(page.body_px * 0.95)
    font = page.fonts.get(SANS, size)
    units: list[list[str]] = []
    for part in byline.split(" "):
        if units and units[-1][-1] in BYLINE_ROLES:
            units[-1].append(part)
        else:
            units.append([part])
    lines: list[list[str]] = [[]]
    used = 0.0
    for unit in units:
        w = sum(font.getlength(u) for u in unit) + size * (len(unit) - 1)
        if lines[-1] and used + size + w > width:
            lines.append([])
            used = 0.0
        for u in unit:
            if lines[-1]:
                lines[-1].append(" ")
                used += size
            lines[-1].append(u)
        used += sum(font.getlength(u) for u in unit)
    return [Item("byline", toks, page.body_px * 1.6, justify=False, face=SANS, size=size)
            for toks in lines]


def marker_item(page: Page, text: str, align="right") -> Item:
    return Item("marker", tokens(text), page.body_px * 1.55, justify=False, align=align,
                face=SERIF, size=page.body_px)


@dataclass
class Part:
    """What of a story a module prints: all of it, or the part before / after a jump."""

    story: Story
    paragraphs: list[str]
    first_continues: bool = False
    jump_to: str = ""  # printed marker at the end, e.g. （下转第二版）
    jump_from: str = ""  # printed marker at the start, e.g. （上接第一版）
    repeat_headline: bool = False
    from_inline: bool = False


def split_for_jump(story: Story, rng: random.Random) -> tuple[list[str], list[str], bool]:
    """Cut the body at about 55 % of its characters: mid-paragraph (mid-sentence) or between."""
    total = sum(len(p) for p in story.body)
    target = total * rng.uniform(0.5, 0.6)
    seen = 0
    for i, para in enumerate(story.body):
        if seen + len(para) >= target and not para.startswith("§"):
            cut = int(target - seen)
            if rng.random() < 0.3 or cut < 12 or len(para) - cut < 12:
                return story.body[: i + 1], story.body[i + 1:], False
            toks, n, k = tokens(para), 0, 0
            while k < len(toks) and n < cut:
                n += len(toks[k])
                k += 1
            while k < len(toks) and (toks[k] in NO_START or toks[k - 1] in NO_END):
                n += len(toks[k])
                k += 1
            head, tail = "".join(toks[:k]), "".join(toks[k:])
            return [*story.body[:i], head], [tail, *story.body[i + 1:]], True
        seen += len(para)
    return story.body, [], False


def story_module(page: Page, part: Part, x, y, width, label, *, ncols, photo="none",
                 scale=1.0, rules=False) -> float:
    """A story: headline stack across the module, maybe a photo, body in ncols columns."""
    story, rng = part.story, page.rng
    g = page.body_px * 1.2
    if part.repeat_headline or not part.jump_from:  # a continuation may repeat its headline
        y = headline_stack(page, story, x, y, width, label, scale, repeat=part.repeat_headline)
    cw = (width - (ncols - 1) * g) / ncols
    depth = sum(len(p) for p in part.paragraphs) / (cw / page.body_px) / ncols
    if depth < 9 and ncols > 1:  # a short story takes fewer, wider columns, not shallow ones
        widest = math.ceil((width + g) / (page.body_px * 22 + g))  # no column over ~22 em
        ncols = max(1, widest, min(ncols - 1, int(depth * ncols / 9)))
        cw = (width - (ncols - 1) * g) / ncols
    xs = [x + k * (cw + g) for k in range(ncols)]
    tops = [y] * ncols
    if photo != "none" and story.photo_caption:
        if photo == "top" or ncols == 1:
            ph = min(width * rng.uniform(0.42, 0.55), page.body_px * rng.uniform(11, 15))
            y = photo_block(page, story, x, y, width, ph, label)
            tops = [y] * ncols
        else:  # an L-shaped story: the photo over some columns, text down the others
            span = max(1, ncols - 1) if ncols <= 3 else ncols - 2
            left = photo == "left"
            px = xs[0] if left else xs[ncols - span]
            pw = span * cw + (span - 1) * g
            bottom = photo_block(page, story, px, y, pw, pw * rng.uniform(0.5, 0.65), label)
            cols = range(span) if left else range(ncols - span, ncols)
            for k in cols:
                tops[k] = bottom
    items: list[Item] = []
    if part.jump_from:
        if part.from_inline and part.paragraphs:
            first, *rest = part.paragraphs
            paras = [part.jump_from + first, *rest]
        else:
            items.append(marker_item(page, part.jump_from, align="left"))
            paras = part.paragraphs
    else:
        paras = part.paragraphs
    if story.byline and not part.jump_from:
        items += byline_items(page, story.byline, cw)
        page.gold.append(story.byline)
    items += body_items(page, paras, cw, first_continues=part.first_continues)
    if part.jump_to:
        items.append(marker_item(page, part.jump_to))
    page.gold.extend(gold_form(p) for p in part.paragraphs if p)
    slots = [(xs[k], tops[k], cw) for k in range(ncols)]
    bottom = render_flow(page, items, slots, label)
    if rules:
        for k in range(1, ncols):
            gx = xs[k] - g / 2
            page.line([(gx, min(tops[k - 1], tops[k])), (gx, bottom)], 1, 90)
    return bottom


def briefs_column(page: Page, notes: list[Story], x, y, width, label, ncols) -> float:
    """简讯: a title over a rule, then items each led by a bold headline, in one flow."""
    size = page.body_px
    tsize = int(size * 1.35)
    title = "本市简讯"
    page.text((x, y), title, SANS, tsize, bold=True)
    page.zone((x, y - 4, x + width, y + tsize * 1.3), f"{label}:title")
    page.gold.append(title)
    y += tsize * 1.45
    page.line([(x, y), (x + width, y)], 2, 0)
    y += size * 0.5
    head_font = page.fonts.get(SANS, size)
    items: list[Item] = []
    for note in notes:
        head = note.headline[0]
        for toks in break_lines(head, head_font, width, 0):
            items.append(Item("lead", toks, size * 1.5, justify=False, face=SANS,
                              size=size, bold=True))
        items += body_items(page, note.body, width)
        page.gold += [head, *map(gold_form, note.body)]
    slots = [(x, y, width)]
    return render_flow(page, items, slots, label)


def guide_box(page: Page, items: list[tuple[str, str]], x, y, width, label, reverse) -> float:
    """今日导读: a framed box, a title (reversed on some pages), ■ items with ▶N版 at the right."""
    size = page.body_px
    pad = size * 0.6
    page.rect((x, y, x + width, y + 10), outline=0, width=3)  # placeholder, resized below
    frame_index = len(page.ops) - 1
    ty = y + pad
    title = "今日导读"
    tsize = int(size * 1.5)
    tfont = page.fonts.get(SANS, tsize)
    if reverse:
        page.rect((x + 3, ty - tsize * 0.2, x + width - 3, ty + tsize * 1.3), fill=30)
        fill = 255
    else:
        fill = 0
    tw = tfont.getlength(title)
    page.text((x + (width - tw) / 2, ty), title, SANS, tsize, fill=fill, bold=True)
    page.zone((x, ty - 4, x + width, ty + tsize * 1.3), f"{label}:title")
    page.gold.append(title)
    ty += tsize * 1.8
    font = page.fonts.get(SANS, size)
    inner = width - 2 * pad
    y_items = ty
    for text, pointer in items:
        pw = font.getlength(pointer) + size * 0.5
        lines = break_lines(text, font, inner - pw, 0)
        for j, toks in enumerate(lines):
            page.text((x + pad, ty), "".join(toks), SANS, size)
            if j == len(lines) - 1:
                page.text((x + width - pad - font.getlength(pointer), ty), pointer, SANS, size)
            ty += size * 1.5
        ty += size * 0.35
        page.gold.append(text)
    page.zone((x, y_items - 4, x + width, ty), f"{label}:items")
    ty += pad
    page.ops[frame_index] = ("rect", (x, y, x + width, ty), None, 0, 3)
    return ty


def sidebar(page: Page, story: Story, x, y, width, label, ncols) -> float:
    """A tinted box: a title bar and body in a smaller sans face, in narrower columns."""
    size = max(18, int(page.body_px * 0.88))
    pad = size * 0.8
    page.rect((x, y, x + width, y + 10), fill=226)
    idx = len(page.ops) - 1
    tsize = int(size * 1.3)
    page.text((x + pad, y + pad), story.headline[0], SANS, tsize, bold=True)
    page.zone((x, y, x + width, y + pad + tsize * 1.4), f"{label}:head")
    page.gold.append(story.headline[0])
    top = y + pad + tsize * 1.9
    g = size
    cw = (width - 2 * pad - (ncols - 1) * g) / ncols
    slots = [(x + pad + k * (cw + g), top, cw) for k in range(ncols)]
    items = body_items(page, story.body, cw, face=SANS, size=size)
    page.gold.extend(map(gold_form, story.body))
    bottom = render_flow(page, items, slots, label) + pad
    page.ops[idx] = ("rect", (x, y, x + width, bottom), 226, None, 1)
    return bottom


# ----------------------------------------------------------------------------- page chrome


def date_line(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


def cn_page(n: int) -> str:
    return CN_DIGITS[n] if n <= 10 else f"十{CN_DIGITS[n - 10]}"


def masthead(page: Page, paper: str, iso: str, issue_no: int, x, y, width) -> float:
    """Front page: the paper's name large at the left, issue facts stacked at the right."""
    big = int(page.body_px * 4.2)
    page.text((x, y), paper, SANS, big, bold=True)
    page.zone((x, y - 4, x + big * len(paper) + 8, y + big * 1.25), "masthead:name")
    page.gold.append(paper)
    size = int(page.body_px * 0.95)
    info = ["LANCHUAN DAILY" if paper == "澜川日报" else "LANCHUAN EVENING NEWS",
            date_line(iso), f"第{issue_no}期", "今日12版" if paper == "澜川日报" else "今日16版"]
    ix = x + width * 0.62
    iy = y + size * 0.2
    font = page.fonts.get(SERIF, size)
    for ln in info:
        cx = ix
        for k, part in enumerate(ln.split(" ")):
            if k:
                cx += size * (0.3 if ln.isascii() else 1.0)
            page.text((cx, iy), part, SERIF, size)
            cx += font.getlength(part)
        page.gold.append(ln)
        iy += size * 1.45
    page.zone((ix - 4, y - 4, x + width, iy), "masthead:info")
    bottom = max(y + big * 1.3, iy) + page.body_px * 0.3
    page.line([(x, bottom), (x + width, bottom)], 5, 0)
    page.line([(x, bottom + 9), (x + width, bottom + 9)], 1, 0)
    return bottom + page.body_px * 1.2


def header_band(page: Page, paper: str, iso: str, number: int, section: str, x, y, width):
    """Inside page: date at the left, the section name in a box at the centre, paper and
    page number at the right (one zone per item, read left to right)."""
    size = int(page.body_px * 0.95)
    font = page.fonts.get(SERIF, size)
    sec_size = int(page.body_px * 1.6)
    mid = y + sec_size * 0.65
    date = date_line(iso)
    d, w = date.split(" ")
    page.text((x, mid - size * 0.6), d, SERIF, size)
    page.text((x + font.getlength(d) + size, mid - size * 0.6), w, SERIF, size)
    page.zone((x, mid - size, x + font.getlength(date) + size * 2, mid + size), "header:date")
    page.gold.append(date)
    sfont = page.fonts.get(SANS, sec_size)
    sw = sfont.getlength(section)
    sx = x + (width - sw) / 2
    page.rect((sx - sec_size * 0.5, y - 4, sx + sw + sec_size * 0.5, y + sec_size * 1.35),
              outline=0, width=2)
    page.text((sx, y + sec_size * 0.05), section, SANS, sec_size, bold=True)
    page.zone((sx - sec_size, y - 6, sx + sw + sec_size, y + sec_size * 1.4), "header:section")
    page.gold.append(section)
    right = [paper, f"第{number}版"]
    rx = x + width - sum(font.getlength(r) for r in right) - size * 1.5
    for r in right:
        page.text((rx, mid - size * 0.6), r, SERIF, size)
        page.zone((rx - 4, mid - size, rx + font.getlength(r) + 4, mid + size), f"header:{r}")
        page.gold.append(r)
        rx += font.getlength(r) + size * 1.5
    bottom = y + sec_size * 1.6
    page.line([(x, bottom), (x + width, bottom)], 3, 0)
    return bottom + page.body_px * 1.0


# ----------------------------------------------------------------------------- page plans


@dataclass
class PagePlan:
    name: str
    split: str
    paper: str
    iso: str
    number: int
    grid: int
    issue_no: int
    section: str
    bands: list  # per band: a list of modules (span, kind, payload), left to right
    rotate: bool = False
    noisy: bool = False


def plan_issue(i: int, split: str, pool: list[str], jump: str, stories, start: int):
    """Three pages of one issue, modules drawn from the split's stories (seeded)."""
    paper, iso, grids = ISSUES[i]
    rng = random.Random(f"{SEED}:issue:{i}")
    plain = [s for s in pool if not stories[s].jump and stories[s].kind == "story"
             and s != "photonews"]
    photo_ids = [s for s in plain if stories[s].photo_caption]
    text_ids = [s for s in plain if not stories[s].photo_caption]
    side_ids = [s for s in pool if stories[s].kind == "sidebar"]
    note_ids = [s for s in pool if stories[s].kind == "note"]
    rng.shuffle(note_ids)
    rng.shuffle(text_ids)
    rng.shuffle(photo_ids)
    to_page = 2
    texts = iter(text_ids * 3)
    photos = iter(photo_ids * 3)
    pages = []
    # front page: masthead; guide box beside the jumping story; then a photo story and briefs
    g0 = grids[0]
    guide_span = 1 if g0 <= 4 else rng.choice([1, 2])
    guide_ids = [s for s in pool if stories[s].guide and s != jump]
    rng.shuffle(guide_ids)
    band1 = [(guide_span, "guide", (guide_ids[: rng.randint(4, 6)], note_ids[:2])),
             (g0 - guide_span, "jump_out", (jump, to_page))]
    photo_first = "photonews" in pool and rng.random() < 0.5
    if photo_first:
        span = rng.randint(2, max(2, g0 - 2))
        band2 = [(span, "photonews", "photonews"), (g0 - span, "story", next(texts))]
    else:
        span = rng.randint(2, g0 - 1)
        band2 = [(span, "story_photo", next(photos)), (g0 - span, "story", next(texts))]
    band3 = [(g0, "story_wide", next(texts))]
    pages.append((g0, "front", [band1, band2, band3]))
    # page 2: the jump's continuation beside an L-shaped story; a story in narrower columns
    g1 = grids[1]
    span = max(1, g1 // 2)
    band1 = [(span, "jump_in", (jump, 1)), (g1 - span, "story_L", next(photos))]
    if side_ids and g1 >= 4:
        band2 = [(g1 - 2, "story_narrow", next(texts)), (2, "sidebar", side_ids[0])]
    else:
        band2 = [(g1 - 1, "story_narrow", next(texts)), (1, "briefs", note_ids[1:3])]
    pages.append((g1, rng.choice(SECTIONS[1:]), [band1, band2]))
    # page 3: a two-story band and a wide story with its two-line headline
    g2 = grids[2]
    briefs = g2 >= 5  # a column of briefs at the right of the band on wide pages
    span = rng.randint(1, g2 - 1 - briefs)
    band1 = [(g2, "story_wide", next(texts))]
    band2 = [(span, "story", next(texts)), (g2 - span - briefs, "story_photo", next(photos))]
    if briefs:
        band2.append((1, "briefs", note_ids[::-1][:3]))
    pages.append((g2, rng.choice(SECTIONS[1:]), [band2, band1] if rng.random() < 0.5
                  else [band1, band2]))
    plans = []
    for k, (grid, section, bands) in enumerate(pages):
        plans.append(PagePlan(f"fresh_{start + k:02d}", split, paper, iso, k + 1, grid,
                              8000 + 37 * i, section, bands))
    return plans


def build_plans(stories) -> list[PagePlan]:
    story_split = split_stories(stories)
    issue_split = split_issues()
    plans, n = [], 1
    for i, split in enumerate(issue_split):
        pool = sorted(s for s, sp in story_split.items() if sp == split)
        jumps = [s for s in pool if stories[s].jump]
        rng = random.Random(f"{SEED}:jumps:{split}")
        rng.shuffle(jumps)
        k = sum(1 for sp in issue_split[:i] if sp == split)
        plans += plan_issue(i, split, pool, jumps[k % len(jumps)], stories, n)
        n += 3
    for split in ("dev", "heldout"):  # scan faults on a seeded share of each split's pages
        names = [p.name for p in plans if p.split == split]
        rng = random.Random(f"{SEED}:scan-draw:{split}")
        turned = set(rng.sample(names, round(len(names) * 0.4)))
        noisy = set(rng.sample(names, round(len(names) * 0.5)))
        for p in plans:
            p.rotate, p.noisy = p.name in turned or p.rotate, p.name in noisy or p.noisy
    return plans


# ----------------------------------------------------------------------------- rendering


def compose(plan: PagePlan, stories, fonts: Fonts) -> Page:
    rng = random.Random(f"{SEED}:page:{plan.name}")
    body_px = rng.choice([21, 22, 23, 24, 25, 26])
    col_em = rng.uniform(10.5, 13.5) if plan.grid >= 5 else rng.uniform(12, 16)
    gutter = body_px * 1.3
    margin = body_px * 3
    grid_w = col_em * body_px
    content_w = plan.grid * grid_w + (plan.grid - 1) * gutter
    width = int(content_w + 2 * margin)
    page = Page(plan.name, width, fonts, rng, body_px)
    page.facts = {"leading": rng.uniform(1.45, 1.7), "rules": rng.random() < 0.6,
                  "body_px": body_px, "col_em": round(col_em, 1)}
    x0, y = margin, margin
    if plan.section == "front":
        y = masthead(page, plan.paper, plan.iso, plan.issue_no, x0, y, content_w)
    else:
        y = header_band(page, plan.paper, plan.iso, plan.number, plan.section, x0, y, content_w)
    features = []
    for b, band in enumerate(plan.bands):
        x, bottoms, rule_xs = x0, [], []
        for m, (span, kind, payload) in enumerate(band):
            w = span * grid_w + (span - 1) * gutter
            bottoms.append(module(page, plan, stories, kind, payload, span, x, y, w,
                                  f"b{b}m{m}", features))
            if m:
                rule_xs.append(x - gutter / 2)
            x += w + gutter
        bottom = max(bottoms)
        if page.facts["rules"]:
            for rx in rule_xs:  # a rule between two stories of the band
                page.line([(rx, y), (rx, bottom)], 1, 60)
        y = bottom + body_px * 0.8
        if b < len(plan.bands) - 1:
            page.line([(x0, y), (x0 + content_w, y)], 2, 0)
            y += body_px * 1.0
    page.height = int(y + margin)
    page.facts["features"] = features
    return page


def module(page, plan, stories, kind, payload, span, x, y, w, label, features) -> float:
    rng = page.rng
    rules = page.facts["rules"]
    ncols = span if span > 1 else 1
    if kind == "guide":  # the guide box, and under it a few briefs
        guide_ids, note_ids = payload
        items = [(stories[s].guide, f"▶{rng.randint(2, 12)}版") for s in guide_ids]
        features.append("guide")
        bottom = guide_box(page, items, x, y, w, label, reverse=rng.random() < 0.5)
        if not note_ids:
            return bottom
        features.append("briefs")
        notes = [stories[s] for s in note_ids]
        return briefs_column(page, notes, x, bottom + page.body_px, w, label + "n", 1)
    if kind == "briefs":
        features.append("briefs")
        return briefs_column(page, [stories[s] for s in payload], x, y, w, label, 1)
    if kind == "sidebar":
        features.append("tinted_sidebar")
        return sidebar(page, stories[payload], x, y, w, label, ncols=max(1, span))
    if kind == "photonews":
        s = stories[payload]
        features.append("photo_news")
        y = headline_stack(page, s, x, y, w, label, scale=0.8)
        return photo_block(page, s, x, y, w, w * rng.uniform(0.5, 0.62), label)
    if kind == "jump_out":
        sid, to_page = payload
        head, _, mid = split_for_jump(stories[sid], random.Random(f"{SEED}:cut:{sid}"))
        marker = f"（下转第{cn_page(to_page) if rng.random() < 0.7 else to_page}版）"
        features.append("jump_out")
        part = Part(stories[sid], head, jump_to=marker)
        return story_module(page, part, x, y, w, label, ncols=ncols, rules=rules)
    if kind == "jump_in":
        sid, from_page = payload
        _, tail, mid = split_for_jump(stories[sid], random.Random(f"{SEED}:cut:{sid}"))
        marker = f"（上接第{cn_page(from_page) if rng.random() < 0.7 else from_page}版）"
        repeat = rng.random() < 0.5
        features.append("jump_in" + ("+headline" if repeat else ""))
        part = Part(stories[sid], tail, first_continues=mid, jump_from=marker,
                    repeat_headline=repeat, from_inline=rng.random() < 0.5)
        return story_module(page, part, x, y, w, label, ncols=ncols, rules=rules)
    s = stories[payload]
    part = Part(s, list(s.body))
    if kind == "story_photo":
        features.append("photo")
        return story_module(page, part, x, y, w, label, ncols=ncols, photo="top", rules=rules)
    if kind == "story_L":
        features.append("L_shape")
        side = rng.choice(["left", "right"])
        return story_module(page, part, x, y, w, label, ncols=max(2, ncols), photo=side,
                            rules=rules)
    if kind == "story_narrow":
        features.append("narrow_columns")
        return story_module(page, part, x, y, w, label, ncols=span + 1, rules=rules)
    if kind == "story_wide":
        features.append("wide_headline")
        return story_module(page, part, x, y, w, label, ncols=ncols, rules=rules, scale=1.15)
    return story_module(page, part, x, y, w, label, ncols=ncols, rules=rules)


def paint(page: Page, fonts: Fonts):
    """Replay the page's drawing operations onto a greyscale image."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (page.width, page.height), 255)
    draw = ImageDraw.Draw(img)
    for op in page.ops:
        if op[0] == "rect":
            _, box, fill, outline, width = op
            draw.rectangle([round(v) for v in box], fill=fill, outline=outline, width=width)
        elif op[0] == "line":
            _, xy, width, fill = op
            draw.line([(round(a), round(b)) for a, b in xy], fill=fill, width=width)
        elif op[0] == "photo":
            _, box, seed = op
            x0, y0, x1, y1 = (round(v) for v in box)
            img.paste(fake_photo(x1 - x0, y1 - y0, seed), (x0, y0))
        elif op[0] == "text":
            _, (x, y), s, face, size, fill, bold = op
            font = fonts.get(face, size)
            stroke = max(1, size // 40) if bold else 0
            draw.text((x, y), s, font=font, fill=fill, stroke_width=stroke, stroke_fill=fill)
    return img


def fake_photo(w: int, h: int, seed: int):
    """A photo stand-in: soft grey shapes over a gradient, no letters."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    img = Image.linear_gradient("L").resize((w, h)).point(lambda v: 90 + v // 2)
    draw = ImageDraw.Draw(img)
    for _ in range(14):
        cx, cy = rng.uniform(0, w), rng.uniform(h * 0.3, h)
        rx, ry = rng.uniform(w * 0.05, w * 0.3), rng.uniform(h * 0.05, h * 0.3)
        draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=rng.randint(40, 200))
    img = img.filter(ImageFilter.GaussianBlur(radius=max(2, w // 60)))
    ImageDraw.Draw(img).rectangle([0, 0, w - 1, h - 1], outline=0, width=1)
    return img


def scan(img, rng: random.Random, facts: dict, turn: bool, noisy: bool):
    """Some pages look scanned: turned by 0.2-0.8 degree, blurred a little, speckled."""
    from PIL import Image, ImageFilter

    angle = 0.0
    if turn:
        angle = round(rng.choice([-1, 1]) * rng.uniform(0.2, 0.8), 2)
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    if noisy:
        img = img.filter(ImageFilter.GaussianBlur(radius=0.7))
        px = img.load()
        w, h = img.size
        for _ in range(w * h // 2500):  # dust and toner specks
            x, y = rng.randrange(w), rng.randrange(h)
            v = rng.randint(0, 120)
            for dx in range(rng.randint(1, 3)):
                if x + dx < w:
                    px[x + dx, y] = v
        img = img.point(lambda v: min(255, int(v * 0.93) + 14))  # greyish paper, softer black
    facts["rotation_deg"] = angle
    facts["noise"] = noisy
    return img


# ----------------------------------------------------------------------------- OCR, order, floor


def unrotate(x, y, angle, w, h):
    """Where a point of the turned image was on the page as drawn (Pillow turns anticlockwise)."""
    t = math.radians(angle)
    cx, cy = w / 2, h / 2
    dx, dy = x - cx, y - cy
    return cx + dx * math.cos(t) - dy * math.sin(t), cy + dx * math.sin(t) + dy * math.cos(t)


def outside(box, x, y) -> float:
    """How far a point lies outside a box (0 inside)."""
    a, b, c, d = box
    return math.hypot(max(a - x, 0, x - c), max(b - y, 0, y - d))


def reading_order_lines(paddle: dict, zones: list[dict], angle: float, size) -> list[str]:
    """The engine's lines, each in the zone of its box centre, zones in reading order."""
    per_zone: dict[int, list[tuple[float, float, float, str]]] = {}
    for text, box in zip(paddle["rec_texts"], paddle["rec_boxes"], strict=True):
        x0, y0, x1, y1 = box
        cx, cy = unrotate((x0 + x1) / 2, (y0 + y1) / 2, angle, *size)

        k = min(range(len(zones)), key=lambda i: (outside(zones[i]["box"], cx, cy), i))
        per_zone.setdefault(k, []).append((cy, cx, y1 - y0, text))
    out = []
    for k in sorted(per_zone):
        boxes = sorted(per_zone[k])
        rows: list[list] = []
        for b in boxes:
            if rows and abs(b[0] - rows[-1][0][0]) < 0.5 * min(b[2], rows[-1][0][2]):
                rows[-1].append(b)
            else:
                rows.append([b])
        for row in rows:
            out += [t for _, _, _, t in sorted(row, key=lambda r: r[1])]
    return out


# ASCII punctuation an engine gives for the CJK mark printed (both sides mapped the same way)
PUNCT_TO_CJK = str.maketrans({",": "，", ".": "。", ";": "；", ":": "：", "!": "！", "?": "？",
                              "(": "（", ")": "）", '"': "“", "”": "“", "'": "‘", "’": "‘"})


def chars(text: str, normalise: bool) -> Counter:
    if normalise:
        text = unicodedata.normalize("NFKC", text).translate(PUNCT_TO_CJK)
    return Counter(ch for ch in text if not ch.isspace())


def floors(gold: str, printed: str, ocr: str) -> dict:
    g, o = chars(gold, False), chars(ocr, False)
    p, on = chars(printed, True), chars(ocr, True)
    missing, extra = sum((g - o).values()), sum((o - g).values())
    m2, e2 = sum((p - on).values()), sum((on - p).values())
    n, n_printed = sum(g.values()), sum(p.values())
    return {"gold_chars": n, "ocr_missing": missing, "ocr_extra": extra,
            "ocr_floor": round((missing + extra) / n, 4), "printed_chars": n_printed,
            "misread_missing": m2, "misread_extra": e2,
            "ocr_floor_misread": round((m2 + e2) / n_printed, 4)}


def run_ocr(images: list[Path], out_dir: Path):
    """`qingyang ocr` (the project's own path), with one onnxruntime thread for repeatability."""
    exe = Path(sys.executable).parent / "qingyang"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run([str(exe), "ocr", "--output", str(out_dir), *map(str, images)], check=True,
                   env=env)


# ----------------------------------------------------------------------------- main


MANIFEST_FIELDS = ["name", "split", "paper", "issue_date", "page", "section", "columns",
                   "body_px", "col_em", "column_rules", "rotation_deg", "noise", "features",
                   "stories", "gold_chars", "ocr_missing", "ocr_extra", "ocr_floor",
                   "printed_chars", "misread_missing", "misread_extra", "ocr_floor_misread"]


def page_stories(plan: PagePlan) -> str:
    ids = []
    for band in plan.bands:
        for _, kind, payload in band:
            if kind == "guide":
                ids += payload[1]
            elif kind == "briefs":
                ids += payload
            else:
                ids.append(payload[0] if isinstance(payload, tuple) else payload)
    return " ".join(ids)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--font-dir", type=Path, default=Path("/tmp/fresh_fonts"),
                    help=f"folder holding {SERIF} and {SANS}")
    ap.add_argument("--image-dir", type=Path, default=Path("/tmp/qingyang_fresh_images"))
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--only", nargs="*", help="page names")
    ap.add_argument("--no-ocr", action="store_true", help="render and write gold only; "
                    "reuse existing NAME.paddle.json for NAME.txt and the floors")
    ap.add_argument("--plan", action="store_true", help="print pages, splits, stories")
    args = ap.parse_args(argv)

    stories = load_stories()
    plans = build_plans(stories)
    if args.plan:
        for sid, sp in sorted(split_stories(stories).items(), key=lambda kv: (kv[1], kv[0])):
            print(f"story {sid:10s} {sp}")
        for p in plans:
            print(p.name, p.split, p.paper, p.iso, f"p{p.number}", p.grid, page_stories(p))
        return 0
    if args.only:
        plans = [p for p in plans if p.name in args.only]
    fonts = Fonts(args.font_dir)
    args.image_dir.mkdir(parents=True, exist_ok=True)
    rendered = []
    for plan in plans:
        page = compose(plan, stories, fonts)
        img = scan(paint(page, fonts), random.Random(f"{SEED}:scan:{plan.name}"), page.facts,
                   plan.rotate, plan.noisy)
        path = args.image_dir / f"{plan.name}.png"
        img.save(path)
        meta = {"size": img.size, "rotation_deg": page.facts["rotation_deg"],
                "zones": [{"box": z.box, "label": z.label} for z in page.zones]}
        (args.image_dir / f"{plan.name}.zones.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        folder = args.out / plan.split
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{plan.name}.gold.txt").write_text("\n".join(page.gold) + "\n",
                                                      encoding="utf-8")
        rendered.append((plan, page, path, meta))
        print(f"{plan.name}: {img.size[0]}x{img.size[1]} {plan.split} {page.facts['features']}")
    if not args.no_ocr:
        for split in ("dev", "heldout"):
            imgs = [path for plan, _, path, _ in rendered if plan.split == split]
            if imgs:
                run_ocr(imgs, args.out / split)
    rows = read_manifest(args.out / "manifest.csv")
    for plan, page, _, meta in rendered:
        folder = args.out / plan.split
        if not (folder / f"{plan.name}.paddle.json").exists():
            print(f"{plan.name}: no {plan.name}.paddle.json yet, no .txt or floor")
            continue
        paddle = json.loads((folder / f"{plan.name}.paddle.json").read_text(encoding="utf-8"))
        lines = reading_order_lines(paddle, meta["zones"], meta["rotation_deg"], meta["size"])
        (folder / f"{plan.name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        gold = "\n".join(page.gold)
        row = {"name": plan.name, "split": plan.split, "paper": plan.paper,
               "issue_date": plan.iso, "page": plan.number, "section": plan.section,
               "columns": plan.grid, "body_px": page.facts["body_px"],
               "col_em": page.facts["col_em"], "column_rules": int(page.facts["rules"]),
               "rotation_deg": page.facts["rotation_deg"], "noise": int(page.facts["noise"]),
               "features": " ".join(page.facts["features"]), "stories": page_stories(plan)}
        row.update(floors(gold, "\n".join(page.printed), "\n".join(paddle["rec_texts"])))
        rows[plan.name] = row
    with open(args.out / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, MANIFEST_FIELDS, lineterminator="\n")
        w.writeheader()
        for name in sorted(rows):
            w.writerow(rows[name])
    return 0


def read_manifest(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        return {r["name"]: r for r in csv.DictReader(fh)}


if __name__ == "__main__":
    sys.exit(main())
