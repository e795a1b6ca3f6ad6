#!/usr/bin/env python
"""Build the tenth evaluation set (tests/eval_tenth/): pages of 栖桐 papers, six designs, scanned
with new faults, read by PP-OCR (RapidOCR) and Tesseract, and written by several producers.

The builder renders each page on a clean sheet (every printed line kept with its box and its
rank in the page's reading order, the page's gold written alongside), makes the scan (a fault,
a skew, a resampling: one affine map back to the sheet), runs the engines one page at a time,
converts their output into the producer's file the page drew, and writes NAME.txt (the PP-OCR
lines in reading order), NAME.gold.txt and manifest.csv with the order-free floors.

    python tools/make_tenth_pages.py                     # everything
    python tools/make_tenth_pages.py --split dev         # one split (the other's rows are kept)
    python tools/make_tenth_pages.py --only tenth_03     # OCR one page again
    python tools/make_tenth_pages.py --no-ocr            # gold, .txt, manifest from the committed engine files
    python tools/make_tenth_pages.py --plan              # names, splits, faults, producers

Every choice is seeded from a string, so the same fonts and engines give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from lxml import etree
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "tenth_sources"
SPLIT_SEED = "tenth-split-2026"
NAME_SEED = "tenth-names-2026"
DEAL_SEED = "tenth-deal-2026"

FACES = {  # role -> (file, index); see tests/eval_tenth/README.md for where each comes from
    "serif": ("NotoSerifCJKsc-Regular.otf", 0),
    "sans": ("NotoSansCJKsc-Regular.otf", 0),
    "demi": ("NotoSansCJKtc-DemiLight.otf", 0),
    "kai": ("gkai00mp.ttf", 0),
    "wenkai": ("LXGWWenKai-Regular.ttf", 0),
    "mono": ("LXGWWenKaiMono-Regular.ttf", 0),
    "ming": ("uming.ttc", 0),
    "song": ("gbsn00lp.ttf", 0),
}
FALLBACK = "ming"

# The issues each design prints; one of each is drawn for dev by SPLIT_SEED.
DESIGNS = {
    "interview": ("栖桐日报", "第7版", "人物", ["2026-04-08", "2026-04-15", "2026-04-22", "2026-04-29"]),
    "books": ("栖桐晚报", "第16版", "文化·读书", ["2026-04-10", "2026-04-17", "2026-04-24"]),
    "farm": ("栖桐日报", "第6版", "乡村振兴", ["2026-04-07", "2026-04-14", "2026-04-21"]),
    "service": ("栖桐晚报", "第9版", "便民服务", ["2026-04-09", "2026-04-16", "2026-04-23"]),
    "history": ("栖桐日报", "第12版", "文史", ["2026-04-11", "2026-04-18", "2026-04-25"]),
    "wide": ("栖桐周刊", "24", "城市笔记", ["2026-04-12", "2026-04-19", "2026-04-26", "2026-05-03"]),
}
DEV_FAULTS = ["glare", "scratches", "stain", "cutoff", "dither", "epaper"]
HELDOUT_FAULTS = ["glare", "glare", "scratches", "scratches", "stain", "stain", "cutoff", "cutoff", "dither",
                  "shadow", "shadow", "clean", "clean", "epaper"]
DEV_SHAPES = ["a", "b", "e", "f", "h", "i"]
HELDOUT_SHAPES = ["a", "a", "b", "b", "d", "d", "e", "e", "f", "g", "g", "h", "i", "i"]
DETECTOR_SETTINGS = [  # as users tune RapidOCR; "qingyang ocr" pages (shape a) run its defaults
    {},
    {"Global.text_score": 0.3},
    {"Det.unclip_ratio": 2.0},
    {"Det.use_dilation": False, "Det.score_mode": "slow"},
    {"Global.use_cls": False},
    {"Global.max_side_len": 2600, "Det.limit_side_len": 1280},
    {"Det.box_thresh": 0.45, "Rec.rec_batch_num": 12},
]
WEEKDAYS = "一二三四五六日"


def rng(*parts) -> random.Random:
    """A Random seeded from strings, stable across runs and Python versions."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


# ----------------------------------------------------------------------------- the plan

@dataclass
class Page:
    name: str
    design: str
    issue: str
    split: str
    fault: str = ""
    shape: str = ""
    settings: dict = field(default_factory=dict)
    hocr_producer: str = ""
    hocr_from: str = ""
    alto_producer: str = ""
    alto_from: str = ""
    alto_form: str = ""
    langs: str = "chi_sim"
    psm: int = 3
    preserve: int = 0
    char_boxes: int = 0
    rotation: float = 0.0
    dpi: int = 300
    body_pt: float = 9.6

    @property
    def paper(self) -> str:
        return DESIGNS[self.design][0]

    @property
    def page_label(self) -> str:
        return DESIGNS[self.design][1]

    @property
    def section(self) -> str:
        return DESIGNS[self.design][2]


def plan() -> list[Page]:
    issues = []
    for design, (_, _, _, dates) in DESIGNS.items():
        dev = rng(SPLIT_SEED, design).choice(dates)
        issues += [(design, d, "dev" if d == dev else "heldout") for d in dates]
    names = list(range(1, len(issues) + 1))
    rng(NAME_SEED).shuffle(names)
    pages = [Page(f"tenth_{n:02d}", d, i, s) for n, (d, i, s) in zip(names, issues, strict=False)]
    for split, faults, shapes in (("dev", DEV_FAULTS, DEV_SHAPES), ("heldout", HELDOUT_FAULTS, HELDOUT_SHAPES)):
        group = sorted((p for p in pages if p.split == split), key=lambda p: p.name)
        deal = rng(DEAL_SEED, split)
        faults, shapes = faults[:], shapes[:]
        deal.shuffle(faults)
        deal.shuffle(shapes)
        producers = ([("tesseract", "tesseract"), ("tesseract", "vendor"), ("kraken", "tesseract"),
                      ("ocropus", "vendor"), ("tesseract", "tesseract"), ("kraken", "vendor")] * 3)[:len(group)]
        deal.shuffle(producers)
        for page, fault, shape, (hp, ap) in zip(group, faults, shapes, producers, strict=False):
            draw = rng(DEAL_SEED, page.name)
            page.fault, page.shape = fault, shape
            page.settings = {} if shape == "a" else draw.choice(DETECTOR_SETTINGS)
            page.hocr_producer, page.alto_producer = hp, ap
            page.hocr_from = "tesseract" if hp == "tesseract" else draw.choice(["tesseract", "rapidocr"])
            page.alto_from = "tesseract" if ap == "tesseract" else draw.choice(["tesseract", "rapidocr"])
            page.alto_form = "" if ap == "tesseract" else draw.choice(["v2 mm10", "v3 inch1200", "v2 inch1200", "v3 mm10"])
            page.langs = "chi_sim+eng" if page.design in ("books", "service") or draw.random() < 0.25 else "chi_sim"
            page.psm = draw.choice([3, 4, 6, 1, 3])
            page.preserve = int(draw.random() < 0.4)
            page.char_boxes = int(draw.random() < 0.3)
            page.body_pt = round(draw.uniform(9.2, 10.2), 1)
            skewed = fault in ("glare", "scratches", "stain", "cutoff", "shadow") and draw.random() < 0.8
            page.rotation = round(draw.choice([-1, 1]) * draw.uniform(0.3, 3.0), 2) if skewed else 0.0
            page.dpi = {"epaper": draw.choice([96, 110, 120]), "dither": 150}.get(fault, 300)
    return sorted(pages, key=lambda p: p.name)


# ----------------------------------------------------------------------------- text

MARK = re.compile(r"⟦([^⟧]*)⟧")  # ⟦…⟧ wraps what is printed but not in the gold (jump markers)


def printed(text: str) -> str:
    return MARK.sub(r"\1", text)


def gold_of(text: str) -> str:
    return re.sub(r" {2,}", " ", MARK.sub("", text)).strip()


def load_sources() -> dict:
    """Pieces by issue date: {date: {role: piece}} from tools/tenth_sources/*.toml."""
    pieces = {}
    for path in sorted(SOURCES.glob("*.toml")):
        for piece in tomllib.loads(path.read_text(encoding="utf-8")).get("piece", []):
            pieces.setdefault(piece["issue"], {})[piece["role"]] = piece
    return pieces


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.strip().split("\n") if p.strip()]


CN_MARKS = "，。、；：？！“”‘’（）《》「」『』…—·"


def join_phrases(parts: list[str]) -> str:
    """A title printed on two lines (or with a gap) is one gold line, its phrases one space apart;
    no space beside a Chinese mark (the text contract)."""
    out = ""
    for part in parts:
        if out and out[-1] not in CN_MARKS and part[0] not in CN_MARKS:
            out += " "
        out += part
    return out


def weekday(date: str) -> str:
    import datetime
    return WEEKDAYS[datetime.date.fromisoformat(date).weekday()]


def date_cn(date: str) -> str:
    y, m, d = (int(x) for x in date.split("-"))
    return f"{y}年{m}月{d}日 星期{weekday(date)}"


# ----------------------------------------------------------------------------- the sheet

NO_START = set("，。、；：？！”’）》」』】…%·")  # 禁则: these never open a line (they hang on the one before)
NO_END = set("“‘（《「『【")  # 禁则: these never close a line (they go down with what they open)
RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:/@%+\-_~=?&#]*|\S")  # a Latin/digit run is one token; else a glyph


