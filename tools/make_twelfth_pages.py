"""Build the twelfth evaluation set (tests/eval_twelfth/): 潆洲 papers' 影视, 书画, 节气, 少儿, 民生 and 棋牌 pages.

Each page is laid out from tools/twelfth_sources/*.toml, drawn on a clean sheet (every printed line kept
with its box and its rank in reading order, the gold written in the same pass), spoilt by one scan
condition, and read by RapidOCR (PP-OCR) and Tesseract. The engines' results are saved in the public
shapes and producer forms the manifest names; NAME.txt is the PP-OCR lines put in reading order by
mapping each engine box's centre back through the scan's geometry to the printed line under it.

    python tools/make_twelfth_pages.py --plan               # pages, splits, conditions, shapes, producers
    python tools/make_twelfth_pages.py --split dev          # render, scan, OCR, write (other rows kept)
    python tools/make_twelfth_pages.py --only twelfth_03    # one page
    python tools/make_twelfth_pages.py --no-ocr             # gold, .txt, manifest from the committed engine files

Seeded and deterministic: the same fonts and engine versions give the same files.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import math
import os
import random
import re
import subprocess
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from lxml import etree, html
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "twelfth_sources"
OUT = ROOT / "tests" / "eval_twelfth"
FONT_DIR = Path(os.environ.get("QINGYANG_TWELFTH_FONTS", "/tmp/twelfth_fonts"))
IMAGE_DIR = Path("/tmp/twelfth_images")

SPLIT_SEED, NAME_SEED, DEAL_SEED = 1207, 3412, 5590
DPI = 300
WIDTH = 1800
MARGIN = 64

FACES = {  # role -> (file, index in a collection)
    "serif": ("NotoSerifCJKsc-Regular.otf", 0),
    "sans": ("NotoSansCJKsc-Regular.otf", 0),
    "kai": ("ukai.ttc", 0),  # AR PL UKai CN: a body face no older set sets
    "mono": ("LXGWWenKaiMono-Regular.ttf", 0),
}

# The issues: design, date, paper, page label. One issue of each design is dev (SPLIT_SEED).
ISSUES = [
    ("film", d, "潆洲晚报", "第B4版", "影视·文娱") for d in ("2026-04-03", "2026-04-10", "2026-04-17", "2026-04-24")
] + [
    ("art", d, "潆洲日报", "第11版", "书画·收藏") for d in ("2026-04-05", "2026-04-12", "2026-04-19")
] + [
    ("farm", d, "潆洲日报", "第7版", "节气·农事") for d in ("2026-04-04", "2026-04-20", "2026-05-05", "2026-05-21")
] + [
    ("kids", d, "潆洲晚报", "第B6版", "少儿·校园") for d in ("2026-04-08", "2026-04-15", "2026-04-22")
] + [
    ("hotline", d, "潆洲日报", "第5版", "民生·热线") for d in ("2026-03-16", "2026-03-23", "2026-03-30")
] + [
    ("games", d, "潆洲晚报", "第B8版", "智力·健身") for d in ("2026-04-06", "2026-04-13", "2026-04-20")
]
WEEKDAYS = "一二三四五六日"
EDITORS = {"film": "责任编辑：岑晚舟 美编：邝一禾", "art": "责任编辑：裘墨林 版式：房小鹿",
           "farm": "责任编辑：甘守田 校对：阮青", "kids": "责任编辑：卜小满 美编：邝一禾",
           "hotline": "责任编辑：庞立言 校对：阮青", "games": "责任编辑：祁子衡 美编：房小鹿"}

CONDITIONS_DEV = ["keystone", "barrel", "streaks", "foxing", "photocopy", "clean"]
CONDITIONS_HELDOUT = ["keystone", "keystone", "barrel", "barrel", "streaks", "streaks", "foxing", "foxing",
                      "cockle", "cockle", "photocopy", "halo", "clean", "clean"]
SHAPES_DEV = ["b", "e", "g", "i", "j", "k"]
SHAPES_HELDOUT = ["b", "e", "f", "g", "h", "i", "j", "k", "k", "b", "f", "h", "j", "e"]
HOCR_PRODUCERS = [("tesseract", "tesseract"), ("pdf2hocr", "tesseract"), ("pdf2hocr", "rapidocr")]
ALTO_PRODUCERS = [("tesseract", "tesseract"), ("pdfalto", "tesseract"), ("regional", "rapidocr-regions")]
DETECTOR_SETTINGS = [
    "",
    "Det.box_thresh=0.6",
    "Det.unclip_ratio=1.8 Det.score_mode=slow",
    "Global.text_score=0.4 Rec.rec_batch_num=8",
    "Det.limit_side_len=960",
    "Global.use_cls=false Det.thresh=0.25",
]
TESSERACT_EXTRAS = ["", "--dpi 150", "--dpi 600", "-c textord_tabfind_find_tables=0", "-c textord_heavy_nr=1",
                    "-c preserve_interword_spaces=1"]

# A Latin, digit or unit run that is never broken at a line end (68×136cm, 80/180/280元's numbers, Lot 1208)
LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%/:+×~\-]*")
# Marks that may not start a line (they hang in the margin) and marks that may not end one
NO_START = set("，。、；：？！）》”’」』…%·")
NO_END = set("（《“‘「『")
# A printed gap beside a Chinese mark (《秋山图》 纸本设色): the contract keeps no space there
SPACE_BY_MARK = re.compile(r"(?<=[，。、；：？！“”（）《》]) +| +(?=[，。、；：？！“”（）《》])")


# ---------------------------------------------------------------- sources and plan


def load_pieces() -> dict[str, dict]:
    pieces = {}
    for path in sorted(SOURCES.glob("*.toml")):
        for piece in tomllib.loads(path.read_text(encoding="utf-8"))["piece"]:
            pieces[piece["id"]] = piece
    return pieces


@dataclass
class Plan:
    name: str
    split: str
    design: str
    date: str
    paper: str
    page: str
    section: str
    scan: str
    rotation: float
    shape: str
    detector: str
    hocr: tuple[str, str]
    alto: tuple[str, str]
    langs: str
    psm: int
    extra: str
    seed: int


def make_plan() -> list[Plan]:
    split_rng = random.Random(SPLIT_SEED)
    dev = set()
    for design in dict.fromkeys(i[0] for i in ISSUES):
        dev.add(split_rng.choice([k for k, i in enumerate(ISSUES) if i[0] == design]))
    numbers = list(range(1, len(ISSUES) + 1))
    random.Random(NAME_SEED).shuffle(numbers)
    deal = random.Random(DEAL_SEED)
    dealt = {}
    for split, conditions, shapes in (("dev", CONDITIONS_DEV, SHAPES_DEV), ("heldout", CONDITIONS_HELDOUT, SHAPES_HELDOUT)):
        ks = [k for k in range(len(ISSUES)) if (k in dev) == (split == "dev")]
        conds, shps = conditions[:], shapes[:]
        deal.shuffle(conds)
        deal.shuffle(shps)
        hocrs = [HOCR_PRODUCERS[i % 3] for i in range(len(ks))]
        altos = [ALTO_PRODUCERS[i % 3] for i in range(len(ks))]
        deal.shuffle(hocrs)
        deal.shuffle(altos)
        for j, k in enumerate(ks):
            dealt[k] = (split, conds[j], shps[j], hocrs[j], altos[j])
    plans = []
    for k, (design, date, paper, page, section) in enumerate(ISSUES):
        split, cond, shape, hocr, alto = dealt[k]
        rng = random.Random(DEAL_SEED * 100 + k)
        rotation = 0.0 if cond == "clean" or rng.random() > 0.6 else round(rng.choice([-1, 1]) * rng.uniform(0.3, 2.0), 2)
        langs = "chi_sim+eng" if design in ("film", "art") or rng.random() < 0.3 else "chi_sim"
        plans.append(Plan(f"twelfth_{numbers[k]:02d}", split, design, date, paper, page, section, cond, rotation,
                          shape, rng.choice(DETECTOR_SETTINGS), hocr, alto, langs, rng.choice([3, 4, 6, 1]),
                          rng.choice(TESSERACT_EXTRAS), DEAL_SEED * 1000 + k))
    return sorted(plans, key=lambda p: p.name)


# ---------------------------------------------------------------- the sheet


@dataclass
class Printed:
    text: str
    box: tuple[int, int, int, int]


@dataclass
class Spec:
    """One line to set: its tokens, how it is set, and how tall it is."""

    tokens: list[str]
    kind: str  # text, last, head, bar, verse, right, centre
    face: str
    size: int
    height: int
    indent: int = 0


class Sheet:
    def __init__(self, body: int, rng: random.Random):
        self.img = Image.new("L", (WIDTH, 6000), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.body = body
        self.rng = rng
        self.printed: list[Printed] = []
        self.gold: list[str] = []
        self.regions: list[tuple[str, tuple[int, int, int, int]]] = []
        self._fonts: dict = {}

    def font(self, face: str, size: int) -> ImageFont.FreeTypeFont:
        key = (face, size)
        if key not in self._fonts:
            file, index = FACES[face]
            self._fonts[key] = ImageFont.truetype(str(FONT_DIR / file), size, index=index)
        return self._fonts[key]

    def width(self, token: str, face: str, size: int) -> float:
        return size * 0.5 if token == " " else self.font(face, size).getlength(token)

    # -- setting lines

    def wrap(self, text: str, width: int, face: str, size: int, indent: int = 0, hang: int = 0) -> list[list[str]]:
        """Break text into lines no wider than width: a Latin run whole, closing marks hang, opening marks move down."""
        tokens = tokenize(text)
        lines, line, used = [], [], indent
        for tok in tokens:
            w = self.width(tok, face, size)
            if line and used + w > width and tok not in NO_START:
                carry = []
                while line and line[-1] in NO_END:
                    carry.insert(0, line.pop())
                while line and line[-1] == " ":
                    line.pop()
                lines.append(line)
                line = [t for t in carry]
                used = hang + sum(self.width(t, face, size) for t in carry)
                if tok == " " and not line:
                    continue
            line.append(tok)
            used += w
        if line:
            lines.append(line)
        return lines

    def set_line(self, x: int, y: int, spec: Spec, width: int, fill: int = 0, stroke: int = 0) -> tuple:
        font = self.font(spec.face, spec.size)
        widths = [self.width(t, spec.face, spec.size) for t in spec.tokens]
        natural = sum(widths)
        gap = 0.0
        x0 = x + spec.indent
        if spec.kind == "text" and len(spec.tokens) > 1:
            gap = min(max(0.0, width - spec.indent - natural) / (len(spec.tokens) - 1), spec.size * 0.6)
        elif spec.kind in ("verse", "centre"):
            x0 = x + (width - natural) / 2
        elif spec.kind == "right":
            x0 = x + width - natural
        cx = x0
        for tok, w in zip(spec.tokens, widths, strict=True):
            if tok != " ":
                self.draw.text((cx, y), tok, font=font, fill=fill, stroke_width=stroke, stroke_fill=fill)
            cx += w + gap
        return (int(x0), int(y), math.ceil(cx - gap), int(y + spec.size * 1.12))

    def keep(self, line: str) -> None:
        """A gold line: printed gaps kept as one space, none beside a Chinese mark (the text contract)."""
        self.gold.append(SPACE_BY_MARK.sub("", line.strip()))

    def record(self, text: str, box: tuple) -> None:
        self.printed.append(Printed(text, tuple(int(v) for v in box)))

    # -- items

    def rule(self, x0: int, x1: int, y: int, weight: int = 2) -> None:
        self.draw.rectangle((x0, y, x1, y + weight - 1), fill=0)

    def vrule(self, x: int, y0: int, y1: int) -> None:
        self.draw.rectangle((x, y0, x + 1, y1), fill=0)

    def title_lines(self, title: str, width: int, size: int) -> list[list[str]]:
        """A title's printed lines: its phrases an em apart on one line, or broken at phrase ends."""
        phrases = title.split(" ")
        lines, cur = [], []
        for ph in phrases:
            trial = cur + ([" ", " "] if cur else []) + tokenize(ph)
            if cur and sum(self.width(t, "sans", size) for t in trial) > width:
                lines.append(cur)
                cur = tokenize(ph)
            else:
                cur = trial
        lines.append(cur)
        out = []
        for line in lines:
            if sum(self.width(t, "sans", size) for t in line) > width:
                out += self.wrap("".join(line), width, "sans", size)
            else:
                out.append(line)
        return out

    def head(self, x: int, y: int, width: int, piece: dict, size: float = 2.0, align: str = "left") -> int:
        """Kicker, title, deck, rating and byline, each its own gold line; returns the y under them."""
        b = self.body
        top = y
        kind = "centre" if align == "centre" else "left"
        if piece.get("kicker"):
            spec = Spec(tokenize(piece["kicker"]), kind, "sans", int(b * 0.9), 0)
            self.record(piece["kicker"], self.set_line(x, y, spec, width))
            self.keep(piece["kicker"])
            y += int(b * 1.5)
        tsize = int(b * size)
        for line in self.title_lines(piece["title"], width, tsize):
            spec = Spec(line, kind, "sans", tsize, 0)
            self.record("".join(line), self.set_line(x, y, spec, width, stroke=1))
            y += int(tsize * 1.3)
        self.keep(piece["title"])
        for key, face, scale in (("deck", "sans", 1.15), ("rating", "sans", 1.0), ("byline", "kai", 0.95)):
            if piece.get(key):
                for line in self.wrap(piece[key], width, face, int(b * scale)):
                    spec = Spec(line, kind, face, int(b * scale), 0)
                    self.record("".join(line), self.set_line(x, y, spec, width))
                    y += int(b * scale * 1.5)
                self.keep(piece[key])
        self.regions.append(("title", (x, top, x + width, y)))
        return y + int(b * 0.4)

    def vertical_title(self, x: int, y: int, piece: dict, size: float = 2.2) -> tuple[int, int]:
        """A 竖排 title: its glyphs one under another, a phrase gap an em; returns (right edge, bottom)."""
        tsize = int(self.body * size)
        font = self.font("sans", tsize)
        cy = y
        for ch in piece["title"]:
            if ch == " ":
                cy += tsize // 2
                continue
            w = font.getlength(ch)
            self.draw.text((x + (tsize - w) / 2, cy), ch, font=font, fill=0, stroke_width=1, stroke_fill=0)
            cy += int(tsize * 1.08)
        self.record(piece["title"].replace(" ", ""), (x, y, x + tsize, cy))
        self.keep(piece["title"])
        self.regions.append(("title", (x, y, x + tsize, cy)))
        return x + tsize, cy

    def body_specs(self, piece: dict, width: int, face: str, size: int, bar: bool = False) -> list[tuple[Spec, str | None]]:
        """Each printed line of a piece's body with the gold line it ends (None inside a paragraph)."""
        out: list[tuple[Spec, str | None]] = []
        lead = int(size * 1.6)
        paras = [p for p in piece.get("body", "").strip().split("\n") if p.strip()]
        for n, para in enumerate(paras):
            last_para = n == len(paras) - 1
            if para.startswith("## "):
                text = para[3:]
                if bar:
                    out.append((Spec(tokenize(text), "bar", "sans", size, int(size * 2.1), int(size * 0.5)), text))
                else:
                    out.append((Spec(tokenize(text), "head", "sans", int(size * 1.05), int(size * 1.9)), text))
                continue
            if para.startswith("% "):  # a continued-from line, printed, not in the gold
                out.append((Spec(tokenize(para[2:]), "left", face, size, lead), None))
                continue
            kind, indent, hang, text = "text", 2 * size, 0, para
            if para.startswith("- "):
                indent, hang, text = 0, size, para[2:]
            elif para.startswith("> "):
                kind, indent, text = "verse", 0, para[2:]
            elif para.startswith("@ "):
                kind, indent, text = "right", 0, para[2:]
            printed = text + (piece["jump"] if last_para and piece.get("jump") else "")
            lines = self.wrap(printed, width, face, size, indent, hang)
            for i, line in enumerate(lines):
                k = kind if kind != "text" else ("text" if i < len(lines) - 1 else "left")
                spec = Spec(line, k, face, size, lead, indent if i == 0 else hang)
                out.append((spec, text if i == len(lines) - 1 else None))
        if piece.get("sig"):
            out.append((Spec(tokenize(piece["sig"]), "right", face, size, lead), piece["sig"]))
        return out

    def columns(self, x: int, y: int, width: int, ncols: int, specs: list, gutter: int, rules: bool = False) -> int:
        """Set lines in ncols balanced columns left to right; returns the bottom."""
        colw = (width - gutter * (ncols - 1)) // ncols
        total = sum(s.height for s, _ in specs)
        target = math.ceil(total / ncols)
        cols, cur, h = [], [], 0
        for item in specs:
            if cur and h + item[0].height > target + item[0].height * 0.5 and len(cols) < ncols - 1:
                carry = [cur.pop()] if cur[-1][0].kind in ("bar", "head") else []  # no subhead at a column's foot
                cols.append(cur)
                cur, h = carry, sum(c[0].height for c in carry)
            cur.append(item)
            h += item[0].height
        cols.append(cur)
        bottom = y
        for c, col in enumerate(cols):
            cx = x + c * (colw + gutter)
            cy = y
            for spec, gold in col:
                cy = self.put_spec(cx, cy, colw, spec, gold)
            bottom = max(bottom, cy)
            self.regions.append(("text", (cx, y, cx + colw, cy)))
            if rules and c:
                self.vrule(cx - gutter // 2, y, y + target)
        return bottom

    def put_spec(self, x: int, y: int, width: int, spec: Spec, gold: str | None) -> int:
        if spec.kind == "bar":
            self.draw.rectangle((x, y + spec.size * 0.2, x + width, y + spec.size * 1.8), fill=0)
            box = self.set_line(x, y + int(spec.size * 0.35), spec, width, fill=255)
            self.record("".join(spec.tokens), box)
        elif spec.kind == "head":
            box = self.set_line(x, y + int(spec.size * 0.4), spec, width, stroke=1)
            self.record("".join(spec.tokens), box)
        else:
            self.record("".join(spec.tokens), self.set_line(x, y, spec, width))
        if gold is not None:
            self.keep(gold)
        return y + spec.height

    def story(self, x: int, y: int, width: int, piece: dict, ncols: int, face: str = "serif", size: int | None = None,
              bar: bool = False, rules: bool = False) -> int:
        size = size or self.body
        gutter = int(size * 1.2)
        colw = (width - gutter * (ncols - 1)) // ncols
        return self.columns(x, y, width, ncols, self.body_specs(piece, colw, face, size, bar), gutter, rules)

    def changing_story(self, x: int, y: int, width: int, piece: dict, split_at: int, face: str = "serif") -> int:
        """变栏: the first split_at paragraphs in two columns, the rest in three."""
        size = self.body
        gutter = int(size * 1.2)
        paras = [p for p in piece["body"].strip().split("\n") if p.strip()]
        upper = dict(piece, body="\n".join(paras[:split_at]), jump="", sig="")
        lower = dict(piece, body="\n".join(paras[split_at:]))
        y = self.columns(x, y, width, 2, self.body_specs(upper, (width - gutter) // 2, face, size), gutter, True)
        self.rule(x, x + width, y + size // 3, 1)
        y += size
        colw = (width - 2 * gutter) // 3
        return self.columns(x, y, width, 3, self.body_specs(lower, colw, face, size), gutter, True)

    def box(self, x: int, y: int, width: int, piece: dict, face: str = "sans", size: int | None = None,
            ncols: int = 1) -> int:
        """A framed box with a reversed label (its own gold line) and its lines inside."""
        size = size or int(self.body * 0.92)
        pad = int(size * 0.7)
        top = y
        zones = len(self.regions)  # a box is one zone: the zones of its inside are dropped below
        y += pad
        if piece.get("label"):
            spec = Spec(tokenize(piece["label"]), "left", "sans", int(size * 1.05), 0)
            w = sum(self.width(t, "sans", spec.size) for t in spec.tokens)
            self.draw.rectangle((x + pad - 6, y - 4, x + pad + w + 6, y + spec.size * 1.25), fill=0)
            self.record(piece["label"], self.set_line(x + pad, y, spec, width, fill=255))
            self.keep(piece["label"])
            y += int(size * 2.0)
        if piece.get("title"):
            y = self.head(x + pad, y, width - 2 * pad, {k: piece[k] for k in ("title", "byline") if k in piece}, 1.3)
        gutter = int(size * 1.2)
        colw = (width - 2 * pad - gutter * (ncols - 1)) // ncols
        if piece.get("rows"):
            y = self.table(x + pad, y, width - 2 * pad, piece["rows"], size)
        if piece.get("body"):
            y = self.columns(x + pad, y, width - 2 * pad, ncols, self.body_specs(piece, colw, face, size), gutter)
        if piece.get("notes"):
            for note in piece["notes"]:
                for line in self.wrap(note, width - 2 * pad, face, int(size * 0.9)):
                    spec = Spec(line, "left", face, int(size * 0.9), 0)
                    self.record("".join(line), self.set_line(x + pad, y, spec, width))
                    y += int(size * 1.45)
                self.keep(note)
        y += pad // 2
        self.draw.rectangle((x, top, x + width, y), outline=0, width=2)
        del self.regions[zones:]
        self.regions.append(("text", (x, top, x + width, y)))
        return y + int(self.body * 0.8)

    def table(self, x: int, y: int, width: int, rows: list[list[str]], size: int) -> int:
        """Rows with their cells in columns an em and a half apart; each row one gold line."""
        face = "mono"
        ncol = max(len(r) for r in rows)
        widths = [max(self.width_text(r[c], face, size) for r in rows if c < len(r)) for c in range(ncol)]
        gap = max(size * 1.0, (width - sum(widths)) / max(1, ncol - 1) if ncol > 1 else 0)
        gap = min(gap, size * 3.0)
        for n, row in enumerate(rows):
            cx = x
            x0 = x
            for c, cell in enumerate(row):
                face_c = "sans" if n == 0 else face
                self.draw.text((cx, y), cell, font=self.font(face_c, size), fill=0)
                cx += widths[c] + gap
            self.record(" ".join(row), (x0, y, int(cx - gap), int(y + size * 1.12)))
            self.keep(" ".join(row))
            y += int(size * 1.6)
            if n == 0:
                self.rule(x, x + width, y - int(size * 0.3), 1)
        return y + size // 2

    def width_text(self, text: str, face: str, size: int) -> float:
        return sum(self.width(t, face, size) for t in tokenize(text))

    def photo(self, x: int, y: int, w: int, h: int, caption: str | None) -> int:
        """A halftone picture (no glyph in it) and its caption, one gold line."""
        rng = np.random.default_rng(self.rng.randrange(1 << 30))
        field = np.zeros((h, w), np.float32)
        for _ in range(7):
            cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(w * 0.1, w * 0.4)
            yy, xx = np.ogrid[:h, :w]
            field += rng.uniform(0.3, 1.0) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
        field = field / field.max()
        yy, xx = np.mgrid[:h, :w]
        screen = (np.sin(xx * 0.9) * np.sin(yy * 0.9) + 1) / 2
        dots = np.where(field * 0.85 > screen, 0, 255).astype(np.uint8)
        self.img.paste(Image.fromarray(dots), (x, y))
        self.draw.rectangle((x, y, x + w, y + h), outline=0, width=1)
        y += h + int(self.body * 0.4)
        if caption:
            size = int(self.body * 0.85)
            top = y
            for line in self.wrap(caption, w, "kai", size):
                spec = Spec(line, "left", "kai", size, 0)
                self.record("".join(line), self.set_line(x, y, spec, w))
                y += int(size * 1.5)
            self.keep(caption)
            self.regions.append(("figure_caption", (x, top, x + w, y)))
        return y + int(self.body * 0.5)

    def sudoku(self, x: int, y: int, cell: int, seed: int) -> int:
        """A 数独 grid with its givens; the rows are printed lines, none in the gold."""
        rng = random.Random(seed)
        base = [[(r * 3 + r // 3 + c) % 9 + 1 for c in range(9)] for r in range(9)]
        font = self.font("sans", int(cell * 0.62))
        for r in range(10):
            wgt = 3 if r % 3 == 0 else 1
            self.draw.rectangle((x, y + r * cell, x + 9 * cell, y + r * cell + wgt - 1), fill=0)
            self.draw.rectangle((x + r * cell, y, x + r * cell + wgt - 1, y + 9 * cell), fill=0)
        for r in range(9):
            digits = ""
            for c in range(9):
                if rng.random() < 0.38:
                    d = str(base[r][c])
                    digits += d
                    self.draw.text((x + c * cell + cell * 0.3, y + r * cell + cell * 0.12), d, font=font, fill=0)
            self.record(digits, (x, y + r * cell, x + 9 * cell, y + (r + 1) * cell))
        self.regions.append(("figure", (x, y, x + 9 * cell, y + 9 * cell)))
        return y + 9 * cell + int(self.body * 0.6)

    def upside_down(self, x: int, y: int, width: int, text: str, size: int) -> int:
        """A line printed upside down (a riddle's answer): a gold line as printed text."""
        font = self.font("kai", size)
        w = int(font.getlength(text)) + 4
        tile = Image.new("L", (w, int(size * 1.3)), 255)
        ImageDraw.Draw(tile).text((2, 0), text, font=font, fill=0)
        tile = tile.rotate(180)
        px = x + max(0, (width - w) // 2)
        self.img.paste(tile, (px, y))
        self.record(text, (px, y, px + w, y + tile.height))
        self.regions.append(("text", (px, y, px + w, y + tile.height)))
        self.keep(text)
        return y + tile.height + size // 2

    def header(self, plan: Plan) -> int:
        b = self.body
        y = MARGIN
        big = int(b * 2.6)
        self.record(plan.page, self.set_line(MARGIN, y + big // 3, Spec(tokenize(plan.page), "left", "sans", b, 0), 400))
        self.keep(plan.page)
        sec = Spec(tokenize(plan.section), "left", "sans", big, 0)
        self.record(plan.section, self.set_line(MARGIN + int(b * 5.5), y, sec, 900, stroke=1))
        self.keep(plan.section)
        paper = Spec(tokenize(plan.paper), "right", "serif", int(b * 1.6), 0)
        self.record(plan.paper, self.set_line(WIDTH - MARGIN - 600, y + big // 5, paper, 600, stroke=1))
        self.keep(plan.paper)
        y += int(big * 1.5)
        year, month, day = (int(v) for v in plan.date.split("-"))
        weekday = WEEKDAYS[datetime.date(year, month, day).weekday()]
        date = f"{year}年{month}月{day}日 星期{weekday}"
        self.record(date, self.set_line(MARGIN, y, Spec(tokenize(date), "left", "sans", int(b * 0.85), 0), 900))
        self.keep(date)
        ed = EDITORS[plan.design]
        self.record(ed, self.set_line(WIDTH - MARGIN - 900, y, Spec(tokenize(ed), "right", "sans", int(b * 0.85), 0), 900))
        self.keep(ed)
        y += int(b * 1.4)
        self.rule(MARGIN, WIDTH - MARGIN, y, 5)
        self.rule(MARGIN, WIDTH - MARGIN, y + 9, 1)
        self.regions.append(("header", (MARGIN, MARGIN, WIDTH - MARGIN, y - 2)))
        return y + int(b * 1.2)

    def band(self, x0: int, x1: int, y: int, label: str) -> int:
        """A 栏目 band across the page: a grey bar with its label, one gold line."""
        b = self.body
        self.draw.rectangle((x0, y, x1, y + int(b * 1.9)), fill=200)
        self.draw.rectangle((x0, y, x0 + int(b * 0.5), y + int(b * 1.9)), fill=0)
        spec = Spec(tokenize(label), "left", "sans", int(b * 1.15), 0)
        self.record(label, self.set_line(x0 + int(b * 1.0), y + int(b * 0.3), spec, x1 - x0, stroke=1))
        self.keep(label)
        self.regions.append(("title", (x0, y, x1, y + int(b * 1.9))))
        return y + int(b * 2.6)

    def finish(self) -> Image.Image:
        bottom = max(p.box[3] for p in self.printed) + MARGIN
        return self.img.crop((0, 0, WIDTH, bottom))


def tokenize(text: str) -> list[str]:
    tokens, i = [], 0
    while i < len(text):
        m = LATIN_RUN.match(text, i)
        if m:
            tokens.append(m.group())
            i = m.end()
        else:
            tokens.append(text[i])
            i += 1
    return tokens


# ---------------------------------------------------------------- the six designs


def pieces_of(pieces: dict, plan: Plan) -> dict[str, dict]:
    key = f"{plan.design}-{plan.date[5:].replace('-', '')}"
    return {p["slot"]: p for p in pieces.values() if p["issue"] == key}


def two_halves(s: Sheet, L: int, R: int, y: int, left: dict, right: dict, scale: float,
               ncols: int) -> tuple[int, int, int, int]:
    """Two pieces side by side under a band, each its head then its story: the half width, the
    right half's left edge and the foot of each."""
    b = s.body
    half = (R - L - 2 * b) // 2
    y1 = s.story(L, s.head(L, y, half, left, scale), half, left, ncols)
    x2 = L + half + 2 * b
    y2 = s.story(x2, s.head(x2, y, half, right, scale), half, right, ncols)
    return half, x2, y1, y2


def close_halves(s: Sheet, L: int, R: int, y: int, half: int, y1: int, y2: int) -> int:
    """The rule between two halves and the rule under them; the y the page goes on at."""
    b = s.body
    s.vrule(L + half + b, y, max(y1, y2))
    y = max(y1, y2) + b // 2
    s.rule(L, R, y, 2)
    return y + b


def lay_film(s: Sheet, p: dict, y: int, variant: int) -> int:
    L, R = MARGIN, WIDTH - MARGIN
    b = s.body
    y = s.band(L, R, y, p["review1"].get("band", "影评"))
    half, _, y1, y2 = two_halves(s, L, R, y, p["review1"], p["review2"], 1.7, 2)
    y = close_halves(s, L, R, y, half, y1, y2)
    if variant % 2 == 0:  # the interview in five narrow columns, the listing box under it
        y = s.head(L, y, R - L, p["interview"], 2.1, "centre")
        y = s.story(L, y, R - L, p["interview"], 5, rules=True)
        y = s.box(L, y + b // 2, R - L, p["listing"], ncols=2)
    else:  # listing box at the left, interview in three columns at the right
        bw = int((R - L) * 0.34)
        yb = s.box(L, y, bw, p["listing"])
        x = L + bw + b
        yi = s.head(x, y, R - x, p["interview"], 1.9)
        yi = s.story(x, yi, R - x, p["interview"], 3)
        y = max(yb, yi)
    if "brief" in p:
        s.rule(L, R, y, 1)
        y = s.head(L, y + b // 2, R - L, p["brief"], 1.3)
        y = s.story(L, y, R - L, p["brief"], 4)
    return y


def lay_art(s: Sheet, p: dict, y: int, variant: int) -> int:
    L, R = MARGIN, WIDTH - MARGIN
    b = s.body
    # the auction report over the full width, three columns, the lot table in a box at its foot
    y = s.head(L, y, R - L, p["auction"], 2.1)
    y = s.story(L, y, R - L, p["auction"], 3)
    if "lots" in p:
        y = s.box(L, y, int((R - L) * 0.7), p["lots"])
    s.rule(L, R, y, 2)
    y += b
    # a picture and its caption at the left; the essay with its vertical title beside it
    pw = int((R - L) * 0.3)
    yp = s.photo(L, y, pw, int(pw * 1.35), p["essay"].get("caption"))
    if "painting2" in p:
        yp = s.photo(L, yp, pw, int(pw * 0.7), p["painting2"].get("caption"))
    x = L + pw + b * 2
    right, yv = s.vertical_title(x, y, p["essay"])
    x = right + b
    if p["essay"].get("byline"):
        spec = Spec(tokenize(p["essay"]["byline"]), "left", "kai", int(b * 0.95), 0)
        s.record(p["essay"]["byline"], s.set_line(x, y, spec, R - x))
        s.keep(p["essay"]["byline"])
        ye = y + int(b * 1.8)
    else:
        ye = y
    ye = s.story(x, ye, R - x, dict(p["essay"], byline=None), 2, face="kai" if variant % 2 else "serif")
    if "link" in p:
        ye = s.box(x, ye + b // 2, R - x, p["link"], face="serif")
    return max(yp, yv, ye)


def lay_farm(s: Sheet, p: dict, y: int, variant: int) -> int:
    L, R = MARGIN, WIDTH - MARGIN
    b = s.body
    y = s.head(L, y, R - L, p["essay"], 2.3, "centre")
    y = s.changing_story(L, y, R - L, p["essay"], p["essay"].get("split", 2))
    s.rule(L, R, y + b // 2, 2)
    y += int(b * 1.4)
    lw = int((R - L) * 0.6)
    yl = s.head(L, y, lw, p["tips"], 1.6)
    yl = s.story(L, yl, lw, p["tips"], 2)
    yr = s.box(L + lw + b, y, R - L - lw - b, p["weather"])
    y = max(yl, yr)
    if "prices" in p:
        s.rule(L, R, y, 1)
        y = s.box(L, y + b // 2, R - L, p["prices"], face="mono")
    return y


def lay_kids(s: Sheet, p: dict, y: int, variant: int) -> int:
    L, R = MARGIN, WIDTH - MARGIN
    b = s.body
    sw = int((R - L) * 0.25)
    small = int(b * 0.86)
    # the narrow left sidebar in a smaller face, read first (it stands left)
    ys = s.head(L, y, sw, p["riddles"], 1.4)
    ys = s.story(L, ys, sw, p["riddles"], 1, face="sans", size=small)
    answer = p["riddles"]["answer"]
    ys = s.upside_down(L, ys + b // 2, sw, answer, small) if variant % 2 == 0 else s.story(
        L, ys, sw, {"body": answer}, 1, face="sans", size=small)
    if "notice" in p:
        ys = s.box(L, ys + b // 2, sw, p["notice"], size=small)
    x = L + sw + b
    s.vrule(x - b // 2, y, max(ys, y + 200))
    ym = s.head(x, y, R - x, p["story"], 2.0)
    ym = s.story(x, ym, R - x, p["story"], 3, face="kai")
    s.rule(x, R, ym, 1)
    ym = s.head(x, ym + b // 2, R - x, p["essay"], 1.6)
    ym = s.story(x, ym, R - x, p["essay"], 2)
    return max(ys, ym)


def lay_hotline(s: Sheet, p: dict, y: int, variant: int) -> int:
    L, R = MARGIN, WIDTH - MARGIN
    b = s.body
    y = s.head(L, y, R - L, p["survey"], 2.2)
    cols = 5 if variant == 1 else 3
    y = s.story(L, y, R - L, p["survey"], cols, bar=True, rules=cols == 5)
    if "link" in p:
        y = s.box(L, y, int((R - L) * 0.62), p["link"], face="serif")
    s.rule(L, R, y, 2)
    y += b
    lw = int((R - L) * 0.58)
    yl = s.head(L, y, lw, p["calls"], 1.6)
    yl = s.story(L, yl, lw, p["calls"], 2)
    yr = s.head(L + lw + b, y, R - L - lw - b, p["reply"], 1.5)
    yr = s.story(L + lw + b, yr, R - L - lw - b, p["reply"], 1)
    s.vrule(L + lw + b // 2, y, max(yl, yr))
    return max(yl, yr)


def lay_games(s: Sheet, p: dict, y: int, variant: int) -> int:
    L, R = MARGIN, WIDTH - MARGIN
    b = s.body
    y = s.band(L, R, y, p["chess"].get("band", "棋艺"))
    half, x2, y1, y2 = two_halves(s, L, R, y, p["chess"], p["puzzle"], 1.6, 1)
    cell = min(int(half / 9.5), 62)
    y2 = s.sudoku(x2 + (half - 9 * cell) // 2, y2, cell, hash_seed(p["puzzle"]["id"]))
    if p["puzzle"].get("after"):
        y2 = s.story(x2, y2, half, {"body": p["puzzle"]["after"]}, 1, size=int(b * 0.9))
    y = close_halves(s, L, R, y, half, y1, y2)
    y = s.head(L, y, R - L, p["fitness"], 2.0, "centre")
    y = s.story(L, y, R - L, p["fitness"], 4 if variant % 2 else 3, bar=variant % 2 == 0)
    if "link" in p:
        y = s.box(L, y, R - L, p["link"], face="serif", ncols=2)
    return y


LAYOUTS = {"film": lay_film, "art": lay_art, "farm": lay_farm, "kids": lay_kids, "hotline": lay_hotline,
           "games": lay_games}


def hash_seed(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def render(plan: Plan, pieces: dict) -> tuple[Image.Image, Sheet, list[str]]:
    rng = random.Random(plan.seed)
    body = rng.choice([36, 37, 38, 39, 40])
    sheet = Sheet(body, rng)
    p = pieces_of(pieces, plan)
    y = sheet.header(plan)
    variant = int(plan.date[-2:]) % 3 if plan.design == "hotline" else int(plan.date[-2:])
    LAYOUTS[plan.design](sheet, p, y, variant)
    return sheet.finish(), sheet, sorted(x["id"] for x in p.values())


# ---------------------------------------------------------------- scan conditions


def scan_map(w: int, h: int, plan: Plan, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """For each scan pixel, the clean-sheet point it shows (rotation, then the condition's warp)."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w / 2, h / 2
    t = math.radians(plan.rotation)
    x = math.cos(t) * (xs - cx) + math.sin(t) * (ys - cy) + cx
    y = -math.sin(t) * (xs - cx) + math.cos(t) * (ys - cy) + cy
    if plan.scan == "keystone":  # shot from above the foot: the head of the page is narrower
        top = rng.uniform(0.92, 0.96)
        scale = top + (1 - top) * (y / h)
        x = cx + (x - cx) / scale
        y = y * rng.uniform(1.0, 1.02)
    elif plan.scan == "barrel":  # a short lens bulges the page: the edges are pulled in
        k = rng.uniform(0.025, 0.05)
        r2 = ((x - cx) ** 2 + (y - cy) ** 2) / (cx * cx + cy * cy)
        x = cx + (x - cx) * (1 + k * r2)
        y = cy + (y - cy) * (1 + k * r2)
    elif plan.scan == "cockle":  # a damp-waved sheet: lines bend gently up and down
        amp, wave, phase = rng.uniform(4, 8), rng.uniform(500, 800), rng.uniform(0, 6.28)
        y = y + amp * np.sin(2 * np.pi * x / wave + phase) * (0.7 + 0.3 * np.sin(2 * np.pi * y / (wave * 2.3)))
        x = x + amp * 0.3 * np.sin(2 * np.pi * y / (wave * 1.7))
    return x.astype(np.float32), y.astype(np.float32)


def scan(clean: Image.Image, plan: Plan) -> tuple[Image.Image, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(plan.seed)
    src = np.asarray(clean, dtype=np.uint8)
    h, w = src.shape
    mx, my = scan_map(w, h, plan, rng)
    img = cv2.remap(src, mx, my, cv2.INTER_LINEAR, borderValue=255).astype(np.float32)
    if plan.scan == "clean":
        return Image.fromarray(img.astype(np.uint8)), mx, my
    if plan.scan == "streaks":  # dirt on the scanner glass: thin dark lines down the whole page
        for _ in range(int(rng.integers(3, 7))):
            x0, width = int(rng.integers(40, w - 40)), int(rng.integers(1, 4))
            depth = rng.uniform(40, 110) * (0.7 + 0.3 * np.sin(np.linspace(0, rng.uniform(3, 9), h)))[:, None]
            img[:, x0:x0 + width] -= depth
        x0 = int(rng.integers(40, w - 40))
        img[:, x0:x0 + 3] += 60  # and one light one
    elif plan.scan == "photocopy":  # a copy of a copy: strokes thicken, contrast is boosted, toner specks
        for _ in range(2):
            img = cv2.erode(img, np.ones((2, 2), np.uint8))
            img = np.clip((img - 70) * 1.6, 0, 255)
            specks = rng.random(img.shape) < 0.0009
            img[specks] = rng.uniform(0, 90, specks.sum())
            img = cv2.GaussianBlur(img, (0, 0), 0.7)
        edge = np.linspace(60, 0, 90)
        img[:, :90] -= edge[None, :]
    elif plan.scan == "halo":  # over-sharpened: a bright ring round every stroke
        soft = cv2.GaussianBlur(img, (0, 0), 1.3)
        img = soft + 2.6 * (soft - cv2.GaussianBlur(soft, (0, 0), 3.0))
    img = cv2.GaussianBlur(np.clip(img, 0, 255), (0, 0), 0.5) + rng.normal(0, 2.0, img.shape)
    img = np.clip(img, 0, 255)
    if plan.scan == "foxing":  # brown age spots on a cream sheet, in colour
        paper = np.array([238, 230, 212], np.float32)
        rgb = (img[..., None] / 255.0) * paper
        spots = np.zeros((h, w), np.float32)
        for _ in range(int(rng.integers(25, 45))):
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            for _ in range(int(rng.integers(1, 5))):
                r = rng.uniform(3, 22)
                px, py = int(cx + rng.normal(0, 25)), int(cy + rng.normal(0, 25))
                cv2.circle(spots, (px, py), int(r), float(rng.uniform(0.3, 0.8)), -1)
        spots = cv2.GaussianBlur(spots, (0, 0), 4)[..., None]
        brown = np.array([150, 105, 62], np.float32)
        rgb = rgb * (1 - spots) + np.minimum(rgb, brown) * spots
        return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB"), mx, my
    return Image.fromarray(img.astype(np.uint8)), mx, my


# ---------------------------------------------------------------- engines


@dataclass
class Line:
    """An engine's line: text, confidence, four corners, and its words (text, confidence, box)."""

    text: str
    score: float
    poly: list[list[int]]
    words: list[tuple[str, float, list[list[int]]]] = field(default_factory=list)
    region: int = -1

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        xs, ys = [p[0] for p in self.poly], [p[1] for p in self.poly]
        return min(xs), min(ys), max(xs), max(ys)


def rapid_params(detector: str) -> dict:
    params = {"Global.return_word_box": True, "EngineConfig.onnxruntime.intra_op_num_threads": 1,
              "EngineConfig.onnxruntime.inter_op_num_threads": 1}
    for item in detector.split():
        key, value = item.split("=")
        params[key] = {"true": True, "false": False}.get(value, value)
        if isinstance(params[key], str):
            params[key] = float(value) if "." in value else int(value) if value.isdigit() else value
    return params


def run_rapidocr(image: np.ndarray, detector: str, offset=(0, 0), region: int = -1) -> list[Line]:
    from rapidocr import RapidOCR

    engine = RapidOCR(params=rapid_params(detector))
    out = engine(image)
    if out.txts is None:
        return []
    ox, oy = offset
    lines = []
    for n, (box, txt, score) in enumerate(zip(out.boxes, out.txts, out.scores, strict=True)):
        words = []
        if out.word_results and n < len(out.word_results) and out.word_results[n]:
            for wt, ws, wb in out.word_results[n]:
                if wb is not None and wt.strip():
                    words.append((wt, round(float(ws), 5), [[int(px) + ox, int(py) + oy] for px, py in wb]))
        lines.append(Line(txt, round(float(score), 5), [[round(float(px)) + ox, round(float(py)) + oy] for px, py in box],
                          words, region))
    return lines


def run_regions(image: np.ndarray, regions: list, mx: np.ndarray, my: np.ndarray,
                detector: str) -> tuple[list[Line], dict[int, tuple]]:
    """A region-first run: each zone cropped from the scan and recognised alone, lines in page coordinates;
    also each zone's (kind, crop box) on the scan."""
    lines, zones = [], {}
    for n, (kind, (x0, y0, x1, y1)) in enumerate(regions):
        if kind == "figure":  # a figure zone is kept as a picture, not recognised
            continue
        mask = (mx >= x0 - 6) & (mx <= x1 + 6) & (my >= y0 - 6) & (my <= y1 + 6)
        rows, cols = np.where(mask)
        if not len(rows):
            continue
        top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
        crop = np.ascontiguousarray(image[top:bottom, left:right])
        lines += run_rapidocr(crop, detector, (int(left), int(top)), n)
        zones[n] = (kind, (int(left), int(top), int(right), int(bottom)))
    return lines, zones


def run_tesseract(png: Path, plan: Plan, base: Path) -> None:
    cmd = ["tesseract", str(png), str(base), "-l", plan.langs, "--psm", str(plan.psm), *plan.extra.split(), "hocr", "alto"]
    subprocess.run(cmd, check=True, capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))


def tesseract_lines(hocr_path: Path) -> list[Line]:
    root = html.fromstring(hocr_path.read_bytes(), parser=html.HTMLParser(encoding="utf-8"))
    lines = []
    for el in root.iter():
        cls = (el.get("class") or "") if isinstance(el.tag, str) else ""
        if cls in ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"):
            words = []
            for w in el.iter():
                if isinstance(w.tag, str) and w.get("class") == "ocrx_word":
                    x0, y0, x1, y1 = title_bbox(w.get("title"))
                    conf = re.search(r"x_wconf (\d+)", w.get("title"))
                    words.append((w.text_content(), int(conf.group(1)) / 100 if conf else 0.9,
                                  [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]))
            words = [w for w in words if w[0].strip()]
            if words:
                x0, y0, x1, y1 = title_bbox(el.get("title"))
                text = " ".join(w[0] for w in words)
                lines.append(Line(text, sum(w[1] for w in words) / len(words), [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], words))
    return lines


def title_bbox(title: str) -> tuple[int, int, int, int]:
    return tuple(int(v) for v in re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", title).groups())


# ---------------------------------------------------------------- PP-OCR JSON shapes


def quad(line: Line) -> list[list[int]]:
    return [[int(x), int(y)] for x, y in line.poly]


def rect(line: Line) -> list[int]:
    return list(line.bbox)


def write_shape(shape: str, lines: list[Line], name: str, plan: Plan, zones: dict[int, tuple]) -> object:
    """The lines in one public shape; shape k also needs the zones of the region-first run."""
    params = rapid_params(plan.detector)
    det = {"limit_side_len": params.get("Det.limit_side_len", 736), "limit_type": "min",
           "thresh": params.get("Det.thresh", 0.3), "max_side_limit": 4000,
           "box_thresh": params.get("Det.box_thresh", 0.5), "unclip_ratio": params.get("Det.unclip_ratio", 1.6)}
    if shape in ("b", "f"):
        res = {"input_path": f"{name}.png", "page_index": None,
               "model_settings": {"use_doc_preprocessor": False, "use_textline_orientation": params.get("Global.use_cls", True)},
               "dt_polys": [quad(ln) for ln in lines], "text_det_params": det, "text_type": "general",
               "textline_orientation_angles": [-1] * len(lines),
               "text_rec_score_thresh": params.get("Global.text_score", 0.5)}
        if shape == "f":
            res["return_word_box"] = True
        res.update({"rec_texts": [ln.text for ln in lines], "rec_scores": [ln.score for ln in lines],
                    "rec_polys": [quad(ln) for ln in lines], "rec_boxes": [rect(ln) for ln in lines]})
        if shape == "f":
            res["text_word"] = [[w[0] for w in ln.words] for ln in lines]
            res["text_word_region"] = [[w[2] for w in ln.words] for ln in lines]
        return {"res": res}
    if shape == "e":
        return [[[quad(ln), [ln.text, ln.score]] for ln in lines]]
    if shape == "g":
        return [{"box": quad(ln), "txt": ln.text, "score": ln.score} for ln in lines]
    if shape == "h":
        return [{"transcription": ln.text, "points": quad(ln)} for ln in lines]
    if shape == "i":
        return {"code": 100, "data": [{"box": quad(ln), "score": ln.score, "text": ln.text} for ln in lines]}
    if shape == "j":
        data = []
        for n, ln in enumerate(lines):
            nxt = lines[n + 1] if n + 1 < len(lines) else None
            same_row = nxt is not None and abs((nxt.bbox[1] + nxt.bbox[3]) - (ln.bbox[1] + ln.bbox[3])) < (ln.bbox[3] - ln.bbox[1])
            data.append({"text": ln.text, "score": ln.score, "box": quad(ln), "end": " " if same_row else "\n"})
        return {"code": 100, "data": data, "time": 0.0, "timestamp": 0.0}
    if shape == "k":  # PP-Structure 2.x's result list (each region's 'img' popped), json.dump'ed
        regions: dict[int, list[Line]] = {}
        for ln in lines:
            regions.setdefault(ln.region, []).append(ln)
        out = []
        for n, (kind, box) in sorted(zones.items()):
            if n in regions:
                out.append({"type": kind, "bbox": list(box),
                            "res": [{"text": ln.text, "confidence": ln.score, "text_region": quad(ln)} for ln in regions[n]],
                            "img_idx": 0})
        return out
    raise ValueError(shape)


def read_shape(engine: object) -> list[tuple[str, list[list[float]]]]:
    """(text, corners) of each line of any shape this builder writes."""
    if isinstance(engine, dict) and "code" in engine:
        return [(r["text"], r["box"]) for r in engine.get("data") or []]
    if isinstance(engine, dict):
        res = engine["res"]
        return list(zip(res["rec_texts"], res["rec_polys"], strict=True))
    if engine and isinstance(engine[0], dict) and "res" in engine[0]:
        return [(r["text"], r["text_region"]) for region in engine for r in region["res"]]
    if engine and isinstance(engine[0], dict) and "transcription" in engine[0]:
        return [(r["transcription"], r["points"]) for r in engine]
    if engine and isinstance(engine[0], dict):
        return [(r["txt"], r["box"]) for r in engine]
    return [(row[1][0], row[0]) for row in (engine[0] if engine else [])]


# ---------------------------------------------------------------- hOCR and ALTO producers


def blocks_of(lines: list[Line]) -> list[list[Line]]:
    """Lines into blocks: a new block where a line does not sit under the one before."""
    blocks: list[list[Line]] = []
    for ln in lines:
        if blocks:
            prev = blocks[-1][-1]
            h = prev.bbox[3] - prev.bbox[1]
            overlap = min(prev.bbox[2], ln.bbox[2]) - max(prev.bbox[0], ln.bbox[0])
            if 0 <= ln.bbox[1] - prev.bbox[3] <= 1.2 * h and overlap > 0:
                blocks[-1].append(ln)
                continue
        blocks.append([ln])
    return blocks


def union(boxes) -> tuple[int, int, int, int]:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def glyphs(line: Line) -> list[tuple[str, tuple[int, int, int, int], float]]:
    """Each glyph of a line with a box: from its words, a word's box cut evenly among its glyphs."""
    out = []
    for text, conf, poly in line.words:
        x0, y0, x1, y1 = union([(p[0], p[1], p[0], p[1]) for p in poly])
        chars = [c for c in text if not c.isspace()]
        step = (x1 - x0) / max(1, len(chars))
        for i, c in enumerate(chars):
            out.append((c, (int(x0 + i * step), y0, int(x0 + (i + 1) * step), y1), conf))
    return out


def word_runs(line: Line) -> list[list[tuple]]:
    """A line's glyphs cut at the spaces of its text (a PDF text layer's words)."""
    gl = glyphs(line)
    runs, i = [[]], 0
    for ch in line.text:
        if ch.isspace():
            if runs[-1]:
                runs.append([])
            continue
        if i < len(gl):
            runs[-1].append(gl[i])
            i += 1
    return [r for r in runs if r]


def _xywh(box) -> str:
    return " ".join(str(int(v)) for v in box)


def write_pdf2hocr(lines: list[Line], size: tuple[int, int], source: str) -> bytes:
    """hOCR as archive-hocr-tools' pdf-to-hocr writes it from a searchable PDF's text layer."""
    producer = ("Tesseract 5.3.0 text layer" if source == "tesseract" else "RapidOCR 3.10.0 (PP-OCR) text layer")
    root = etree.Element("html", nsmap={None: "http://www.w3.org/1999/xhtml"})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    root.set("lang", "en")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title")
    etree.SubElement(head, "meta", {"http-equiv": "Content-Type", "content": "text/html;charset=utf-8"})
    etree.SubElement(head, "meta", {"name": "ocr-system", "content": f"pdf-to-hocr (archive-hocr-tools), PDF producer: {producer}"})
    etree.SubElement(head, "meta", {"name": "ocr-capabilities",
                                    "content": "ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf ocrp_lang ocrp_dir ocrp_font ocrp_fsize"})
    body = etree.SubElement(root, "body")
    page = etree.SubElement(body, "div", {"class": "ocr_page", "id": "page_000000",
                                          "title": f"bbox 0 0 {size[0]} {size[1]}; ppageno 0; image todo://todo; scan_res {DPI} {DPI}"})
    ids = Counter()

    def nid(kind):
        ids[kind] += 1
        return f"{kind}_000000_{ids[kind] - 1:06d}"

    for block in blocks_of(lines):
        bb = union(ln.bbox for ln in block)
        carea = etree.SubElement(page, "div", {"class": "ocr_carea", "title": f"bbox {_xywh(bb)}", "id": nid("block")})
        par = etree.SubElement(carea, "p", {"class": "ocr_par", "id": nid("par"), "title": f"bbox {_xywh(bb)}"})
        for ln in block:
            runs = word_runs(ln)
            if not runs:
                continue
            bottoms = [g[1][3] - ln.bbox[1] for r in runs for g in r]
            fsize = max(4, int((ln.bbox[3] - ln.bbox[1]) * 72 / DPI))
            span = etree.SubElement(par, "span", {"class": "ocr_line", "title": f"bbox {_xywh(ln.bbox)}; baseline 0.000000 {max(bottoms) - min(bottoms)}",
                                                  "id": nid("line")})
            for run in runs:
                wb = union(g[1] for g in run)
                word = etree.SubElement(span, "span", {"class": "ocrx_word", "id": nid("word"),
                                                       "title": f"bbox {_xywh(wb)}; x_wconf 100; x_fsize {fsize}"})
                for ch, gb, _conf in run:
                    c = etree.SubElement(word, "span", {"class": "ocrx_cinfo", "title": f"x_bboxes {_xywh(gb)}; x_confs 100.0"})
                    c.text = ch
    doc = etree.tostring(root, encoding="utf-8").decode()
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n' + doc).encode()


ALTO3 = "http://www.loc.gov/standards/alto/ns-v3#"
ALTO4 = "http://www.loc.gov/standards/alto/ns-v4#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def alto_root(namespace: str, schema: str, file_name: str):
    """An ALTO document's root and its Description (pixels, the source image's file name): the
    namespace's tag prefix, the root and the Description, for the writer to go on."""
    A = f"{{{namespace}}}"
    root = etree.Element(A + "alto", nsmap={None: namespace, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{namespace} {schema}")
    desc = etree.SubElement(root, A + "Description")
    etree.SubElement(desc, A + "MeasurementUnit").text = "pixel"
    info = etree.SubElement(desc, A + "sourceImageInformation")
    etree.SubElement(info, A + "fileName").text = file_name
    return A, root, desc


def write_pdfalto(lines: list[Line], size: tuple[int, int], name: str) -> bytes:
    """ALTO as pdfalto writes it from a searchable PDF: v3, coordinates in PDF points (floats), SP between words."""
    pt = 72 / DPI  # pdfalto writes PDF points, two decimals
    A, root, desc = alto_root(ALTO3, "http://www.loc.gov/alto/v3/alto-3-0.xsd", f"{name}.pdf")
    proc = etree.SubElement(etree.SubElement(desc, A + "OCRProcessing", ID="IdOcr"), A + "ocrProcessingStep")
    etree.SubElement(proc, A + "processingDateTime").text = "2026-06-01"
    sw = etree.SubElement(proc, A + "processingSoftware")
    etree.SubElement(sw, A + "softwareCreator").text = "CONTENTPRO"
    etree.SubElement(sw, A + "softwareName").text = "pdfalto"
    etree.SubElement(sw, A + "softwareVersion").text = "0.5"
    styles = etree.SubElement(root, A + "Styles")
    sizes = sorted({max(4, round((ln.bbox[3] - ln.bbox[1]) * pt)) for ln in lines})
    for s in sizes:
        etree.SubElement(styles, A + "TextStyle", ID=f"font{s}", FONTFAMILY="glyphlessfont", FONTSIZE=f"{s:.2f}",
                         FONTTYPE="sans-serif", FONTWIDTH="proportional", FONTCOLOR="#000000", FONTSTYLE="")
    layout = etree.SubElement(root, A + "Layout")
    page = etree.SubElement(layout, A + "Page", ID="Page1", PHYSICAL_IMG_NR="1", WIDTH=f"{size[0] * pt:.2f}",
                            HEIGHT=f"{size[1] * pt:.2f}")
    space = etree.SubElement(page, A + "PrintSpace")
    ids = Counter()

    def pos(box):
        return {"HPOS": f"{box[0] * pt:.2f}", "VPOS": f"{box[1] * pt:.2f}", "WIDTH": f"{(box[2] - box[0]) * pt:.2f}",
                "HEIGHT": f"{(box[3] - box[1]) * pt:.2f}"}

    for block in blocks_of(lines):
        ids["b"] += 1
        tb = etree.SubElement(space, A + "TextBlock", ID=f"p1_b{ids['b']}", **pos(union(ln.bbox for ln in block)))
        for ln in block:
            runs = word_runs(ln)
            if not runs:
                continue
            ids["t"] += 1
            tl = etree.SubElement(tb, A + "TextLine", ID=f"p1_t{ids['t']}", **pos(ln.bbox))
            style = f"font{max(4, round((ln.bbox[3] - ln.bbox[1]) * pt))}"
            for i, run in enumerate(runs):
                wb = union(g[1] for g in run)
                if i:
                    prev = union(g[1] for g in runs[i - 1])
                    etree.SubElement(tl, A + "SP", WIDTH=f"{max(0, wb[0] - prev[2]) * pt:.2f}", VPOS=f"{wb[1] * pt:.2f}",
                                     HPOS=f"{prev[2] * pt:.2f}")
                ids["w"] += 1
                etree.SubElement(tl, A + "String", ID=f"p1_w{ids['w']}", CONTENT="".join(g[0] for g in run),
                                 STYLEREFS=style, **pos(wb))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def write_regional(lines: list[Line], size: tuple[int, int], regions: list) -> bytes:
    """ALTO v4 from a region-first workflow: a ComposedBlock per zone, a String per word with a Glyph per glyph."""
    A, root, desc = alto_root(ALTO4, "http://www.loc.gov/alto/v4/alto-4-2.xsd", "page.png")
    proc = etree.SubElement(desc, A + "Processing", ID="proc1")
    etree.SubElement(proc, A + "processingCategory").text = "contentGeneration"
    etree.SubElement(proc, A + "processingStepDescription").text = "manual zoning, each zone recognised alone"
    sw = etree.SubElement(proc, A + "processingSoftware")
    etree.SubElement(sw, A + "softwareName").text = "region-first zoning workflow, RapidOCR"
    etree.SubElement(sw, A + "softwareVersion").text = "3.10.0 (PP-OCR)"
    layout = etree.SubElement(root, A + "Layout")
    page = etree.SubElement(layout, A + "Page", ID="P1", PHYSICAL_IMG_NR="1", WIDTH=str(size[0]), HEIGHT=str(size[1]))
    space = etree.SubElement(page, A + "PrintSpace")

    def pos(box):
        return {"HPOS": str(box[0]), "VPOS": str(box[1]), "WIDTH": str(box[2] - box[0]), "HEIGHT": str(box[3] - box[1])}

    by_region: dict[int, list[Line]] = {}
    for ln in lines:
        by_region.setdefault(ln.region, []).append(ln)
    n_str = 0
    for r, (kind, _box) in enumerate(regions):
        if r not in by_region:
            continue
        rl = by_region[r]
        bb = union(ln.bbox for ln in rl)
        cb = etree.SubElement(space, A + "ComposedBlock", ID=f"CB{r + 1}", TYPE={"title": "Heading"}.get(kind, "Text"), **pos(bb))
        tb = etree.SubElement(cb, A + "TextBlock", ID=f"TB{r + 1}", **pos(bb))
        for k, ln in enumerate(rl):
            tl = etree.SubElement(tb, A + "TextLine", ID=f"TL{r + 1}_{k + 1}", **pos(ln.bbox))
            runs = word_runs(ln)
            for i, run in enumerate(runs):
                wb = union(g[1] for g in run)
                if i:
                    prev = union(g[1] for g in runs[i - 1])
                    etree.SubElement(tl, A + "SP", HPOS=str(prev[2]), VPOS=str(wb[1]), WIDTH=str(max(1, wb[0] - prev[2])))
                n_str += 1
                conf = sum(g[2] for g in run) / len(run)
                st = etree.SubElement(tl, A + "String", ID=f"S{n_str}", CONTENT="".join(g[0] for g in run),
                                      WC=f"{conf:.3f}", **pos(wb))
                for ch, gb, gc in run:
                    etree.SubElement(st, A + "Glyph", CONTENT=ch, GC=f"{gc:.3f}", **pos(gb))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def hocr_texts(path: Path) -> list[str]:
    root = html.fromstring(path.read_bytes(), parser=html.HTMLParser(encoding="utf-8"))
    return [e.text_content() for e in root.iter() if isinstance(e.tag, str) and "ocrx_word" in (e.get("class") or "").split()]


def alto_texts(path: Path) -> list[str]:
    return [e.get("CONTENT") for e in etree.parse(str(path)).getroot().iter() if str(e.tag).endswith("}String")]


# ---------------------------------------------------------------- reading order and floors


def order_lines(engine: list[tuple[str, list]], printed: list[Printed], mx: np.ndarray, my: np.ndarray) -> list[str]:
    """The engine's lines sorted by the rank of the printed line under each box's centre, then left to right."""
    h, w = mx.shape
    keyed = []
    for text, poly in engine:
        cx = sum(p[0] for p in poly) / len(poly)
        cy = sum(p[1] for p in poly) / len(poly)
        ix, iy = min(w - 1, max(0, round(cx))), min(h - 1, max(0, round(cy)))
        px, py = float(mx[iy, ix]), float(my[iy, ix])
        best, best_key = None, None
        for rank, pr in enumerate(printed):
            x0, y0, x1, y1 = pr.box
            pad = (y1 - y0) / 3
            inside = x0 - pad <= px <= x1 + pad and y0 - pad <= py <= y1 + pad
            dist = math.hypot(max(x0 - px, 0, px - x1), max(y0 - py, 0, py - y1))
            key = (0, (x1 - x0) * (y1 - y0)) if inside else (1, dist)
            if best_key is None or key < best_key:
                best, best_key = rank, key
        keyed.append((best, px, text))
    return [t for _, _, t in sorted(keyed, key=lambda k: (k[0], k[1]))]


def floor(gold: str, texts: list[str]) -> tuple[int, int]:
    g = Counter(c for c in gold if not c.isspace())
    r = Counter(c for c in "".join(texts) if not c.isspace())
    return sum((g - r).values()), sum((r - g).values())


# ---------------------------------------------------------------- the build


FIELDS = ["name", "split", "paper", "issue_date", "page", "section", "design", "body_face", "body_pt", "dpi", "scan",
          "rotation_deg", "json_shape", "detector_settings", "hocr_producer", "hocr_from", "alto_producer", "alto_from",
          "tesseract_langs", "tesseract_psm", "tesseract_extra", "features", "stories", "gold_chars",
          "ocr_missing", "ocr_extra", "ocr_floor", "hocr_missing", "hocr_extra", "hocr_floor",
          "alto_missing", "alto_extra", "alto_floor"]
FEATURES = {"film": "rubric_band_two_stories star_ratings listing_box interview",
            "art": "vertical_title photo_captions auction_lots related_link_box",
            "farm": "changing_columns verse_proverbs weather_box price_strip",
            "kids": "narrow_left_sidebar riddles kai_story pupil_essay",
            "hotline": "reversed_bar_subheads related_link_box call_summaries department_reply",
            "games": "rubric_band_two_stories chess_notation sudoku_grid fitness_steps"}


def build_page(plan: Plan, pieces: dict, out: Path, image_dir: Path, ocr: bool) -> dict:
    clean, sheet, stories = render(plan, pieces)
    folder = out / plan.split
    folder.mkdir(parents=True, exist_ok=True)
    gold = "\n".join(sheet.gold) + "\n"
    (folder / f"{plan.name}.gold.txt").write_text(gold, encoding="utf-8")
    rng = np.random.default_rng(plan.seed)
    h, w = clean.height, clean.width
    mx, my = scan_map(w, h, plan, rng)
    if ocr:
        image_dir.mkdir(parents=True, exist_ok=True)
        clean.save(image_dir / f"{plan.name}.clean.png")
        scanned, mx, my = scan(clean, plan)
        png = image_dir / f"{plan.name}.png"
        scanned.save(png)
        arr = np.asarray(scanned.convert("RGB"))[:, :, ::-1].copy()
        run_page_ocr(plan, arr, png, mx, my, sheet.regions, folder, (w, h), image_dir)
    engine = json.loads((folder / f"{plan.name}.paddle.json").read_text(encoding="utf-8"))
    lines = read_shape(engine)
    ordered = order_lines(lines, sheet.printed, mx, my)
    (folder / f"{plan.name}.txt").write_text("\n".join(ordered) + "\n", encoding="utf-8")
    om, oe = floor(gold, [t for t, _ in lines])
    hm, he = floor(gold, hocr_texts(folder / f"{plan.name}.hocr"))
    am, ae = floor(gold, alto_texts(folder / f"{plan.name}.alto.xml"))
    n = sum(1 for c in gold if not c.isspace())
    return {"name": plan.name, "split": plan.split, "paper": plan.paper, "issue_date": plan.date, "page": plan.page,
            "section": plan.section, "design": plan.design, "body_face": "kai" if plan.design in ("kids",) else "serif",
            "body_pt": f"{sheet.body * 72 / DPI:.1f}", "dpi": DPI, "scan": plan.scan, "rotation_deg": plan.rotation,
            "json_shape": plan.shape, "detector_settings": plan.detector, "hocr_producer": plan.hocr[0],
            "hocr_from": plan.hocr[1], "alto_producer": plan.alto[0], "alto_from": plan.alto[1],
            "tesseract_langs": plan.langs, "tesseract_psm": plan.psm, "tesseract_extra": plan.extra,
            "features": FEATURES[plan.design], "stories": " ".join(stories), "gold_chars": n,
            "ocr_missing": om, "ocr_extra": oe, "ocr_floor": f"{(om + oe) / n:.4f}",
            "hocr_missing": hm, "hocr_extra": he, "hocr_floor": f"{(hm + he) / n:.4f}",
            "alto_missing": am, "alto_extra": ae, "alto_floor": f"{(am + ae) / n:.4f}"}


def run_page_ocr(plan: Plan, arr: np.ndarray, png: Path, mx, my, regions, folder: Path, size, image_dir: Path) -> None:
    needs_regions = plan.shape == "k" or plan.alto[0] == "regional"
    whole = run_rapidocr(arr, plan.detector) if plan.shape != "k" else []
    region_lines, zones = run_regions(arr, regions, mx, my, plan.detector) if needs_regions else ([], {})
    json_lines = region_lines if plan.shape == "k" else whole
    shape = write_shape(plan.shape, json_lines, plan.name, plan, zones)
    (folder / f"{plan.name}.paddle.json").write_text(json.dumps(shape, ensure_ascii=False) + "\n", encoding="utf-8")
    base = image_dir / f"{plan.name}.tess"
    run_tesseract(png, plan, base)
    tess = tesseract_lines(Path(f"{base}.hocr"))
    if plan.hocr == ("tesseract", "tesseract"):
        (folder / f"{plan.name}.hocr").write_bytes(Path(f"{base}.hocr").read_bytes())
    else:
        src = tess if plan.hocr[1] == "tesseract" else json_lines
        (folder / f"{plan.name}.hocr").write_bytes(write_pdf2hocr(src, size, plan.hocr[1]))
    if plan.alto[0] == "tesseract":
        (folder / f"{plan.name}.alto.xml").write_bytes(Path(f"{base}.xml").read_bytes())
    elif plan.alto[0] == "pdfalto":
        (folder / f"{plan.name}.alto.xml").write_bytes(write_pdfalto(tess, size, plan.name))
    else:
        (folder / f"{plan.name}.alto.xml").write_bytes(write_regional(region_lines, size, regions))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plan", action="store_true")
    ap.add_argument("--split")
    ap.add_argument("--only")
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--font-dir")
    ap.add_argument("--out")
    ap.add_argument("--image-dir")
    args = ap.parse_args(argv)
    global FONT_DIR
    if args.font_dir:
        FONT_DIR = Path(args.font_dir)
    out = Path(args.out) if args.out else OUT
    image_dir = Path(args.image_dir) if args.image_dir else IMAGE_DIR
    plans = make_plan()
    if args.plan:
        for p in plans:
            print(p.name, p.split, p.design, p.date, p.scan, p.rotation, p.shape, p.detector or "defaults", p.hocr, p.alto,
                  p.langs, p.psm, p.extra)
        return 0
    pieces = load_pieces()
    rows = {}
    manifest = out / "manifest.csv"
    if manifest.is_file():
        rows = {r["name"]: r for r in csv.DictReader(manifest.open(encoding="utf-8"))}
    for plan in plans:
        if (args.split and plan.split != args.split) or (args.only and plan.name != args.only):
            continue
        if args.no_ocr and not (out / plan.split / f"{plan.name}.paddle.json").is_file():
            continue
        print(plan.name, plan.design, plan.date, plan.scan, file=sys.stderr, flush=True)
        rows[plan.name] = build_page(plan, pieces, out, image_dir, not args.no_ocr)
    out.mkdir(parents=True, exist_ok=True)
    with manifest.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        writer.writeheader()
        for name in sorted(rows):
            writer.writerow(rows[name])
    return 0


if __name__ == "__main__":
    sys.exit(main())