class Fonts:
    def __init__(self, folder: Path):
        self.folder = folder
        self.cache = {}
        self.has = {}

    def get(self, face: str, size: int) -> ImageFont.FreeTypeFont:
        key = (face, size)
        if key not in self.cache:
            file, index = FACES[face]
            self.cache[key] = ImageFont.truetype(str(self.folder / file), size, index=index)
        return self.cache[key]

    def covers(self, face: str, ch: str) -> bool:
        key = (face, ch)
        if key not in self.has:
            font = self.get(face, 40)
            notdef = font.getmask("\U0010fffd")
            mask = font.getmask(ch)
            self.has[key] = ch.isspace() or not (mask.size == notdef.size and bytes(mask) == bytes(notdef))
        return self.has[key]

    def face_for(self, face: str, ch: str) -> str:
        return face if self.covers(face, ch) else FALLBACK


@dataclass
class Line:
    rank: int
    box: tuple  # x0, y0, x1, y1 on the clean sheet
    text: str
    unit: int  # the gold line it is part of
    frame: int  # the left edge of the column or box it is set in


@dataclass
class Style:
    face: str
    px: int
    bold: bool = False
    fill: int = 0


class Sheet:
    """A clean page: draws text token by token (so a face's missing glyph falls back), keeps
    every printed line with its box and reading rank, and the gold in the same order."""

    def __init__(self, fonts: Fonts, width_in: float, dpi: int, height_in: float = 14.0):
        self.fonts, self.dpi = fonts, dpi
        self.img = Image.new("RGB", (round(width_in * dpi), round(height_in * dpi)), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.img)
        self.lines: list[Line] = []
        self.gold: list[str] = []
        self.margin = round(0.36 * dpi)
        self.photos: list[tuple] = []

    def px(self, pt: float) -> int:
        return max(6, round(pt * self.dpi / 72))

    def width_of(self, token: str, st: Style) -> float:
        if token == " ":
            return st.px * 0.5
        return sum(self.fonts.get(self.fonts.face_for(st.face, c), st.px).getlength(c) for c in token) \
            if any(not self.fonts.covers(st.face, c) for c in token) else self.fonts.get(st.face, st.px).getlength(token)

    def put(self, token: str, x: float, y: float, st: Style, fill=None):
        fill = st.fill if fill is None else fill
        colour = fill if isinstance(fill, tuple) else (fill, fill, fill)
        for c in token if any(not self.fonts.covers(st.face, c) for c in token) else [token]:
            font = self.fonts.get(self.fonts.face_for(st.face, c[0]), st.px)
            self.draw.text((x, y), c, font=font, fill=colour, stroke_width=1 if st.bold and st.px >= 24 else 0,
                           stroke_fill=colour)
            x += font.getlength(c)

    def record(self, box, text: str, unit: int | None = None, frame: float | None = None):
        self.lines.append(Line(len(self.lines), tuple(round(v) for v in box), text,
                               len(self.gold) if unit is None else unit, round(box[0] if frame is None else frame)))

    def say(self, text: str):
        """One gold line (jump markers dropped)."""
        g = gold_of(text)
        if g:
            self.gold.append(g)

    # one line of display type, one printed line; spaces are phrase gaps of one em
    def display(self, text: str, x: float, y: float, w: float, st: Style, align: str = "left",
                tracking: float = 0.0, fill=None) -> float:
        text = printed(text)
        size = st.px
        while True:
            s = Style(st.face, size, st.bold, st.fill)
            widths = [(s.px if t == " " else self.width_of(t, s)) for t in text]
            total = sum(widths) + tracking * s.px * (len(text) - 1)
            if total <= w or size <= 8:
                break
            size -= 1
        x0 = x + {"left": 0, "center": (w - total) / 2, "right": w - total}[align]
        cx = x0
        for t, wd in zip(text, widths, strict=False):
            if t != " ":
                self.put(t, cx, y, s, fill)
            cx += wd + tracking * s.px
        self.record((x0, y + s.px * 0.08, x0 + total, y + s.px * 1.12), text.replace(" ", ""))
        return y + s.px * 1.3

    # paragraphs broken into justified lines of a column width
    def break_lines(self, paras: list[str], w: float, st: Style, indent: float = 2.0, left: float = 0.0,
                    right: float = 0.0) -> list[tuple]:
        out = []
        for pi, para in enumerate(paras):
            tokens = RUN.findall(printed(para).replace(" ", "\x00"))
            tokens = [" " if t == "\x00" else t for t in tokens]
            lines, cur, width = [], [], indent * st.px
            avail = w - (left + right) * st.px
            for t in tokens:
                tw = self.width_of(t, st)
                if cur and width + tw > avail and t not in NO_START:
                    carry = []
                    while cur and cur[-1] in NO_END:
                        carry.insert(0, cur.pop())
                    while cur and cur[-1] == " ":
                        cur.pop()
                    lines.append(cur)
                    cur = [c for c in carry]
                    width = sum(self.width_of(c, st) for c in cur)
                    if t == " " and not cur:
                        continue
                if tw > avail and len(t) > 1:  # a run wider than the column breaks by glyph
                    for c in t:
                        cw = self.width_of(c, st)
                        if cur and width + cw > avail:
                            lines.append(cur)
                            cur, width = [], 0.0
                        cur.append(c)
                        width += cw
                    continue
                cur.append(t)
                width += tw
            if cur:
                lines.append(cur)
            for li, toks in enumerate(lines):
                out.append((pi, li == 0, li == len(lines) - 1, toks, indent if li == 0 else 0.0, left, right))
        return out

    def draw_lines(self, lines: list[tuple], x: float, y: float, w: float, st: Style, leading: float,
                   unit: int | None = None) -> float:
        for _, _first, last, toks, indent, left, right in lines:
            x0 = x + (indent + left) * st.px
            avail = w - (indent + left + right) * st.px
            widths = [self.width_of(t, st) for t in toks]
            gaps = len(toks) - 1
            extra = (avail - sum(widths)) / gaps if gaps and not last and sum(widths) < avail else 0.0
            extra = min(extra, st.px * 0.6)
            cx = x0
            for t, wd in zip(toks, widths, strict=False):
                if t != " ":
                    self.put(t, cx, y, st)
                cx += wd + extra
            self.record((x0, y + st.px * 0.08, cx - extra, y + st.px * 1.12), "".join(toks).replace(" ", ""), unit, x)
            y += st.px * leading
        return y

    def columns(self, paras: list[str], x: float, y: float, w: float, ncols: int, st: Style, leading: float,
                gutter: float, styles: dict | None = None, skip: dict | None = None) -> float:
        """Paragraphs set in ncols balanced columns; styles maps a paragraph index to
        (Style, indent, left, right) for block quotes and the like; skip maps a column to the
        number of line places left empty at its top (a pull quote set across it)."""
        colw = (w - gutter * (ncols - 1)) / ncols
        lines = []
        for pi, para in enumerate(paras):
            sst, ind, left, right = (styles or {}).get(pi, (st, 2.0, 0.0, 0.0))
            for ln in self.break_lines([para], colw, sst, ind, left, right):
                lines.append((sst, ln, len(self.gold) + pi))
        skip = skip or {}
        per = math.ceil(len(lines) / ncols)
        while sum(max(0, per - skip.get(c, 0)) for c in range(ncols)) < len(lines):
            per += 1
        bottom, start = y, 0
        for c in range(ncols):
            cy = y + skip.get(c, 0) * st.px * leading
            take = max(0, per - skip.get(c, 0))
            for sst, ln, unit in lines[start:start + take]:
                cy = self.draw_lines([ln], x + c * (colw + gutter), cy, colw, sst, leading * st.px / sst.px, unit)
            start += take
            bottom = max(bottom, cy)
        for para in paras:
            self.say(para)
        return bottom

    def rule(self, x0, y0, x1, y1, width=2, fill=0):
        colour = fill if isinstance(fill, tuple) else (fill, fill, fill)
        self.draw.line((x0, y0, x1, y1), fill=colour, width=width)

    def frame(self, x0, y0, x1, y1, width=3):
        self.draw.rectangle((x0, y0, x1, y1), outline=(0, 0, 0), width=width)

    def photo(self, x0, y0, x1, y1, seed: str, kind: str = "photo"):
        """A halftone picture: a smooth field screened at about 85 lpi, 45°; no glyph in it."""
        w, h = int(x1 - x0), int(y1 - y0)
        r = np.random.default_rng(int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16))
        field_ = r.random((max(2, h // 40), max(2, w // 40)))
        img = Image.fromarray((field_ * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
        img = img.filter(ImageFilter.GaussianBlur(self.dpi / 20))
        g = np.asarray(img, dtype=float) / 255.0
        if kind == "facsimile":  # an old sheet: pale ground, dark ruled blocks and blotchy strokes
            g = 0.78 + 0.15 * g
            for _ in range(40):
                bx, by = r.integers(0, max(1, w - 60)), r.integers(0, max(1, h - 20))
                g[by:by + int(h * 0.02) + 2, bx:bx + int(w * r.uniform(0.05, 0.3))] *= r.uniform(0.3, 0.6)
        else:
            g = 0.15 + 0.75 * g
        period = max(3.0, self.dpi / 85)
        yy, xx = np.mgrid[0:h, 0:w]
        u, v = (xx + yy) / math.sqrt(2), (xx - yy) / math.sqrt(2)
        screen = (np.cos(2 * math.pi * u / period) * np.cos(2 * math.pi * v / period) + 1) / 2
        dots = np.where(g > screen * 0.9 + 0.05, 255, 30).astype(np.uint8)
        self.img.paste(Image.fromarray(dots).convert("RGB"), (int(x0), int(y0)))
        self.photos.append((x0, y0, x1, y1))

    def finish(self, bottom: float) -> Image.Image:
        h = int(bottom + self.margin)
        self.img = self.img.crop((0, 0, self.img.width, h))
        return self.img


# ----------------------------------------------------------------------------- page parts

class Kit:
    """The type of one page: body, display and small faces at the page's sizes, the grid."""

    def __init__(self, sheet: Sheet, page: Page, body_face: str, width_in: float, ncols: int):
        self.sh, self.page = sheet, page
        self.body = Style(body_face, sheet.px(page.body_pt))
        self.small = Style("wenkai", sheet.px(page.body_pt * 0.92))
        self.kai = Style("kai", sheet.px(page.body_pt * 1.02))
        self.leading = rng(page.name, "leading").uniform(1.55, 1.72)
        self.gutter = self.body.px * rng(page.name, "gutter").uniform(1.2, 1.5)
        self.x0 = sheet.margin
        self.width = sheet.img.width - 2 * sheet.margin
        self.ncols = ncols
        self.colw = (self.width - self.gutter * (ncols - 1)) / ncols

    def span(self, first: int, count: int) -> tuple[float, float]:
        x = self.x0 + first * (self.colw + self.gutter)
        return x, count * self.colw + (count - 1) * self.gutter

    def header(self, y: float, editors: str) -> float:
        sh, p = self.sh, self.page
        st = Style("sans", sh.px(10.5), True)
        small = Style("song", sh.px(8.5))
        paper = Style("serif", sh.px(15), True)
        items = [(p.page_label, st), (p.section, st)]
        if rng(p.name, "header").random() < 0.5:
            items.reverse()
        left = [*items, (p.paper, paper)]
        right = [(date_cn(p.issue), small), (editors, small)]
        x = self.x0
        base = y + paper.px
        for text, s in left:
            w = sum(s.px if t == " " else sh.width_of(t, s) for t in text)
            sh.display(text, x, base - s.px, w + 2, s)
            sh.say(text)
            x += w + s.px * 1.2
        xr = self.x0 + self.width
        widths = [sum(s.px if t == " " else sh.width_of(t, s) for t in text) for text, s in right]
        rx = xr - sum(widths) - small.px * 1.5 * (len(right) - 1)
        if rx < x + small.px:  # no room beside the paper's name: the date and editors go on a second row
            base += small.px * 1.6
        x = rx
        for (text, s), w in zip(right, widths, strict=False):
            sh.display(text, x, base - s.px, w + 2, s)
            sh.say(text)
            x += w + small.px * 1.5
        y = base + sh.px(5)
        sh.rule(self.x0, y, xr, y, width=max(3, sh.px(1.6)))
        sh.rule(self.x0, y + sh.px(2.6), xr, y + sh.px(2.6), width=1)
        return y + sh.px(9)

    def label(self, text: str, x: float, y: float, reverse: bool) -> float:
        sh = self.sh
        st = Style("sans", sh.px(self.page.body_pt * 1.1), True, 255 if reverse else 0)
        w = sum(sh.width_of(t, st) for t in text) + st.px
        if reverse:
            sh.draw.rectangle((x, y, x + w, y + st.px * 1.45), fill=(0, 0, 0))
        sh.display(text, x + st.px * 0.5, y + st.px * 0.15, w, st)
        sh.say(text)
        return y + st.px * 1.75

    def side_by_side(self, yin: str, zhu: str, x: float, y: float, w: float, zhu_pt: float) -> float:
        """A 引题 of two short lines set beside a large 主题 (one printed title of two sizes)."""
        sh = self.sh
        big = Style("sans", sh.px(zhu_pt), True)
        small = Style("song", sh.px(zhu_pt * 0.42), True)
        parts = yin.split("|")
        yw = max(sum(sh.width_of(t, small) for t in part) for part in parts) + 2
        zw = sum(big.px if t == " " else sh.width_of(t, big) for t in zhu) + 2
        total = yw + big.px * 0.6 + zw
        x0 = x + max(0.0, (w - total) / 2)
        ty = y + (big.px * 1.2 - small.px * 1.3 * len(parts)) / 2
        for part in parts:
            ty = sh.display(part, x0, ty, yw, small)
        sh.say(join_phrases(parts))
        sh.rule(x0 + yw + big.px * 0.3, y + big.px * 0.1, x0 + yw + big.px * 0.3, y + big.px * 1.15, width=2)
        sh.display(zhu, x0 + yw + big.px * 0.6, y, w - yw - big.px * 0.6, big)
        sh.say(zhu)
        return y + big.px * 1.4

    def stack(self, piece: dict, x: float, y: float, w: float, title_pt: float, align: str = "left") -> float:
        """kicker, title (or 引题|主题 side by side), deck, byline: each a display line."""
        sh = self.sh
        if piece.get("kicker"):
            y = sh.display(piece["kicker"], x, y, w, Style("song", sh.px(title_pt * 0.5), True), align)
            sh.say(piece["kicker"])
        if piece.get("yin"):
            y = self.side_by_side(piece["yin"], piece["title"], x, y, w, title_pt)
        else:
            for part in piece["title"].split("|"):
                y = sh.display(part, x, y, w, Style("sans", sh.px(title_pt), True), align)
            sh.say(join_phrases(piece["title"].split("|")))
        if piece.get("deck"):
            y = sh.display(piece["deck"], x, y + sh.px(2), w, Style("serif", sh.px(title_pt * 0.5)), align)
            sh.say(piece["deck"])
        if piece.get("byline"):
            y = sh.display(piece["byline"], x, y + sh.px(3), w, Style("wenkai", sh.px(self.page.body_pt)), align)
            sh.say(piece["byline"])
        return y + sh.px(6)

    def caption(self, text: str, x: float, y: float, w: float) -> float:
        sh = self.sh
        st = self.small
        lines = sh.break_lines([text], w, st, indent=0)
        y = sh.draw_lines(lines, x, y + sh.px(3), w, st, 1.4)
        sh.say(text)
        return y + sh.px(6)

    def box(self, label: str, paras: list[str], x: float, y: float, w: float, reverse: bool,
            st: Style | None = None, lines_as_printed: bool = False, ncols: int = 1,
            styles: dict | None = None) -> float:
        """A framed box: its label, then its paragraphs (or its lines, each as printed)."""
        sh = self.sh
        st = st or self.body
        pad = st.px * 0.7
        top = y
        y = self.label(label, x + pad, y + pad, reverse) if label else y + pad
        if lines_as_printed:
            for text in paras:
                for ln in sh.break_lines([text], w - 2 * pad, st, indent=0):
                    y = sh.draw_lines([ln], x + pad, y, w - 2 * pad, st, self.leading * 0.92)
                sh.say(text)
        else:
            y = sh.columns(paras, x + pad, y, w - 2 * pad, ncols, st, self.leading, self.gutter, styles)
        y += pad * 0.6
        sh.frame(x, top, x + w, y, width=max(2, sh.px(0.8)))
        return y + sh.px(8)

    def right_line(self, text: str, x: float, y: float, w: float, st: Style | None = None) -> float:
        st = st or self.body
        y = self.sh.display(text, x, y, w - st.px, st, "right")
        self.sh.say(text)
        return y


def qa_styles(k: Kit, paras: list[str]) -> tuple[list[str], dict]:
    """A paragraph opened by ** is a question set in 黑体 (sans) with no speaker label;
    one opened by > is an excerpt set in 楷体 and indented two em on both sides."""
    out, styles = [], {}
    for i, p in enumerate(paras):
        if p.startswith("**"):
            styles[i] = (Style("sans", k.body.px), 2.0, 0.0, 0.0)
            p = p[2:]
        elif p.startswith(">"):
            styles[i] = (k.kai, 2.0, 2.0, 2.0)
            p = p[1:]
        elif p.startswith("##"):  # a subhead: sans, no indent
            styles[i] = (Style("sans", round(k.body.px * 1.08), True), 0.0, 0.0, 0.0)
            p = p[2:]
        out.append(p.strip())
    return out, styles


def table(k: Kit, rows: list[list[str]], x: float, y: float, w: float, st: Style) -> float:
    """A ruled table: each row one printed line, its cells one space apart in the gold."""
    sh = k.sh
    ncol = len(rows[0])
    widths = [max(sh.width_of(c, st) if len(c) == 1 else sum(sh.width_of(t, st) for t in RUN.findall(c))
                  for c in (r[i] for r in rows)) for i in range(ncol)]
    gap = max(st.px * 0.6, (w - sum(widths)) / max(1, ncol - 1))
    sh.rule(x, y, x + w, y, width=2)
    y += st.px * 0.35
    for ri, row in enumerate(rows):
        cx = x
        rs = Style(st.face, st.px, ri == 0)
        for ci, cell in enumerate(row):
            cw = sum(sh.width_of(t, rs) for t in RUN.findall(cell))
            ox = cx if ci == 0 else cx + widths[ci] - cw  # numbers set right, the first column left
            tx = ox
            for t in RUN.findall(cell):
                sh.put(t, tx, y, rs)
                tx += sh.width_of(t, rs)
            cx += widths[ci] + gap
        sh.record((x, y + st.px * 0.08, cx - gap, y + st.px * 1.12), "".join(row))
        sh.say(" ".join(row))
        y += st.px * 1.5
        if ri == 0:
            sh.rule(x, y - st.px * 0.2, x + w, y - st.px * 0.2, width=1)
    sh.rule(x, y, x + w, y, width=2)
    return y + st.px * 0.5


def pull_quote(k: Kit, text: str, x: float, y: float, w: float) -> float:
    sh = k.sh
    st = Style("serif", round(k.body.px * 1.55), True)
    sh.rule(x, y, x + w, y, width=max(3, sh.px(1.5)))
    y += st.px * 0.5
    y = sh.draw_lines(sh.break_lines([text], w - st.px, st, indent=0), x + st.px * 0.5, y, w - st.px, st, 1.35)
    sh.say(text)
    sh.rule(x, y + st.px * 0.2, x + w, y + st.px * 0.2, width=max(3, sh.px(1.5)))
    return y + st.px * 0.9


def title_on_photo(k: Kit, piece: dict, x: float, y: float, w: float, h: float) -> float:
    """A photo with its title set across its lower part in white (题压图)."""
    sh = k.sh
    sh.photo(x, y, x + w, y + h, f"{k.page.name}-cover")
    st = Style("sans", sh.px(22), True, (255, 255, 255))
    parts = piece["title"].split("|")
    ty = y + h - st.px * (1.3 * len(parts) + 0.5)
    sh.draw.rectangle((x, ty - st.px * 0.25, x + w * 0.7, y + h), fill=(40, 40, 40))
    for part in piece["title"].split("|"):
        ty = sh.display(part, x + st.px * 0.6, ty, w - st.px * 1.2, st, "left", fill=(255, 255, 255))
    sh.say(join_phrases(piece["title"].split("|")))
    return y + h + sh.px(4)


def page_interview(k: Kit, P: dict) -> float:
    sh, m = k.sh, P["main"]
    y = k.header(sh.margin, m["editors"])
    y = k.stack(m, k.x0, y, k.width, 25, "center")
    x, w = k.span(0, 3)
    yl = sh.columns([m["lead"]], x, y, w, 1, k.kai, k.leading, k.gutter)
    paras, styles = qa_styles(k, paragraphs(m["qa_a"]))
    yl = sh.columns(paras, x, yl + sh.px(4), w, 3, k.body, k.leading, k.gutter, styles)
    xr, wr = k.span(3, 1)
    sh.photo(xr, y, xr + wr, y + wr * 1.2, f"{k.page.name}-portrait")
    yr = k.caption(m["caption"], xr, y + wr * 1.2, wr)
    if "bio" in P:
        yr = k.box(P["bio"]["label"], paragraphs(P["bio"]["body"]), xr, yr, wr, rng(k.page.name, "rev").random() < 0.5,
                   k.small)
    y = max(yl, yr) + sh.px(8)
    # the rest of the interview in four columns, a pull quote set across the middle two near their top;
    # the quote is read after the interview's text (its lines are drawn, so ranked, after the columns)
    paras, styles = qa_styles(k, paragraphs(m["qa_b"]))
    pst = Style("serif", round(k.body.px * 1.55), True)
    px_, pw = k.span(1, 2)
    qlines = sh.break_lines([m["pull"]], pw - pst.px, pst, indent=0)
    places = math.ceil((len(qlines) * pst.px * 1.35 + pst.px * 1.6) / (k.body.px * k.leading)) + 1
    yq = sh.columns(paras, k.x0, y, k.width, 4, k.body, k.leading, k.gutter, styles, {1: places + 2, 2: places + 2})
    pull_quote(k, m["pull"], px_, y + 2 * k.body.px * k.leading, pw)
    y = yq + sh.px(8)
    if "after" in P:
        a = P["after"]
        sh.rule(k.x0, y, k.x0 + k.width, y, width=1)
        y = k.label(a["label"], k.x0, y + sh.px(4), False)
        y = sh.columns(paragraphs(a["body"]), k.x0, y, k.width, 2, k.kai, k.leading, k.gutter)
        if a.get("sign"):
            y = k.right_line(a["sign"], k.x0, y, k.width, k.small)
    return y


def booklist(k: Kit, piece: dict, x: float, y: float, w: float) -> float:
    """新书推荐: a framed list; each book's title, then its facts line by line, then a blurb."""
    sh = k.sh
    pad = k.body.px * 0.6
    top = y
    y = k.label(piece["label"], x + pad, y + pad, True)
    st = Style("song", sh.px(k.page.body_pt * 0.9))
    for book in piece["books"]:
        y = sh.display(book["title"], x + pad, y + sh.px(3), w - 2 * pad, Style("sans", sh.px(k.page.body_pt * 1.05), True))
        sh.say(book["title"])
        for fact in book["facts"]:
            for ln in sh.break_lines([fact], w - 2 * pad, st, indent=0):
                y = sh.draw_lines([ln], x + pad, y, w - 2 * pad, st, 1.45)
            sh.say(fact)
        if book.get("blurb"):
            y = sh.columns([book["blurb"]], x + pad, y, w - 2 * pad, 1, st, 1.5, k.gutter)
    y += pad
    sh.frame(x, top, x + w, y, width=max(2, sh.px(0.8)))
    return y + sh.px(8)


def lead_story_in_three_columns(k: Kit, story: dict, headline_pt: float) -> tuple[float, float, float, float]:
    """The page header, then `story` (its stack and body) over the first three of four
    columns: (the top under the header, the story's x and width, the foot of its text)."""
    sh = k.sh
    y = k.header(sh.margin, story["editors"])
    x, w = k.span(0, 3)
    yl = k.stack(story, x, y, w, headline_pt)
    paras, styles = qa_styles(k, paragraphs(story["body"]))
    return y, x, w, sh.columns(paras, x, yl, w, 3, k.body, k.leading, k.gutter, styles)


def page_books(k: Kit, P: dict) -> float:
    sh = k.sh
    y, x, w, yl = lead_story_in_three_columns(k, P["review"], 21)
    xr, wr = k.span(3, 1)
    yr = booklist(k, P["books"], xr, y, wr)
    y = max(yl, yr) + sh.px(10)
    if "essay" in P or "brief" in P:
        sh.rule(k.x0, y - sh.px(5), k.x0 + k.width, y - sh.px(5), width=1)
    ye = y
    if "essay" in P:
        e = P["essay"]
        x, w = k.span(0, 2)
        ye = title_on_photo(k, e, x, y, w, w * 0.42)
        if e.get("caption"):
            ye = k.caption(e["caption"], x, ye, w)
        if e.get("byline"):
            ye = sh.display(e["byline"], x, ye, w, k.small)
            sh.say(e["byline"])
        paras, styles = qa_styles(k, paragraphs(e["body"]))
        ye = sh.columns(paras, x, ye + sh.px(3), w, 2, k.body, k.leading, k.gutter, styles)
    yb = y
    if "brief" in P:  # beside the essay, or where the essay would stand when the issue has none
        b = P["brief"]
        x2, w2 = k.span(2 if "essay" in P else 0, 2)
        yb = k.stack(b, x2, yb, w2, 15)
        yb = sh.columns(paragraphs(b["body"]), x2, yb, w2, 2, k.body, k.leading, k.gutter)
    return max(ye, yb)


def page_farm(k: Kit, P: dict) -> float:
    sh = k.sh
    y, x, w, yl = lead_story_in_three_columns(k, P["main"], 22)
    xr, wr = k.span(3, 1)
    t = P["prices"]
    yr = sh.display(t["title"], xr, y, wr, Style("sans", sh.px(k.page.body_pt * 1.15), True), "center")
    sh.say(t["title"])
    if t.get("note"):
        yr = sh.display(t["note"], xr, yr, wr, k.small, "center")
        sh.say(t["note"])
    rows = [row.split() for row in t["rows"]]
    yr = table(k, rows, xr, yr + sh.px(2), wr, Style("mono", sh.px(k.page.body_pt * 0.8)))
    for line in t.get("source", "").split("|"):
        if line:
            yr = sh.display(line, xr, yr, wr, Style("song", sh.px(k.page.body_pt * 0.75)))
            sh.say(line)
    y = max(yl, yr) + sh.px(10)
    x, w = k.span(0, 2)
    yt = y
    if "tips" in P:
        tp = P["tips"]
        paras, styles = qa_styles(k, paragraphs(tp["body"]))
        body = ([tp["title"]] if tp.get("title") else []) + paras
        if tp.get("title"):
            styles = {i + 1: s for i, s in styles.items()}
            styles[0] = (Style("sans", k.body.px, True), 0.0, 0.0, 0.0)
        yt = k.box(tp["label"], body, x, y, w, False, ncols=2, styles=styles)
    x2, w2 = k.span(2, 2)
    yn = y
    if "notice" in P:
        n = P["notice"]
        top = yn
        pad = k.body.px * 0.8
        yn = sh.display(n["title"], x2, yn + pad, w2, Style("sans", sh.px(k.page.body_pt * 1.5), True), "center",
                        tracking=1.0)
        sh.say(n["title"].replace(" ", ""))
        yn = sh.columns(paragraphs(n["body"]), x2 + pad, yn, w2 - 2 * pad, 1, k.body, k.leading, k.gutter)
        for line in n["sign"].split("|"):
            yn = k.right_line(line, x2 + pad, yn, w2 - 2 * pad)
        yn += pad * 0.5
        sh.frame(x2, top, x2 + w2, yn, width=max(2, sh.px(0.6)))
    return max(yt, yn)


def notice(k: Kit, n: dict, x: float, y: float, w: float) -> float:
    """A utility notice: title, paragraphs, lines as printed (addresses), issuer and date set right."""
    sh = k.sh
    y = sh.display(n["title"], x, y, w, Style("sans", sh.px(k.page.body_pt * 1.5), True), "center")
    sh.say(n["title"])
    y = sh.columns(paragraphs(n["body"]), x, y, w, 1, k.body, k.leading, k.gutter)
    for line in paragraphs(n.get("lines", "")):
        for ln in sh.break_lines([line], w, k.body, indent=2):
            y = sh.draw_lines([ln], x, y, w, k.body, k.leading)
        sh.say(line)
    if n.get("after"):
        y = sh.columns(paragraphs(n["after"]), x, y, w, 1, k.body, k.leading, k.gutter)
    for line in n.get("sign", "").split("|"):
        if line:
            y = k.right_line(line, x, y, w)
    return y


def page_service(k: Kit, P: dict) -> float:
    sh = k.sh
    y = k.header(sh.margin, P["water"]["editors"])
    x, w = k.span(0, 2)
    y1 = notice(k, P["water"], x, y, w)
    x2, w2 = k.span(2, 2)
    y2 = notice(k, P["power"], x2, y, w2) if "power" in P else y
    sh.rule(x + w + k.gutter / 2, y, x + w + k.gutter / 2, max(y1, y2), width=1)
    y = max(y1, y2) + sh.px(10)
    sh.rule(k.x0, y - sh.px(5), k.x0 + k.width, y - sh.px(5), width=1)
    x, w = k.span(0, 3)
    b = P["bus"]
    yb = k.stack(b, x, y, w, 17)
    yb = sh.columns(paragraphs(b["body"]), x, yb, w, 3, k.body, k.leading, k.gutter)
    xr, wr = k.span(3, 1)
    yr = y
    if "jobs" in P:
        j = P["jobs"]
        yr = k.box(j["label"], paragraphs(j["body"]), xr, y, wr, True, Style("demi", sh.px(k.page.body_pt * 0.9)),
                   lines_as_printed=True)
    y = max(yb, yr) + sh.px(8)
    if "phones" in P:
        ph = P["phones"]
        st = Style(k.body.face, sh.px(k.page.body_pt * 0.92))
        top = y
        y = k.label(ph["label"], k.x0 + sh.px(4), y + sh.px(4), True)
        lines = paragraphs(ph["body"])
        half = math.ceil(len(lines) / 2)
        cw = (k.width - k.gutter) / 2
        yy = y
        for c in range(2):
            cy = y
            for line in lines[c * half:(c + 1) * half]:
                cy = sh.display(line, k.x0 + sh.px(6) + c * (cw + k.gutter), cy, cw - sh.px(8), st)
                cy += st.px * 0.2
                sh.say(line)
            yy = max(yy, cy)
        sh.frame(k.x0, top, k.x0 + k.width, yy + sh.px(3), width=max(2, sh.px(0.6)))
        y = yy + sh.px(8)
    return y


def page_history(k: Kit, P: dict) -> float:
    sh, a = k.sh, P["article"]
    y, x, w, yl = lead_story_in_three_columns(k, a, 21)
    if a.get("notes"):
        sh.rule(x, yl + sh.px(2), x + w * 0.25, yl + sh.px(2), width=1)
        yl += sh.px(6)
        st = Style("song", sh.px(k.page.body_pt * 0.85))
        for note in paragraphs(a["notes"]):
            for ln in sh.break_lines([note], w, st, indent=0):
                yl = sh.draw_lines([ln], x, yl, w, st, 1.45)
            sh.say(note)
    xr, wr = k.span(3, 1)
    f = P["facsimile"]
    sh.photo(xr, y, xr + wr, y + wr * 1.3, f"{k.page.name}-facsimile", "facsimile")
    yr = k.caption(f["caption"], xr, y + wr * 1.3, wr)
    if "snippet" in P:
        s = P["snippet"]
        yr = k.stack(s, xr, yr + sh.px(4), wr, 13)
        paras, styles = qa_styles(k, paragraphs(s["body"]))
        yr = sh.columns(paras, xr, yr, wr, 1, k.body, k.leading, k.gutter, styles)
    return max(yl, yr)


def page_wide(k: Kit, P: dict) -> float:
    sh, e = k.sh, P["essay"]
    y = k.header(sh.margin, e["editors"])
    y = title_on_photo(k, e, k.x0, y, k.width, k.width * 0.4)
    if e.get("caption"):
        y = k.caption(e["caption"], k.x0, y, k.width)
    if e.get("deck"):
        y = sh.columns([e["deck"]], k.x0, y + sh.px(2), k.width, 1, Style("kai", round(k.body.px * 1.1)), 1.5, 0)
    y = sh.display(e["byline"], k.x0, y + sh.px(2), k.width, k.small)
    sh.say(e["byline"])
    paras, styles = qa_styles(k, paragraphs(e["body"]))
    return sh.columns(paras, k.x0, y + sh.px(4), k.width, 1, k.body, k.leading, 0, styles)


PAGES = {"interview": (page_interview, "serif", 7.4, 4), "books": (page_books, "song", 7.4, 4),
         "farm": (page_farm, "ming", 7.4, 4), "service": (page_service, "demi", 7.4, 4),
         "history": (page_history, "serif", 7.4, 4), "wide": (page_wide, "song", 0, 1)}


def render(page: Page, fonts: Fonts, sources: dict) -> Sheet:
    draw, face, width_in, ncols = PAGES[page.design]
    if page.fault == "epaper":
        face = "demi"  # the website's own rendering: a sans face, anti-aliased, at screen resolution
    dpi = page.dpi if page.fault == "epaper" else 300
    if page.design == "wide":  # one column of 30-40 em: the page is as wide as the measure asks
        em = rng(page.name, "measure").uniform(31, 38)
        width_in = em * page.body_pt / 72 + 0.72
    sheet = Sheet(fonts, width_in, dpi)
    kit = Kit(sheet, page, face, width_in, ncols)
    bottom = draw(kit, sources[page.issue])
    sheet.finish(bottom)
    return sheet


# ----------------------------------------------------------------------------- the scan

@dataclass
class Geometry:
    """The affine map from the clean sheet to the scan (scale, skew, crop); to_clean undoes it."""

    matrix: np.ndarray  # 3x3, clean -> scan

    def to_clean(self, x: float, y: float) -> tuple[float, float]:
        cx, cy, _ = np.linalg.inv(self.matrix) @ np.array([x, y, 1.0])
        return float(cx), float(cy)


def _affine(img: np.ndarray, scale: float, angle: float, fill) -> tuple[np.ndarray, np.ndarray]:
    import cv2
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    rad = math.radians(angle)
    nw = int(w * scale * abs(math.cos(rad)) + h * scale * abs(math.sin(rad))) + 2
    nh = int(h * scale * abs(math.cos(rad)) + w * scale * abs(math.sin(rad))) + 2
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    interp = cv2.INTER_AREA if scale < 1 and angle == 0 else cv2.INTER_CUBIC
    out = cv2.warpAffine(img, m, (nw, nh), flags=interp, borderValue=fill)
    return out, np.vstack([m, [0, 0, 1]])


def scan(page: Page, sheet: Sheet) -> tuple[Image.Image, Geometry]:
    """The page's fault applied to its clean sheet; see tests/eval_tenth/README.md (Scans)."""
    r = np.random.default_rng(int(hashlib.sha256(f"{DEAL_SEED}|{page.name}|scan".encode()).hexdigest()[:8], 16))
    rgb = np.asarray(sheet.img, dtype=np.uint8)
    if page.fault == "epaper":
        return sheet.img.copy(), Geometry(np.eye(3))
    grey = np.asarray(sheet.img.convert("L"), dtype=np.uint8)
    if page.fault == "clean":
        return Image.fromarray(grey), Geometry(np.eye(3))
    if page.fault == "dither":  # an old 150 dpi greyscale scan kept as a dithered 1-bit file
        img, m = _affine(grey, 150 / sheet.dpi, 0.0, 255)
        a = img.astype(float) * 0.82 + 30 + r.normal(0, 6, img.shape)
        a = np.clip(a, 0, 255).astype(np.uint8)
        out = Image.fromarray(a).filter(ImageFilter.GaussianBlur(0.5)).convert("1")
        return out, Geometry(m)
    src = rgb if page.fault == "stain" else grey
    img, m = _affine(src, 1.0, page.rotation, (255, 255, 255) if src.ndim == 3 else 255)
    a = img.astype(float)
    h, w = a.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(float)
    if page.fault == "glare":  # a reflection off glass over the page: a bright soft patch washing the ink out
        cx, cy = r.uniform(0.3, 0.7) * w, r.uniform(0.3, 0.7) * h
        rx, ry = r.uniform(0.12, 0.2) * w, r.uniform(0.07, 0.12) * h
        d = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2
        s = r.uniform(0.8, 0.93) * np.exp(-d * 1.2)
        a = a + (255 - a) * s
        a = a * 0.94 + 4  # the rest of the photo a little grey
    elif page.fault == "scratches":  # microfilm: thin vertical lines through the text, a grey film base
        a = 28 + a * 0.84
        for _ in range(int(r.integers(7, 13))):
            x0 = r.uniform(0.05, 0.95) * w
            width = int(r.integers(1, 4))
            tone = 250.0 if r.random() < 0.5 else r.uniform(20, 70)
            y0, y1 = (0, h) if r.random() < 0.6 else sorted(r.uniform(0, h, 2))
            wobble = r.uniform(1, 4)
            for yv in range(int(y0), int(y1)):
                xv = int(x0 + wobble * math.sin(yv / r.uniform(300, 900)))
                a[yv, max(0, xv):min(w, xv + width)] = tone
    elif page.fault == "stain":  # a dried water blotch: tinted inside, a darker tide line at its edge
        blob = Image.fromarray((r.random((12, 12)) * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
        field_ = np.asarray(blob.filter(ImageFilter.GaussianBlur(w / 60)), dtype=float) / 255
        cx, cy = r.uniform(0.25, 0.75) * w, r.uniform(0.25, 0.75) * h
        rad = r.uniform(0.13, 0.22) * w
        d = np.hypot(xx - cx, yy - cy) / rad + (field_ - 0.5) * 0.9
        inside = np.clip((1.0 - d) * 8, 0, 1)
        edge = np.exp(-((d - 1.0) / 0.025) ** 2)
        tint = np.array([0.90, 0.82, 0.66])
        rim = np.array([0.62, 0.50, 0.34])
        a = a * (1 - inside[..., None] * (1 - tint)) * (1 - edge[..., None] * (1 - rim))
    elif page.fault == "shadow":  # two pages photographed: a straight soft shadow band across
        theta = r.uniform(-0.5, 0.5) + (math.pi / 2 if r.random() < 0.5 else 0)
        d = (xx - w / 2) * math.cos(theta) + (yy - h / 2) * math.sin(theta)
        c0 = r.uniform(-0.25, 0.15) * max(w, h)
        width = r.uniform(0.18, 0.3) * max(w, h)
        soft = r.uniform(0.02, 0.05) * max(w, h)
        band = 1 / (1 + np.exp(-(d - c0) / soft)) - 1 / (1 + np.exp(-(d - c0 - width) / soft))
        a = a * (1 - r.uniform(0.42, 0.58) * band)
    elif page.fault == "cutoff":  # the scan crops the outer column: a few glyphs of every line lost
        side = "left" if r.random() < 0.5 else "right"
        cut = int(sheet.margin + k_body_px(sheet, page) * r.uniform(1.0, 2.4))
        a = a[:, cut:] if side == "left" else a[:, : w - cut]
        if side == "left":
            m = np.array([[1, 0, -cut], [0, 1, 0], [0, 0, 1]], dtype=float) @ m
    a = np.clip(a, 0, 255).astype(np.uint8)
    out = Image.fromarray(a).filter(ImageFilter.GaussianBlur(0.45))
    noise = r.normal(0, 3, np.asarray(out).shape)
    out = Image.fromarray(np.clip(np.asarray(out, dtype=float) + noise, 0, 255).astype(np.uint8))
    return out, Geometry(m)


def k_body_px(sheet: Sheet, page: Page) -> float:
    return sheet.px(page.body_pt)


# ----------------------------------------------------------------------------- the engines

RAPID = r"""
import json, sys
from rapidocr import RapidOCR
params = json.loads(sys.argv[3]); params["Global.log_level"] = "error"
r = RapidOCR(params=params)(sys.argv[1], return_word_box=True)
words = [[[w[0], float(w[1]), [[int(v) for v in p] for p in w[2]]] for w in line] for line in (r.word_results or [])]
json.dump({"boxes": [[[float(v) for v in p] for p in b] for b in (r.boxes.tolist() if r.boxes is not None else [])],
           "txts": list(r.txts or []), "scores": [float(s) for s in (r.scores or [])], "words": words},
          open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
"""


def env1() -> dict:
    env = dict(os.environ, OMP_THREAD_LIMIT="1", OMP_NUM_THREADS="1")
    return env


def run_rapid(image: Path, settings: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        subprocess.run([sys.executable, "-c", RAPID, str(image), str(out), json.dumps(settings)], check=True, env=env1())
        return json.loads(out.read_text(encoding="utf-8"))


def run_qingyang_ocr(image: Path) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        exe = Path(sys.executable).with_name("qingyang")
        subprocess.run([str(exe), "ocr", str(image), "--output", tmp], check=True, env=env1(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return (Path(tmp) / f"{image.stem}.paddle.json").read_bytes()


def run_tesseract(image: Path, page: Page) -> tuple[bytes, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / page.name
        cmd = ["tesseract", str(image), str(base), "-l", page.langs, "--psm", str(page.psm)]
        if page.preserve:
            cmd += ["-c", "preserve_interword_spaces=1"]
        if page.char_boxes:
            cmd += ["-c", "hocr_char_boxes=1"]
        subprocess.run([*cmd, "hocr", "alto"], check=True, env=env1(), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return base.with_suffix(".hocr").read_bytes(), base.with_suffix(".xml").read_bytes()


def _poly(box) -> list[list[float]]:
    return [[float(x), float(y)] for x, y in box]


def paddle_json(page: Page, res: dict, image: Path, size: tuple[int, int]) -> str:
    """The RapidOCR result written in the page's public shape (see the README)."""
    boxes, txts, scores = res["boxes"], res["txts"], res["scores"]
    ib = [[[round(x), round(y)] for x, y in b] for b in boxes]
    rect = [[min(p[0] for p in b), min(p[1] for p in b), max(p[0] for p in b), max(p[1] for p in b)] for b in ib]
    det = {"limit_side_len": page.settings.get("Det.limit_side_len", 736), "limit_type": "min",
           "thresh": page.settings.get("Det.thresh", 0.3), "max_side_limit": 4000,
           "box_thresh": page.settings.get("Det.box_thresh", 0.5),
           "unclip_ratio": page.settings.get("Det.unclip_ratio", 1.6)}
    ocr_res = {"input_path": f"{page.name}.png", "page_index": None,
               "model_settings": {"use_doc_preprocessor": False, "use_textline_orientation": bool(
                   page.settings.get("Global.use_cls", True))},
               "dt_polys": ib, "text_det_params": det, "text_type": "general",
               "textline_orientation_angles": [-1] * len(ib), "text_rec_score_thresh":
                   page.settings.get("Global.text_score", 0.5), "return_word_box": page.shape == "f",
               "rec_texts": txts, "rec_scores": scores, "rec_polys": ib, "rec_boxes": rect}
    if page.shape == "b":
        return json.dumps({"res": ocr_res}, ensure_ascii=False)
    if page.shape == "f":
        ocr_res["text_word"] = [[w[0] for w in line] for line in res["words"]]
        ocr_res["text_word_region"] = [[w[2] for w in line] for line in res["words"]]
        return json.dumps({"res": ocr_res}, ensure_ascii=False)
    if page.shape == "e":
        return json.dumps([[[_poly(b), [t, s]] for b, t, s in zip(boxes, txts, scores, strict=False)]], ensure_ascii=False)
    if page.shape == "g":
        return json.dumps([{"box": _poly(b), "txt": t, "score": s} for b, t, s in zip(boxes, txts, scores, strict=False)],
                          ensure_ascii=False)
    if page.shape == "h":
        return json.dumps([{"transcription": t, "points": b} for b, t in zip(ib, txts, strict=False)], ensure_ascii=False)
    if page.shape == "i":  # PaddleOCR-json (the C++ command-line engine many desktop tools drive)
        return json.dumps({"code": 100, "data": [{"box": b, "score": s, "text": t}
                                                 for b, t, s in zip(ib, txts, scores, strict=False)]}, ensure_ascii=False)
    if page.shape == "d":
        blocks = structure_blocks(page, res)
        ocr = dict(ocr_res, input_path=None)
        layout = {"input_path": None, "page_index": None,
                  "boxes": [{"cls_id": 2, "label": b["block_label"], "score": 0.9, "coordinate": b["block_bbox"]}
                            for b in blocks]}
        return json.dumps({"res": {"input_path": f"{page.name}.png", "page_index": None,
                                   "model_settings": {"use_doc_preprocessor": False, "use_table_recognition": False},
                                   "parsing_res_list": blocks, "layout_det_res": layout,
                                   "overall_ocr_res": ocr}}, ensure_ascii=False)
    raise ValueError(page.shape)


STRUCTURE = {}  # page name -> (Sheet, Geometry), set while a page is built (shape d groups lines by printed unit)


def structure_blocks(page: Page, res: dict) -> list[dict]:
    sheet, geo = STRUCTURE[page.name]
    owner = assign(sheet, geo, res["boxes"])
    groups: dict[tuple, list[int]] = {}
    for i, rank in enumerate(owner):  # a block per gold line and column, as a layout model cuts them
        line = sheet.lines[rank]
        groups.setdefault((line.unit, line.frame), []).append(i)
    blocks = []
    for order, (_unit, idx) in enumerate(sorted(groups.items())):
        pts = [p for i in idx for p in res["boxes"][i]]
        bbox = [int(min(p[0] for p in pts)), int(min(p[1] for p in pts)), int(max(p[0] for p in pts)),
                int(max(p[1] for p in pts))]
        content = ""
        for i in sorted(idx, key=lambda i: (owner[i], res["boxes"][i][0][0])):
            t = res["txts"][i]
            content += (" " if content and re.match(r"[A-Za-z0-9]", t) and re.search(r"[A-Za-z0-9]$", content) else "") + t
        label = "text" if len(content) > 30 else "paragraph_title"
        if idx and sheet.lines[owner[idx[0]]].box[3] - sheet.lines[owner[idx[0]]].box[1] > 2.2 * page.body_pt * sheet.dpi / 72:
            label = "doc_title"
        blocks.append({"block_label": label, "block_content": content, "block_bbox": bbox, "block_id": order,
                       "block_order": order + 1})
    return blocks


def assign(sheet: Sheet, geo: Geometry, boxes: list) -> list[int]:
    """Each engine box's centre mapped back to the clean sheet, then to the printed line whose box
    (padded by a third of its height) holds it: the smallest such, or the nearest."""
    owner = []
    for b in boxes:
        cx, cy = geo.to_clean(sum(p[0] for p in b) / 4, sum(p[1] for p in b) / 4)
        best, best_key = 0, None
        for line in sheet.lines:
            x0, y0, x1, y1 = line.box
            pad = (y1 - y0) / 3
            inside = x0 - pad <= cx <= x1 + pad and y0 - pad <= cy <= y1 + pad
            dx = max(x0 - cx, 0, cx - x1)
            dy = max(y0 - cy, 0, cy - y1)
            key = (0, (x1 - x0) * (y1 - y0)) if inside else (1, math.hypot(dx, dy))
            if best_key is None or key < best_key:
                best, best_key = line.rank, key
        owner.append(best)
    return owner


def engine_lines(data) -> tuple[list[str], list[list[list[float]]]]:
    """Texts and four-corner boxes from any shape this set writes."""
    if isinstance(data, dict) and "code" in data:
        items = data.get("data") or []
        return [d["text"] for d in items], [d["box"] for d in items]
    if isinstance(data, list):
        if data and isinstance(data[0], dict) and "transcription" in data[0]:
            return [d["transcription"] for d in data], [d["points"] for d in data]
        if data and isinstance(data[0], dict):
            return [d["txt"] for d in data], [d["box"] for d in data]
        rows = data[0] or [] if data else []
        return [r[1][0] for r in rows], [r[0] for r in rows]
    res = data.get("res", data)
    res = res.get("overall_ocr_res", res)
    return list(res["rec_texts"]), [list(p) for p in res["rec_polys"]]


def reading_order_text(sheet: Sheet, geo: Geometry, data) -> str:
    texts, boxes = engine_lines(data)
    owner = assign(sheet, geo, boxes)
    order = sorted(range(len(texts)), key=lambda i: (owner[i], min(p[0] for p in boxes[i]), i))
    return "".join(texts[i] + "\n" for i in order)


# ----------------------------------------------------------------------------- other producers

def _bbox(b) -> tuple[int, int, int, int]:
    xs, ys = [p[0] for p in b], [p[1] for p in b]
    return int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))


def tesseract_lines(hocr: bytes) -> list[dict]:
    """Tesseract's hOCR as lines of words: [{bbox, words: [(text, bbox, conf)], block}]."""
    root = etree.fromstring(hocr, etree.HTMLParser(encoding="utf-8"))
    lines = []
    for bi, area in enumerate(root.iter()):
        if not isinstance(area.tag, str) or "ocr_carea" not in (area.get("class") or ""):
            continue
        for line in area.iter():
            cls = (line.get("class") or "") if isinstance(line.tag, str) else ""
            if cls not in ("ocr_line", "ocr_caption", "ocr_header", "ocr_textfloat"):
                continue
            words = []
            for wd in line.iter():
                if isinstance(wd.tag, str) and (wd.get("class") or "") == "ocrx_word":
                    title = wd.get("title") or ""
                    bb = [int(v) for v in re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", title).groups()]
                    conf = re.search(r"x_wconf (\d+)", title)
                    words.append(("".join(wd.itertext()), bb, int(conf.group(1)) if conf else 90))
            if words:
                bb = [int(v) for v in re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", line.get("title")).groups()]
                lines.append({"bbox": bb, "words": words, "block": bi})
    return lines


def rapid_lines(res: dict) -> list[dict]:
    """PP-OCR lines as lines of words (split at the engine's spaces, boxes from its glyph boxes);
    blocks by a converter's rule: a new block where a line does not sit under the one before."""
    lines, block, prev = [], 0, None
    for i, (box, text, score) in enumerate(zip(res["boxes"], res["txts"], res["scores"], strict=False)):
        bb = list(_bbox(box))
        if prev and (bb[1] - prev[3] > 1.2 * (prev[3] - prev[1]) or bb[0] > prev[2] or bb[2] < prev[0]):
            block += 1
        prev = bb
        glyphs = res["words"][i] if i < len(res["words"]) else []
        words, gi = [], 0
        for part in text.split():
            n = len(part)
            gl = glyphs[gi:gi + n] if len(glyphs) >= gi + n else []
            gi += n
            wb = list(_bbox([p for g in gl for p in g[2]])) if gl else bb
            words.append((part, wb, round(score * 100)))
        lines.append({"bbox": bb, "words": words, "block": block})
    return lines


def hocr_other(page: Page, lines: list[dict], size: tuple[int, int], source: str) -> bytes:
    """hOCR as line-level engines write it: no ocr_carea / ocr_par; kraken-like lines with
    ocrx_word spans (x_wconf), or OCRopus-like ocr_line spans holding their text directly."""
    what = {"tesseract": "Tesseract 5.3.0", "rapidocr": "RapidOCR 3.10.0 (PP-OCR)"}[source]
    system = {"kraken": f"kraken-style hOCR writer, converted from {what}",
              "ocropus": f"ocropus-hocr-style writer, converted from {what}"}[page.hocr_producer]
    html = etree.Element("html", xmlns="http://www.w3.org/1999/xhtml")
    head = etree.SubElement(html, "head")
    etree.SubElement(head, "title").text = page.name
    etree.SubElement(head, "meta", {"http-equiv": "Content-Type", "content": "text/html;charset=utf-8"})
    etree.SubElement(head, "meta", name="ocr-system", content=system)
    caps = "ocr_page ocr_line ocrx_word" if page.hocr_producer == "kraken" else "ocr_page ocr_line"
    etree.SubElement(head, "meta", name="ocr-capabilities", content=caps)
    body = etree.SubElement(html, "body")
    pg = etree.SubElement(body, "div", {"class": "ocr_page", "title": f"bbox 0 0 {size[0]} {size[1]}; image {page.name}.png"})
    for n, ln in enumerate(lines, 1):
        x0, y0, x1, y1 = ln["bbox"]
        h = y1 - y0
        title = f"bbox {x0} {y0} {x1} {y1}; baseline 0 {-round(h * 0.12)}; x_size {round(h * 0.88)}"
        span = etree.SubElement(pg, "span", {"class": "ocr_line", "id": f"line_{n}", "title": title})
        if page.hocr_producer == "kraken":
            for m, (text, bb, conf) in enumerate(ln["words"], 1):
                w = etree.SubElement(span, "span", {"class": "ocrx_word", "id": f"word_{n}_{m}",
                                                    "title": f"bbox {bb[0]} {bb[1]} {bb[2]} {bb[3]}; x_wconf {conf}"})
                w.text = text
                w.tail = " "
        else:
            span.text = " ".join(w[0] for w in ln["words"])
        span.tail = "\n"
    return b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" ' \
        b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n' + etree.tostring(html, encoding="utf-8",
                                                                                          pretty_print=True)


def alto_vendor(page: Page, lines: list[dict], size: tuple[int, int], dpi: int, source: str) -> bytes:
    """ALTO as library digitisation vendors write it (ABBYY FineReader / docWorks style):
    v2 or v3 namespace, mm10 or inch1200 units, ComposedBlocks, SP between Strings, WC and CC,
    font sizes in Styles referenced by STYLEREFS."""
    version, unit = page.alto_form.split()
    ns = f"http://www.loc.gov/standards/alto/ns-{version}#"
    per_px = 254 / dpi if unit == "mm10" else 1200 / dpi

    def u(v):
        return str(round(v * per_px))

    E = etree.ElementMaker(namespace=ns, nsmap={None: ns, "xsi": "http://www.w3.org/2001/XMLSchema-instance"}) \
        if hasattr(etree, "ElementMaker") else None
    del E
    root = etree.Element(f"{{{ns}}}alto", nsmap={None: ns, "xsi": "http://www.w3.org/2001/XMLSchema-instance"})
    xsd = "alto-2-0.xsd" if version == "v2" else "alto-3-1.xsd"
    root.set("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", f"{ns} http://www.loc.gov/standards/alto/{xsd}")
    desc = etree.SubElement(root, f"{{{ns}}}Description")
    etree.SubElement(desc, f"{{{ns}}}MeasurementUnit").text = unit
    info = etree.SubElement(desc, f"{{{ns}}}sourceImageInformation")
    etree.SubElement(info, f"{{{ns}}}fileName").text = f"{page.name}.tif"
    proc = etree.SubElement(desc, f"{{{ns}}}OCRProcessing", ID="OCR_0")
    step = etree.SubElement(proc, f"{{{ns}}}ocrProcessingStep")
    etree.SubElement(step, f"{{{ns}}}processingDateTime").text = f"{page.issue}T09:00:00"
    soft = etree.SubElement(step, f"{{{ns}}}processingSoftware")
    what = {"tesseract": "Tesseract 5.3.0", "rapidocr": "RapidOCR 3.10.0 (PP-OCR)"}[source]
    etree.SubElement(soft, f"{{{ns}}}softwareCreator").text = "qingyang tenth-set builder"
    etree.SubElement(soft, f"{{{ns}}}softwareName").text = f"FineReader/docWorks-style ALTO writer, text from {what}"
    etree.SubElement(soft, f"{{{ns}}}softwareVersion").text = "1.0"
    styles = etree.SubElement(root, f"{{{ns}}}Styles")
    sizes = {}
    for ln in lines:
        h = ln["bbox"][3] - ln["bbox"][1]
        pt = max(5.0, round(h * 72 / dpi / 1.15 * 2) / 2)
        ln["pt"] = pt
        sizes.setdefault(pt, f"TS_{len(sizes)}")
    for pt, sid in sizes.items():
        etree.SubElement(styles, f"{{{ns}}}TextStyle", ID=sid, FONTFAMILY="SimSun", FONTSIZE=f"{pt:g}")
    layout = etree.SubElement(root, f"{{{ns}}}Layout")
    pg = etree.SubElement(layout, f"{{{ns}}}Page", ID="PAGE_1", PHYSICAL_IMG_NR="1", HEIGHT=u(size[1]), WIDTH=u(size[0]))
    ps = etree.SubElement(pg, f"{{{ns}}}PrintSpace", HPOS="0", VPOS="0", HEIGHT=u(size[1]), WIDTH=u(size[0]))
    blocks: dict[int, list[dict]] = {}
    for ln in lines:
        blocks.setdefault(ln["block"], []).append(ln)
    sid = 0
    for bi, (_, blines) in enumerate(sorted(blocks.items())):
        xs0 = min(b["bbox"][0] for b in blines)
        ys0 = min(b["bbox"][1] for b in blines)
        xs1 = max(b["bbox"][2] for b in blines)
        ys1 = max(b["bbox"][3] for b in blines)
        geo = {"HPOS": u(xs0), "VPOS": u(ys0), "WIDTH": u(xs1 - xs0), "HEIGHT": u(ys1 - ys0)}
        cb = etree.SubElement(ps, f"{{{ns}}}ComposedBlock", ID=f"CB_{bi}", TYPE="Article", **geo)
        common = Counter(b["pt"] for b in blines).most_common(1)[0][0]
        tb = etree.SubElement(cb, f"{{{ns}}}TextBlock", ID=f"TB_{bi}", STYLEREFS=sizes[common], **geo)
        for ln in blines:
            x0, y0, x1, y1 = ln["bbox"]
            attrs = {"ID": f"TL_{sid}", "HPOS": u(x0), "VPOS": u(y0), "WIDTH": u(x1 - x0), "HEIGHT": u(y1 - y0),
                     "BASELINE": u(y1 - (y1 - y0) * 0.12)}
            if ln["pt"] != common:
                attrs["STYLEREFS"] = sizes[ln["pt"]]
            tl = etree.SubElement(tb, f"{{{ns}}}TextLine", **attrs)
            for wi, (text, bb, conf) in enumerate(ln["words"]):
                if wi:
                    prev = ln["words"][wi - 1][1]
                    etree.SubElement(tl, f"{{{ns}}}SP", HPOS=u(prev[2]), VPOS=u(y0), WIDTH=u(max(1, bb[0] - prev[2])))
                wc = max(0.0, min(1.0, conf / 100))
                cc = " ".join(str(min(9, max(0, round((1 - wc) * 9)))) for _ in text)
                etree.SubElement(tl, f"{{{ns}}}String", ID=f"S_{sid}_{wi}", CONTENT=text, HPOS=u(bb[0]), VPOS=u(bb[1]),
                                 WIDTH=u(bb[2] - bb[0]), HEIGHT=u(bb[3] - bb[1]), WC=f"{wc:.2f}", CC=cc)
            sid += 1
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


# ----------------------------------------------------------------------------- files and floors

def hocr_texts(data: bytes) -> list[str]:
    """Each ocrx_word's text; where a file has no words, each ocr_line's (the test reads it so too)."""
    root = etree.fromstring(data, etree.HTMLParser(encoding="utf-8"))
    els = [e for e in root.iter() if isinstance(e.tag, str)]
    words = ["".join(e.itertext()) for e in els if "ocrx_word" in (e.get("class") or "").split()]
    if words:
        return words
    return ["".join(e.itertext()) for e in els if (e.get("class") or "") in ("ocr_line", "ocrx_line")]


def alto_texts(data: bytes) -> list[str]:
    root = etree.fromstring(data)
    return [e.get("CONTENT") for e in root.iter() if isinstance(e.tag, str) and e.tag.endswith("}String")]


def floor(gold: str, texts: list[str]) -> tuple[int, int]:
    g = Counter(c for c in gold if not c.isspace())
    r = Counter(c for c in "".join(texts) if not c.isspace())
    return sum((g - r).values()), sum((r - g).values())


def features(page: Page, sheet: Sheet) -> str:
    base = {"interview": "side_by_side_title qa pull_quote bio_box afterword",
            "books": "book_review kai_excerpt booklist isbn title_on_photo",
            "farm": "side_by_side_title price_table arrows yi_er_san village_notice",
            "service": "outage_notices time_ranges bus_routes jobs_box phones urls",
            "history": "minguo_dates ganzhi corner_quotes footnotes facsimile",
            "wide": "single_wide_column title_on_photo subheads"}[page.design]
    return base + (" epaper" if page.fault == "epaper" else "")


FIELDS = ["name", "split", "paper", "issue_date", "page", "section", "design", "body_face", "body_pt", "dpi", "scan",
          "rotation_deg", "json_shape", "detector_settings", "hocr_producer", "hocr_from", "alto_producer", "alto_from",
          "alto_form", "tesseract_langs", "tesseract_psm", "tesseract_preserve_spaces", "tesseract_char_boxes",
          "features", "stories", "gold_chars", "ocr_missing", "ocr_extra", "ocr_floor", "hocr_missing", "hocr_extra",
          "hocr_floor", "alto_missing", "alto_extra", "alto_floor"]


def settings_text(page: Page) -> str:
    if page.shape == "a":
        return "qingyang ocr (defaults)"
    return " ".join(f"{k}={json.dumps(v)}" for k, v in page.settings.items()) or "defaults"


def build(page: Page, fonts: Fonts, sources: dict, out: Path, images: Path, ocr: bool) -> dict:
    sheet = render(page, fonts, sources)
    img, geo = scan(page, sheet)
    images.mkdir(parents=True, exist_ok=True)
    image = images / f"{page.name}.png"
    img.save(image, optimize=True)
    sheet.img.save(images / f"{page.name}.clean.png", optimize=True)
    folder = out / page.split
    folder.mkdir(parents=True, exist_ok=True)
    gold = "".join(g + "\n" for g in sheet.gold)
    (folder / f"{page.name}.gold.txt").write_text(gold, encoding="utf-8")
    STRUCTURE[page.name] = (sheet, geo)
    files = {s: folder / f"{page.name}{s}" for s in (".paddle.json", ".hocr", ".alto.xml")}
    if ocr:
        res = run_rapid(image, page.settings) if page.shape != "a" else None
        if page.shape == "a":
            files[".paddle.json"].write_bytes(run_qingyang_ocr(image))
        else:
            files[".paddle.json"].write_text(paddle_json(page, res, image, img.size), encoding="utf-8")
        need_tess = "tesseract" in (page.hocr_producer, page.hocr_from, page.alto_producer, page.alto_from)
        th, ta = run_tesseract(image, page) if need_tess else (None, None)
        if res is None and "rapidocr" in (page.hocr_from, page.alto_from):
            res = run_rapid(image, {})
        if page.hocr_producer == "tesseract":
            files[".hocr"].write_bytes(th)
        else:
            src = tesseract_lines(th) if page.hocr_from == "tesseract" else rapid_lines(res)
            files[".hocr"].write_bytes(hocr_other(page, src, img.size, page.hocr_from))
        if page.alto_producer == "tesseract":
            files[".alto.xml"].write_bytes(ta)
        else:
            src = tesseract_lines(th) if page.alto_from == "tesseract" else rapid_lines(res)
            files[".alto.xml"].write_bytes(alto_vendor(page, src, img.size, page.dpi, page.alto_from))
    data = json.loads(files[".paddle.json"].read_text(encoding="utf-8"))
    (folder / f"{page.name}.txt").write_text(reading_order_text(sheet, geo, data), encoding="utf-8")
    texts, _ = engine_lines(data)
    row = {"name": page.name, "split": page.split, "paper": page.paper, "issue_date": page.issue,
           "page": page.page_label, "section": page.section, "design": page.design,
           "body_face": "demi" if page.fault == "epaper" else PAGES[page.design][1], "body_pt": page.body_pt,
           "dpi": page.dpi, "scan": page.fault, "rotation_deg": page.rotation, "json_shape": page.shape,
           "detector_settings": settings_text(page), "hocr_producer": page.hocr_producer, "hocr_from": page.hocr_from,
           "alto_producer": page.alto_producer, "alto_from": page.alto_from, "alto_form": page.alto_form,
           "tesseract_langs": page.langs, "tesseract_psm": page.psm, "tesseract_preserve_spaces": page.preserve,
           "tesseract_char_boxes": page.char_boxes, "features": features(page, sheet),
           "stories": " ".join(sorted(p["id"] for p in sources[page.issue].values()))}
    n = sum(1 for c in gold if not c.isspace())
    row["gold_chars"] = n
    for prefix, tx in (("ocr", texts), ("hocr", hocr_texts(files[".hocr"].read_bytes())),
                       ("alto", alto_texts(files[".alto.xml"].read_bytes()))):
        miss, extra = floor(gold, tx)
        row[f"{prefix}_missing"], row[f"{prefix}_extra"] = miss, extra
        row[f"{prefix}_floor"] = f"{(miss + extra) / n:.4f}"
    return row


def write_manifest(out: Path, rows: list[dict]):
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, FIELDS, lineterminator="\n")
        w.writeheader()
        for row in sorted(rows, key=lambda r: r["name"]):
            w.writerow(row)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "eval_tenth")
    ap.add_argument("--font-dir", type=Path, default=Path(os.environ.get("QINGYANG_TENTH_FONTS", "/tmp/tenth_fonts")))
    ap.add_argument("--image-dir", type=Path, default=Path("/tmp/tenth_images"))
    ap.add_argument("--no-ocr", action="store_true", help="read the engine files already in --out")
    ap.add_argument("--split", choices=["dev", "heldout"])
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--plan", action="store_true")
    args = ap.parse_args(argv)
    pages = plan()
    if args.plan:
        for p in pages:
            print(p.name, p.split, p.design, p.issue, p.fault, p.rotation, p.dpi, p.shape, settings_text(p),
                  p.hocr_producer, p.hocr_from, p.alto_producer, p.alto_from, p.alto_form, p.langs, p.psm)
        return 0
    sources = load_sources()
    fonts = Fonts(args.font_dir)
    old = {}
    if (args.out / "manifest.csv").is_file():
        old = {r["name"]: r for r in csv.DictReader((args.out / "manifest.csv").open(encoding="utf-8"))}
    rows = []
    for page in pages:
        chosen = (not args.split or page.split == args.split) and (not args.only or page.name in args.only)
        if not chosen or page.issue not in sources:
            if page.name in old:
                rows.append(old[page.name])
            continue
        has_files = (args.out / page.split / f"{page.name}.paddle.json").is_file()
        if args.no_ocr and not has_files:  # a page not built yet: nothing to read
            continue
        rows.append(build(page, fonts, sources, args.out, args.image_dir, ocr=not args.no_ocr))
        print(page.name, page.design, page.fault, rows[-1]["ocr_floor"], rows[-1]["hocr_floor"], rows[-1]["alto_floor"],
              flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    write_manifest(args.out, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
