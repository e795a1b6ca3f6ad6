"""Build the eleventh evaluation set (tests/eval_eleventh/): render pages of 凫川 papers from the
pieces in tools/eleventh_sources/, scan them with one fault each, read them with PP-OCR (RapidOCR)
and Tesseract, write each engine's file in a producer's form, the gold, NAME.txt and manifest.csv.

Seeded and deterministic. `--no-ocr` remakes gold, NAME.txt and the manifest from the engine files
already in `--out` (the scans' geometry is recomputed from the seeds, no image is needed).
See tests/eval_eleventh/README.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "eleventh_sources"
SPLIT_SEED, NAME_SEED, DEAL_SEED = 1111, 2111, 3111
DPI = 300
FACES = {
    "serif": "NotoSerifCJKsc-Regular.otf",
    "sans": "NotoSansCJKsc-Regular.otf",
    "light": "NotoSansCJKtc-Light.otf",
    "kai": "LXGWWenKai-Regular.ttf",
    "mono": "LXGWWenKaiMono-Regular.ttf",
}
FACE_NAMES = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC", "light": "Noto Sans CJK TC Light",
              "kai": "LXGW WenKai", "mono": "LXGW WenKai Mono"}

# Issues: design -> (paper, page label, section, dates). One issue of each design is dev.
ISSUES = {
    "estate": ("凫川日报", "第A6版", "房产·家居", ["2026-05-08", "2026-05-15", "2026-05-22", "2026-05-29"]),
    "travel": ("凫川晚报", "第B3版", "周末出行", ["2026-05-09", "2026-05-16", "2026-05-23", "2026-05-30"]),
    "auto": ("凫川日报", "第A9版", "汽车·消费", ["2026-05-12", "2026-05-19", "2026-05-26"]),
    "food": ("凫川晚报", "第B7版", "美食", ["2026-05-10", "2026-05-17", "2026-05-24"]),
    "exam": ("凫川日报", "第A5版", "教育·招考", ["2026-05-13", "2026-05-20", "2026-05-27"]),
    "elder": ("凫川晚报", "第B6版", "社区·老年", ["2026-05-11", "2026-05-18", "2026-05-25"]),
}
EDITORS = {"estate": "责任编辑：滕远舟 美编：乔溪", "travel": "编辑：左岚 版式：贺一苇", "auto": "责任编辑：骆川 校对：方晴",
           "food": "编辑：苏禾 美编：聂小满", "exam": "责任编辑：邵明理 校对：钱知秋", "elder": "编辑：温如海 美编：乔溪"}
WEEKDAYS = "一二三四五六日"
DEV_FAULTS = ["misreg", "stitch", "motion", "washed", "texture", "clean"]
HELD_FAULTS = ["misreg", "misreg", "misreg", "stitch", "stitch", "motion", "motion", "washed", "washed",
               "texture", "texture", "texture", "clean", "clean"]
DEV_SHAPES = ["a", "b", "f", "g", "i", "j"]
HELD_SHAPES = ["a", "a", "b", "b", "e", "e", "f", "g", "g", "h", "h", "i", "j", "j"]
DETECTOR = ["defaults", "Global.text_score=0.3", "Det.unclip_ratio=2.0", "Det.thresh=0.2 Det.box_thresh=0.4",
            "Global.use_cls=false", "Det.limit_type=max Det.limit_side_len=2000 Global.max_side_len=3000",
            "Det.use_dilation=false Rec.rec_batch_num=12"]
# (hocr_producer, hocr_from), (alto_producer, alto_from)
DEV_PRODUCERS = [(("tesseract", "tesseract"), ("tesseract", "tesseract")),
                 (("gcv2hocr", "rapidocr"), ("escriptorium", "rapidocr")),
                 (("typed", "tesseract"), ("charlevel", "rapidocr")),
                 (("typed", "rapidocr"), ("escriptorium", "tesseract")),
                 (("tesseract", "tesseract"), ("charlevel", "tesseract")),
                 (("gcv2hocr", "rapidocr"), ("tesseract", "tesseract"))]
HELD_PRODUCERS = DEV_PRODUCERS * 2 + [(("typed", "tesseract"), ("escriptorium", "rapidocr")),
                                      (("typed", "rapidocr"), ("charlevel", "rapidocr"))]
DEV_PSM = [3, 4, 6, 6, 11, 3]
HELD_PSM = [3, 3, 4, 4, 4, 6, 6, 6, 6, 3, 4, 6, 12, 3]
CLOSE = "，。、；：？！”’）》」』】…"  # never starts a line: it hangs in the margin
OPEN = "“‘（《「『【"  # never ends a line: it moves down
RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:/%+\-—~·]*|[^\S\n]|.")  # a Latin/digit run is one token


def pt(points: float) -> int:
    return round(points / 72 * DPI)


# ---------------------------------------------------------------- sources and plan
def load_pieces() -> dict[str, dict]:
    pieces = {}
    for path in sorted(SOURCES.glob("*.toml")):
        for piece in tomllib.loads(path.read_text(encoding="utf-8"))["piece"]:
            piece["design"] = path.stem
            pieces[piece["id"]] = piece
    return pieces


@dataclass
class Plan:
    name: str
    split: str
    design: str
    issue: str
    fault: str
    rotation: float
    shape: str
    detector: str
    hocr: tuple[str, str]
    alto: tuple[str, str]
    psm: int
    langs: str
    preserve: int
    char_boxes: int
    body_pt: float
    seed: int


def make_plan() -> list[Plan]:
    issues = [(d, date) for d, (_, _, _, dates) in ISSUES.items() for date in dates]
    split_rng = random.Random(SPLIT_SEED)
    dev = {(d, split_rng.choice(dates)) for d, (_, _, _, dates) in ISSUES.items()}
    names = list(range(1, len(issues) + 1))
    random.Random(NAME_SEED).shuffle(names)
    deal = random.Random(DEAL_SEED)
    plans = []
    for split, faults, shapes, producers, psms in (("dev", DEV_FAULTS, DEV_SHAPES, DEV_PRODUCERS, DEV_PSM),
                                                   ("heldout", HELD_FAULTS, HELD_SHAPES, HELD_PRODUCERS, HELD_PSM)):
        chosen = [i for i in issues if (i in dev) == (split == "dev")]
        faults, shapes, producers, psms = (deal.sample(x, len(x)) for x in (faults, shapes, producers, psms))
        for k, (design, date) in enumerate(chosen):
            fault = faults[k]
            rotation = 0.0
            if fault != "clean" and deal.random() < 0.6:
                rotation = round(deal.choice((-1, 1)) * deal.uniform(0.3, 2.0), 2)
            latin = design in ("auto", "travel") or deal.random() < 0.3
            plans.append(Plan(
                name=f"eleventh_{names[issues.index((design, date))]:02d}", split=split, design=design, issue=date,
                fault=fault, rotation=rotation, shape=shapes[k],
                detector="qingyang ocr (defaults)" if shapes[k] == "a" else deal.choice(DETECTOR),
                hocr=producers[k][0], alto=producers[k][1], psm=psms[k],
                langs="chi_sim+eng" if latin else "chi_sim", preserve=int(deal.random() < 0.4),
                char_boxes=int(deal.random() < 0.3),
                body_pt=round(deal.uniform(12.0, 13.0) if design == "elder" else deal.uniform(9.2, 10.2), 1),
                seed=deal.randrange(10**9)))
    return sorted(plans, key=lambda p: p.name)


# ---------------------------------------------------------------- typesetting
@dataclass
class Printed:
    box: tuple[int, int, int, int]
    text: str
    gold: bool = True


@dataclass
class Sheet:
    width: int
    font_dir: Path
    draw_ink: bool = True
    lines: list[Printed] = field(default_factory=list)
    gold: list[str] = field(default_factory=list)
    ops: list = field(default_factory=list)  # drawing calls, replayed onto an image at the end
    _fonts: dict = field(default_factory=dict)

    def font(self, face: str, px: int):
        from PIL import ImageFont
        key = (face, px)
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(str(self.font_dir / FACES[face]), px)
        return self._fonts[key]

    def width_of(self, text: str, face: str, px: int) -> float:
        return self.font(face, px).getlength(text)

    def put(self, x: float, y: float, text: str, face: str, px: int, bold: bool = False, fill: int = 0) -> None:
        self.ops.append(("text", round(x), round(y), text, face, px, bold, fill))

    def rect(self, box, fill=None, outline=None, width=1) -> None:
        self.ops.append(("rect", tuple(round(v) for v in box), fill, outline, width))

    def photo(self, box, seed: int, mask=None) -> None:
        self.ops.append(("photo", tuple(round(v) for v in box), seed, mask))

    def record(self, box, text: str, gold: bool = True) -> None:
        self.lines.append(Printed(tuple(round(v) for v in box), text, gold))

    # ---- one line of tokens, justified to width when asked
    def set_tokens(self, x0: float, y: float, tokens: list[str], width: float, face: str, px: int,
                   justify: bool, bold: bool = False, gold: bool = True, align: str = "left") -> float:
        widths = [self.width_of(t, face, px) for t in tokens]
        while tokens and tokens[-1] == " ":
            tokens, widths = tokens[:-1], widths[:-1]
        natural = sum(widths[:-1]) + (widths[-1] if tokens and tokens[-1] not in CLOSE else 0)
        gap = 0.0
        if justify and len(tokens) > 1:
            gap = min(max(width - natural, 0) / (len(tokens) - 1), 0.6 * px)
        x = x0
        if align == "right":
            x = x0 + width - sum(widths)
        elif align == "centre":
            x = x0 + (width - sum(widths)) / 2
        left = x
        for tok, w in zip(tokens, widths, strict=False):
            if tok != " ":
                self.put(x, y, tok, face, px, bold)
            x += w + gap
        self.record((left, y, x - gap, y + px), "".join(tokens), gold)
        return x - gap


def tokenise(text: str) -> list[str]:
    return RUN.findall(text)


def break_line(tokens: list[str], start: int, width: float, measure) -> int:
    """The index after the last token of the line starting at `start` (禁则 applied)."""
    used, i = 0.0, start
    while i < len(tokens):
        w = measure(tokens[i])
        if used + w <= width or i == start:
            used += w
            i += 1
            continue
        if tokens[i] in CLOSE:  # hang a closing mark in the margin
            i += 1
        elif i - 1 > start and tokens[i - 1] in OPEN:  # an opening mark goes down with its word
            i -= 1
        break
    return i


@dataclass
class Frame:
    x0: float
    x1: float
    y0: float
    y1: float
    cut: object = None  # (y_top, y_bottom) -> x where a cut-out photo starts (None: full width)

    def span(self, y: float, px: int) -> tuple[float, float]:
        right = self.x1
        if self.cut is not None:
            right = min(right, self.cut(y, y + px))
        return self.x0, right


@dataclass
class Item:
    kind: str  # p: paragraph (indent 2 em), l: a line as printed, sub: subhead, sig: set right, c: centred
    text: str
    gold: bool = True


def flow(sheet: Sheet, items: list[Item], frames: list[Frame], face: str, px: int, lead: float,
         dry: bool = False) -> tuple[bool, float]:
    """Set items through frames top to bottom, frame after frame; (all fitted, lowest y)."""
    measure = lambda t: sheet.width_of(t, face, px)  # noqa: E731
    f, y, low = 0, frames[0].y0, frames[0].y0
    pitch = px * lead
    for item in items:
        tokens = tokenise(item.text)
        start, first = 0, True
        while start < len(tokens):
            if f >= len(frames):
                return False, low
            frame = frames[f]
            if y + px > frame.y1 or (item.kind == "sub" and first and y + px + pitch > frame.y1):
                f += 1
                if f < len(frames):
                    y = frames[f].y0
                continue
            xl, xr = frame.span(y, px)
            if xr - xl < 3 * px:  # the cut-out leaves no room here: skip a line
                y += pitch
                continue
            indent = 2 * px if (item.kind == "p" and first) else (px if item.kind == "l" and not first else 0)
            end = break_line(tokens, start, xr - xl - indent, measure)
            last = end >= len(tokens)
            if not dry:
                align = {"sig": "right", "c": "centre"}.get(item.kind, "left")
                bold = item.kind == "sub"
                sheet.set_tokens(xl + indent, y, tokens[start:end], xr - xl - indent,
                                 "sans" if bold else face, px, justify=not last and item.kind in ("p", "l"),
                                 bold=bold, gold=item.gold, align=align)
            start, first = end, False
            y += pitch
            low = max(low, y)
    return True, low


def balanced(sheet: Sheet, items: list[Item], x0: float, x1: float, y0: float, ncols: int, gutter: float,
             face: str, px: int, lead: float, cut=None) -> float:
    """Set items in ncols columns of equal height (the least that holds them); return the bottom."""
    colw = (x1 - x0 - gutter * (ncols - 1)) / ncols

    def frames(h):
        out = []
        for c in range(ncols):
            cx = x0 + c * (colw + gutter)
            out.append(Frame(cx, cx + colw, y0, y0 + h, cut if c == ncols - 1 else None))
        return out

    lo, hi = px * lead, 40000.0
    while hi - lo > px * lead / 2:
        mid = (lo + hi) / 2
        ok, _ = flow(sheet, items, frames(mid), face, px, lead, dry=True)
        lo, hi = (lo, mid) if ok else (mid, hi)
    _, low = flow(sheet, items, frames(hi), face, px, lead)
    return low


def gold_of(items: list[Item]) -> list[str]:
    return [i.text for i in items if i.gold]


# ---------------------------------------------------------------- page pieces
def jump_cut(text: str, jump: str) -> str:
    """A story cut mid-sentence by the column: its printed jump marker ends the text."""
    return f"{text}{jump}" if jump else text


def piece_items(piece: dict) -> list[Item]:
    """Body items of a piece, in print order; a jump marker is printed but never in the gold."""
    items = []
    if piece.get("from"):
        items.append(Item("l", piece["from"], gold=False))
    for para in piece.get("text", "").strip().splitlines():
        para = para.strip()
        if not para:
            continue
        if para.startswith("## "):
            items.append(Item("sub", para[3:]))
        elif para.startswith("- "):
            items.append(Item("l", para[2:]))
        elif para.startswith("> "):
            items.append(Item("sig", para[2:]))
        else:
            items.append(Item("p", para))
    if piece.get("jump"):
        items[-1] = Item(items[-1].kind, items[-1].text + piece["jump"], gold=True)
        items[-1].gold_text = items[-1].text[: -len(piece["jump"])]
    if piece.get("sign"):
        items.append(Item("sig", piece["sign"]))
    return items


def body_gold(items: list[Item]) -> list[str]:
    return [getattr(i, "gold_text", i.text) for i in items if i.gold]


def head_stack(sheet: Sheet, piece: dict, x0: float, x1: float, y: float, size: float, align: str = "left",
               byline_face: str = "kai") -> float:
    """Kicker, title (its phrases one space apart), deck and byline across x0..x1; return the new y."""
    width = x1 - x0
    if piece.get("kicker"):
        px = pt(size * 0.55)
        sheet.set_tokens(x0, y, tokenise(piece["kicker"]), width, "sans", px, False, align=align)
        sheet.gold.append(piece["kicker"])
        y += px * 1.5
    title = piece["title"]
    phrases = title if isinstance(title, list) else [title]
    px = pt(size)
    line = "　".join(phrases)
    if sheet.width_of(line, "sans", px) <= width:
        sheet.set_tokens(x0, y, tokenise(line.replace("　", "  ")), width, "sans", px, False, bold=True, align=align)
        y += px * 1.3
    else:
        measure = lambda t: sheet.width_of(t, "sans", px)  # noqa: E731
        for phrase in phrases:  # a phrase wider than the measure breaks where it must
            tokens, start = tokenise(phrase), 0
            while start < len(tokens):
                end = break_line(tokens, start, width, measure)
                sheet.set_tokens(x0, y, tokens[start:end], width, "sans", px, False, bold=True, align=align)
                start = end
                y += px * 1.25
    sheet.gold.append(join_phrases(phrases))
    if piece.get("deck"):
        px = pt(size * 0.5)
        sheet.set_tokens(x0, y, tokenise(piece["deck"]), width, "serif", px, False, align=align)
        sheet.gold.append(piece["deck"])
        y += px * 1.6
    if piece.get("byline"):
        px = pt(size * 0.42)
        sheet.set_tokens(x0, y, tokenise(piece["byline"]), width, byline_face, px, False, align=align)
        sheet.gold.append(piece["byline"])
        y += px * 1.8
    return y + pt(3)


def join_phrases(phrases: list[str]) -> str:
    """A title's phrases one space apart, none beside a Chinese mark (the text contract)."""
    out = phrases[0]
    for p in phrases[1:]:
        out += p if (out[-1] in CLOSE + OPEN or p[0] in CLOSE + OPEN) else " " + p
    return out


def story(sheet: Sheet, piece: dict, x0: float, x1: float, y: float, ncols: int, face: str, px: int,
          lead: float, title_pt: float, align: str = "left", cut=None) -> float:
    y = head_stack(sheet, piece, x0, x1, y, title_pt, align)
    items = piece_items(piece)
    low = balanced(sheet, items, x0, x1, y, ncols, px * 1.3, face, px, lead, cut)
    sheet.gold.extend(body_gold(items))
    return low + px * 0.6


def framed(sheet: Sheet, piece: dict, x0: float, x1: float, y: float, face: str, px: int, lead: float,
           reverse: bool, ncols: int = 1, qr_seed: int | None = None) -> float:
    """A box: a rule round it, its label (white on black or plain), its lines."""
    pad = px * 0.8
    lpx = round(px * 1.25)
    label = piece["title"]
    if reverse:
        lw = sheet.width_of(label, "sans", lpx) + lpx
        sheet.rect((x0 + pad, y + pad, x0 + pad + lw, y + pad + lpx * 1.45), fill=0)
        sheet.ops.append(("text", round(x0 + pad + lpx / 2), round(y + pad + lpx * 0.2), label, "sans", lpx, True, 255))
        sheet.record((x0 + pad, y + pad, x0 + pad + lw, y + pad + lpx * 1.45), label)
    else:
        sheet.set_tokens(x0 + pad, y + pad, tokenise(label), x1 - x0 - 2 * pad, "sans", lpx, False, bold=True,
                         align="centre")
    sheet.gold.append(label)
    yy = y + pad + lpx * 1.9
    items = piece_items(piece)
    right = x1 - pad
    qr_box = None
    if qr_seed is not None:
        side = px * 4.2
        qr_box = (x1 - pad - side, yy, x1 - pad, yy + side)
    def cut(a, b):
        return (qr_box[0] - px * 0.5 if (qr_box and b > qr_box[1] and a < qr_box[3]) else right)
    low = balanced(sheet, items, x0 + pad, right, yy, ncols, px * 1.2, face, px, lead, cut if qr_box else None)
    if qr_box:
        draw_qr(sheet, qr_box, qr_seed)
        low = max(low, qr_box[3] + px * 0.3)
    sheet.gold.extend(body_gold(items))
    bottom = low + pad * 0.6
    sheet.rect((x0, y, x1, bottom), outline=0, width=3)
    return bottom + px


def draw_qr(sheet: Sheet, box, seed: int) -> None:
    """A QR-like symbol: 25 modules a side, three finder squares, the rest drawn by seed."""
    rng = random.Random(seed)
    n = 25
    x0, y0, x1, _ = box
    m = (x1 - x0) / n
    grid = [[rng.random() < 0.5 for _ in range(n)] for _ in range(n)]
    for fx, fy in ((0, 0), (n - 7, 0), (0, n - 7)):
        for i in range(-1, 8):
            for j in range(-1, 8):
                if 0 <= fx + i < n and 0 <= fy + j < n:
                    ring = max(abs(i - 3), abs(j - 3))
                    grid[fy + j][fx + i] = ring in (0, 1, 3) and 0 <= i < 7 and 0 <= j < 7
    for r in range(n):
        for c in range(n):
            if grid[r][c]:
                sheet.rect((x0 + c * m, y0 + r * m, x0 + (c + 1) * m - 0.01, y0 + (r + 1) * m - 0.01), fill=0)
    sheet.record(box, "", gold=False)


def table(sheet: Sheet, piece: dict, x0: float, x1: float, y: float, px: int, face: str = "mono") -> float:
    """Title, rules, a head row and rows whose cells sit on columns; notes under the last rule."""
    sheet.set_tokens(x0, y, tokenise(piece["title"]), x1 - x0, "sans", round(px * 1.2), False, bold=True,
                     align="centre")
    sheet.gold.append(piece["title"])
    y += px * 1.9
    rows = [r.split("|") for r in piece["rows"].strip().splitlines()]
    rows = [[c.strip() for c in r] for r in rows]
    ncol = max(len(r) for r in rows)
    widths = [max(sheet.width_of(r[c], face, px) for r in rows if c < len(r)) for c in range(ncol)]
    spare = max((x1 - x0) - sum(widths), px) / max(ncol, 1)
    sheet.rect((x0, y, x1, y + 3), fill=0)
    y += px * 0.5
    for k, row in enumerate(rows):
        x = x0 + spare / 2
        for c, cell in enumerate(row):
            sheet.put(x, y, cell, "sans" if k == 0 else face, px, bold=False)
            x += widths[c] + spare
        sheet.record((x0 + spare / 2, y, x - spare, y + px), " ".join(row))
        sheet.gold.append(" ".join(row))
        y += px * 1.55
        if k == 0:
            sheet.rect((x0, y - px * 0.3, x1, y - px * 0.3 + 1), fill=0)
    sheet.rect((x0, y, x1, y + 3), fill=0)
    y += px * 0.6
    for note in piece.get("notes", "").strip().splitlines():
        spx = round(px * 0.85)
        sheet.set_tokens(x0, y, tokenise(note.strip()), x1 - x0, "light", spx, False)
        sheet.gold.append(note.strip())
        y += spx * 1.5
    return y + px


def chart(sheet: Sheet, piece: dict, x0: float, x1: float, y: float, px: int) -> float:
    """A bar chart drawn as an image: its labels are printed in it and are not in the gold."""
    bars = [r.split("|") for r in piece["chart"].strip().splitlines()]
    h = px * 1.6 * len(bars) + px * 2.4
    sheet.rect((x0, y, x1, y + h), outline=0, width=1)
    spx = round(px * 0.8)
    sheet.put(x0 + px * 0.5, y + px * 0.4, piece["chart_title"], "sans", spx)
    sheet.record((x0 + px * 0.5, y + px * 0.4, x0 + px * 0.5 + sheet.width_of(piece["chart_title"], "sans", spx),
                  y + px * 0.4 + spx), piece["chart_title"], gold=False)
    top = max(float(v) for _, v in bars)
    lab = max(sheet.width_of(k, "sans", spx) for k, _ in bars) + px
    yy = y + px * 1.8
    for k, v in bars:
        sheet.put(x0 + px * 0.4, yy, k, "sans", spx)
        full = (x1 - x0 - lab - px * 3.5)
        bw = full * float(v) / top
        sheet.photo((x0 + lab, yy, x0 + lab + bw, yy + spx), seed=len(k) * 7 + int(float(v)), mask="bar")
        sheet.put(x0 + lab + bw + px * 0.3, yy, v, "sans", spx)
        sheet.record((x0 + px * 0.4, yy, x0 + lab + bw + px * 0.3 + sheet.width_of(v, "sans", spx), yy + spx),
                     f"{k}{v}", gold=False)
        yy += px * 1.6
    return y + h + px * 0.5


def photo_with_caption(sheet: Sheet, piece: dict, x0: float, x1: float, y: float, h: float, px: int,
                       seed: int, labels: list[str] | None = None) -> float:
    sheet.photo((x0, y, x1, y + h), seed)
    sheet.record((x0, y, x1, y + h), "", gold=False)
    for k, label in enumerate(labels or []):  # place names printed on a map: not in the gold
        lx = x0 + (x1 - x0) * (0.1 + 0.2 * (k % 4))
        ly = y + h * (0.2 + 0.25 * (k // 4 % 3))
        spx = round(px * 0.85)
        lw = sheet.width_of(label, "sans", spx)
        sheet.rect((lx - 4, ly - 4, lx + lw + 4, ly + spx + 6), fill=255)
        sheet.put(lx, ly, label, "sans", spx)
        sheet.record((lx, ly, lx + lw, ly + spx), label, gold=False)
    y += h + px * 0.4
    items = [Item("l", piece["caption"])]
    _, low = flow(sheet, items, [Frame(x0, x1, y, y + 10000)], "kai", round(px * 0.9), 1.45)
    sheet.gold.append(piece["caption"])
    return low + px * 0.5


# ---------------------------------------------------------------- the pages
def header(sheet: Sheet, design: str, date: str, px: int) -> float:
    paper, label, section, _ = ISSUES[design]
    y0 = pt(30)
    w = sheet.width
    m = pt(28)
    lpx = round(px * 2.1)
    sheet.set_tokens(m, y0, tokenise(label), w, "sans", round(px * 1.3), False, bold=True)
    sheet.gold.append(label)
    x = m + sheet.width_of(label, "sans", round(px * 1.3)) + px * 1.5
    sheet.set_tokens(x, y0 - px * 0.3, tokenise(section), w, "sans", lpx, False, bold=True)
    sheet.gold.append(section)
    sheet.set_tokens(m, y0, tokenise(paper), w - 2 * m, "serif", round(px * 1.3), False, bold=True, align="right")
    sheet.gold.append(paper)
    y = y0 + lpx * 1.35
    yy, mm, dd = (int(v) for v in date.split("-"))
    import datetime
    weekday = WEEKDAYS[datetime.date(yy, mm, dd).weekday()]
    line = f"{yy}年{mm}月{dd}日 星期{weekday}"
    spx = round(px * 0.9)
    sheet.set_tokens(m, y, tokenise(line), w, "serif", spx, False)
    sheet.gold.append(line)
    sheet.set_tokens(m, y, tokenise(EDITORS[design]), w - 2 * m, "serif", spx, False, align="right")
    sheet.gold.append(EDITORS[design])
    y += spx * 1.6
    sheet.rect((m, y, w - m, y + 6), fill=0)
    sheet.rect((m, y + 10, w - m, y + 12), fill=0)
    return y + 12 + px * 1.2


def pieces_for(pieces: dict, design: str, date: str) -> dict[str, dict]:
    out = {}
    for p in pieces.values():
        if p["design"] == design and p["issue"] == date:
            out[p["slot"]] = p
    return out


def page_estate(sheet: Sheet, ps: dict, plan: Plan, rng: random.Random) -> float:
    """Asymmetric grid: a wide two-column lead and a 家装 column beside a narrow sidebar (smaller
    face) holding the 楼市 data box with its chart and a 楼盘 brief."""
    px = pt(plan.body_pt)
    m = pt(28)
    y = header(sheet, plan.design, plan.issue, px)
    split = sheet.width * rng.uniform(0.64, 0.7)
    left_x1 = split - px * 0.7
    ly = story(sheet, ps["lead"], m, left_x1, y, 2, "serif", px, 1.62, rng.uniform(22, 26))
    if "tips" in ps:
        sheet.rect((m, ly, left_x1, ly + 2), fill=0)
        ly = story(sheet, ps["tips"], m, left_x1, ly + px * 0.8, 2, "serif", px, 1.62, 15)
    sheet.rect((split, y, split + 2, max(ly, y + px * 20)), fill=0)  # column rule
    spx = round(px * 0.86)
    sx0, sx1 = split + px * 0.7, sheet.width - m
    sy = table(sheet, ps["data"], sx0, sx1, y, spx)
    if ps["data"].get("chart"):
        sy = chart(sheet, ps["data"], sx0, sx1, sy, spx)
    for slot in ("brief", "brief2"):
        if slot in ps:
            sy = story(sheet, ps[slot], sx0, sx1, sy, 1, "serif", spx, 1.55, 12.5)
    return max(ly, sy)


def page_travel(sheet: Sheet, ps: dict, plan: Plan, rng: random.Random) -> float:
    """An itinerary over two columns beside a framed 出行提示 box with a QR code; a route map with its
    caption; a travel essay wrapping round an irregular cut-out photo."""
    px = pt(plan.body_pt)
    m = pt(28)
    w = sheet.width
    y = header(sheet, plan.design, plan.issue, px)
    split = w * 0.62
    ly = story(sheet, ps["route"], m, split - px * 0.6, y, 2, "serif", px, 1.6, rng.uniform(20, 24))
    ry = framed(sheet, ps["tips"], split + px * 0.6, w - m, y, "light", round(px * 0.92), 1.5, reverse=True,
                qr_seed=plan.seed)
    if "map" in ps:
        ry = photo_with_caption(sheet, ps["map"], split + px * 0.6, w - m, ry, px * 12, px, plan.seed + 1,
                                labels=ps["map"].get("labels", "").split())
    y = max(ly, ry) + px * 0.3
    sheet.rect((m, y, w - m, y + 3), fill=0)
    y += px
    if "essay" in ps:
        essay = ps["essay"]
        y = head_stack(sheet, essay, m, w - m, y, rng.uniform(18, 22), align="centre")
        cx = w - m - px * rng.uniform(5.5, 7.5)
        cy = y + px * rng.uniform(7, 10)
        radii = [px * rng.uniform(4.0, 6.2) for _ in range(9)]

        def r_at(theta):
            k = theta / (2 * math.pi) * len(radii)
            i = int(k) % len(radii)
            t = k - int(k)
            return radii[i] * (1 - t) + radii[(i + 1) % len(radii)] * t

        def cut(a, b):  # the leftmost x of the blob between rows a and b
            xs = [w]
            for s in range(0, 360, 3):
                th = math.radians(s)
                r = r_at(th)
                yy = cy + r * math.sin(th)
                if a - px * 0.4 <= yy <= b + px * 0.4:
                    xs.append(cx + r * math.cos(th))
            return min(xs) - px * 0.6

        sheet.photo((cx - px * 6.5, cy - px * 6.5, cx + px * 6.5, cy + px * 6.5), plan.seed + 2,
                    mask=("blob", cx, cy, tuple(radii)))
        sheet.record((cx - px * 4, cy - px * 4, cx + px * 4, cy + px * 4), "", gold=False)
        items = piece_items(essay)
        low = balanced(sheet, items, m, w - m, y, 2, px * 1.3, "serif", px, 1.62, cut)
        sheet.gold.extend(body_gold(items))
        y = max(low, cy + px * 7)
        if essay.get("caption"):
            sheet.set_tokens(m, y, tokenise(essay["caption"]), w - 2 * m, "kai", round(px * 0.9), False,
                             align="right")
            sheet.gold.append(essay["caption"])
            y += px * 1.6
    return y


def page_auto(sheet: Sheet, ps: dict, plan: Plan, rng: random.Random) -> float:
    """A new-model lead over three columns, the spec table and a 维权 case over three, a 投诉 box
    with a QR code beside its URL."""
    px = pt(plan.body_pt)
    m = pt(28)
    w = sheet.width
    y = header(sheet, plan.design, plan.issue, px)
    y = story(sheet, ps["lead"], m, w - m, y, 3, "light", px, 1.62, rng.uniform(22, 26), align="centre")
    third = (w - 2 * m) / 3
    ty = table(sheet, ps["specs"], m, m + third * 1.25, y, round(px * 0.9))
    if "complaint" in ps:
        ty = framed(sheet, ps["complaint"], m, m + third * 1.25, ty, "light", round(px * 0.9), 1.5,
                    reverse=False, qr_seed=plan.seed)
    sy = story(sheet, ps["case"], m + third * 1.25 + px, w - m, y, 2, "light", px, 1.62, rng.uniform(16, 19))
    return max(ty, sy)


def page_food(sheet: Sheet, ps: dict, plan: Plan, rng: random.Random) -> float:
    """A recipe: title, photo and caption, a framed 用料 list in two columns, numbered steps; a 食俗
    essay in 楷体 beside it."""
    px = pt(plan.body_pt)
    m = pt(28)
    w = sheet.width
    y = header(sheet, plan.design, plan.issue, px)
    split = w * 0.58
    ry = head_stack(sheet, ps["recipe"], m, split - px * 0.6, y, rng.uniform(20, 24))
    ry = photo_with_caption(sheet, ps["recipe"], m, split - px * 0.6, ry, px * 9, px, plan.seed)
    ingredients = {"title": ps["recipe"]["box_title"], "text": ps["recipe"]["ingredients"]}
    ry = framed(sheet, ingredients, m, split - px * 0.6, ry, "serif", px, 1.5, reverse=rng.random() < 0.5, ncols=2)
    items = piece_items({"text": ps["recipe"]["steps"]})
    ry = balanced(sheet, items, m, split - px * 0.6, ry, 2, px * 1.2, "serif", px, 1.6)
    sheet.gold.extend(body_gold(items))
    sheet.rect((split, y, split + 2, ry), fill=0)
    ey = story(sheet, ps["essay"], split + px * 0.6, w - m, y, 1, "kai", px, 1.62, rng.uniform(17, 20))
    if "tip" in ps:
        ey = story(sheet, ps["tip"], split + px * 0.6, w - m, ey + px * 0.5, 1, "serif", round(px * 0.9), 1.55, 13)
    return max(ry, ey)


def page_exam(sheet: Sheet, ps: dict, plan: Plan, rng: random.Random) -> float:
    """Asymmetric grid: the exam authority's notice (its 附件 list, issuer, date) and the 分数线 table
    wide on the left; a narrow sidebar in a smaller face: the 考试时间 timetable and a reminder."""
    px = pt(plan.body_pt)
    m = pt(28)
    w = sheet.width
    y = header(sheet, plan.design, plan.issue, px)
    split = w * rng.uniform(0.66, 0.72)
    ly = story(sheet, ps["notice"], m, split - px * 0.7, y, 2, "serif", px, 1.62, rng.uniform(18, 21), align="centre")
    if "scores" in ps:
        ly = table(sheet, ps["scores"], m + px * 2, split - px * 2.5, ly, px)
    sheet.rect((split, y, split + 2, ly), fill=0)
    spx = round(px * 0.86)
    sx0, sx1 = split + px * 0.7, w - m
    sy = framed(sheet, ps["timetable"], sx0, sx1, y, "serif", spx, 1.5, reverse=True)
    if "remind" in ps:
        sy = story(sheet, ps["remind"], sx0, sx1, sy, 1, "serif", spx, 1.55, 12.5)
    return max(ly, sy)


def page_elder(sheet: Sheet, ps: dict, plan: Plan, rng: random.Random) -> float:
    """Large type for older readers: a community story over two columns, a framed 活动预告 list
    (时间 / 地点 / 内容 lines), a 纪念 piece with years."""
    px = pt(plan.body_pt)
    m = pt(28)
    w = sheet.width
    y = header(sheet, plan.design, plan.issue, round(px * 0.8))
    y = story(sheet, ps["news"], m, w - m, y, 2, "light", px, 1.55, rng.uniform(24, 28))
    split = w * 0.5
    ay = framed(sheet, ps["events"], m, split - px * 0.5, y, "light", px, 1.5, reverse=rng.random() < 0.5)
    my = story(sheet, ps["memorial"], split + px * 0.5, w - m, y, 1, "kai", px, 1.55, rng.uniform(18, 21))
    return max(ay, my)


DESIGNS = {"estate": page_estate, "travel": page_travel, "auto": page_auto, "food": page_food,
           "exam": page_exam, "elder": page_elder}
WIDTH_IN = {"estate": 7.2, "travel": 7.2, "auto": 7.6, "food": 7.2, "exam": 7.4, "elder": 7.0}


def compose(plan: Plan, pieces: dict, font_dir: Path) -> tuple[Sheet, int]:
    sheet = Sheet(round(WIDTH_IN[plan.design] * DPI), font_dir)
    rng = random.Random(plan.seed)
    ps = pieces_for(pieces, plan.design, plan.issue)
    bottom = DESIGNS[plan.design](sheet, ps, plan, rng)
    return sheet, round(bottom + pt(30))


# ---------------------------------------------------------------- drawing and scanning
def halftone(w: int, h: int, seed: int):
    import cv2
    import numpy as np
    rs = np.random.default_rng(seed)
    field_ = cv2.GaussianBlur(rs.random((max(h, 1), max(w, 1))).astype("float32"), (0, 0), 9)
    field_ = (field_ - field_.min()) / (np.ptp(field_) + 1e-6)
    yy, xx = np.mgrid[0:h, 0:w].astype("float32")
    period = DPI / 85
    u = (xx + yy) / math.sqrt(2) * 2 * math.pi / period
    v = (xx - yy) / math.sqrt(2) * 2 * math.pi / period
    screen = (np.cos(u) + np.cos(v)) / 4 + 0.5
    return np.where(field_ * 0.85 + 0.1 > screen, 0, 255).astype("uint8")


def draw(sheet: Sheet, height: int):
    import numpy as np
    from PIL import Image, ImageDraw
    img = Image.new("L", (sheet.width, height), 255)
    d = ImageDraw.Draw(img)
    for op in sheet.ops:
        if op[0] == "text":
            _, x, y, text, face, px, bold, fill = op
            f = sheet.font(face, px)
            d.text((x, y + round(px * 0.88)), text, font=f, fill=fill, anchor="ls",
                   stroke_width=max(1, px // 30) if bold else 0, stroke_fill=fill)
        elif op[0] == "rect":
            _, box, fill, outline, width = op
            d.rectangle(box, fill=fill, outline=outline, width=width)
        elif op[0] == "photo":
            _, (x0, y0, x1, y1), seed, mask = op
            w, h = max(x1 - x0, 1), max(y1 - y0, 1)
            tile = halftone(w, h, seed)
            if mask == "bar":
                tile = np.where(tile < 128, 60, 140).astype("uint8")
            elif isinstance(mask, tuple):
                _, cx, cy, radii = mask
                yy, xx = np.mgrid[y0:y0 + h, x0:x0 + w]
                th = np.mod(np.arctan2(yy - cy, xx - cx), 2 * math.pi)
                k = th / (2 * math.pi) * len(radii)
                i = k.astype(int) % len(radii)
                t = k - np.floor(k)
                r = np.array(radii)[i] * (1 - t) + np.array(radii)[(i + 1) % len(radii)] * t
                outside = np.hypot(xx - cx, yy - cy) > r
                tile = np.where(outside, 255, tile).astype("uint8")
                base = np.array(img.crop((x0, y0, x0 + w, y0 + h)))
                tile = np.minimum(base, tile)
            img.paste(Image.fromarray(tile), (x0, y0))
    return img


@dataclass
class Geometry:
    """The scan's map back to the clean sheet: an optional stitch seam, then a rotation."""
    width: int
    height: int
    rotation: float
    seam: int | None = None
    seam_dy: int = 0

    def matrix(self):
        import cv2
        return cv2.getRotationMatrix2D((self.width / 2, self.height / 2), self.rotation, 1.0)

    def to_clean(self, x: float, y: float) -> tuple[float, float]:
        a = self.matrix()
        det = a[0][0] * a[1][1] - a[0][1] * a[1][0]
        dx, dy = x - a[0][2], y - a[1][2]
        cx = (a[1][1] * dx - a[0][1] * dy) / det
        cy = (-a[1][0] * dx + a[0][0] * dy) / det
        if self.seam is not None and cx >= self.seam:
            cy -= self.seam_dy
        return cx, cy


def geometry(plan: Plan, width: int, height: int) -> Geometry:
    rng = random.Random(plan.seed + 17)
    g = Geometry(width, height, plan.rotation)
    if plan.fault == "stitch":
        g.seam = round(width * rng.uniform(0.44, 0.56))
        g.seam_dy = rng.choice((-1, 1)) * rng.randint(3, 9)
    return g


def scan(clean, plan: Plan, g: Geometry):
    """Apply the page's fault and skew; return the scanned image (L or RGB) and a fault note."""
    import cv2
    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(plan.seed)
    prng = random.Random(plan.seed + 5)
    a = np.array(clean).astype("float32")
    note = ""
    if plan.fault == "stitch":
        right = a[:, g.seam:].copy()
        right = np.roll(right, g.seam_dy, axis=0)
        if g.seam_dy > 0:
            right[:g.seam_dy] = 255
        else:
            right[g.seam_dy:] = 255
        step = prng.uniform(0.05, 0.1) * prng.choice((-1, 1))
        paper = prng.uniform(226, 238)  # each half its own exposure: a brightness step at the seam
        a[:, :g.seam] *= paper / 255
        right *= min(paper * (1 + step), 255) / 255
        a[:, g.seam:] = right
        a[:, g.seam - 1:g.seam + 1] *= 0.8
        note = f"seam x={g.seam} dy={g.seam_dy} step={step:+.2f}"
    if plan.fault == "washed":
        ink = 255 - a
        thin = cv2.erode(ink, np.ones((2, 2), np.uint8))  # hair-lines thinner than two pixels vanish
        a = 255 - (thin * prng.uniform(0.55, 0.7))
        a = 255 * (a / 255) ** 0.6
        note = "overexposed, 2 px strokes eroded"
    if g.rotation:
        a = cv2.warpAffine(a, g.matrix(), (g.width, g.height), flags=cv2.INTER_LINEAR, borderValue=255)
    if plan.fault == "motion":
        length = prng.randint(5, 9)
        angle = prng.uniform(0, 180)
        k = np.zeros((length, length), np.float32)
        c = (length - 1) / 2
        for t in np.linspace(-c, c, length * 3):
            k[round(c + t * math.sin(math.radians(angle))), round(c + t * math.cos(math.radians(angle)))] = 1
        a = cv2.filter2D(a, -1, k / k.sum(), borderType=cv2.BORDER_REPLICATE)
        note = f"motion {length} px at {angle:.0f} deg"
    if plan.fault == "texture":
        paper = cv2.GaussianBlur(rng.normal(0, 1, a.shape).astype("float32"), (0, 0), 25)
        paper = 228 + paper / (np.abs(paper).max() + 1e-6) * 10
        layer = np.full(a.shape, 0, np.float32)
        for _ in range(int(a.size / 9000)):  # fibres: short curved grey strokes
            x, y = prng.uniform(0, a.shape[1]), prng.uniform(0, a.shape[0])
            ang = prng.uniform(0, math.pi)
            pts = []
            for _s in range(prng.randint(8, 30)):
                ang += prng.uniform(-0.2, 0.2)
                x += math.cos(ang) * 2
                y += math.sin(ang) * 2
                pts.append((int(x), int(y)))
            cv2.polylines(layer, [np.array(pts, np.int32)], False, prng.uniform(20, 60), 1)
        specks = rng.random(a.shape) < 0.0004
        layer[cv2.dilate(specks.astype(np.uint8), np.ones((2, 2), np.uint8)) > 0] = 170
        a = np.minimum(a / 255 * paper, 255 - layer)
        note = "newsprint fibres and specks"
    if plan.fault != "clean":
        a = cv2.GaussianBlur(a, (0, 0), 0.45)
        a = a + rng.normal(0, 2.5, a.shape)
    a = np.clip(a, 0, 255).astype("uint8")
    if plan.fault == "misreg":
        ink = 255 - a.astype("float32")
        out = np.stack([a, a, a], axis=-1).astype("float32")
        cdx, cdy = prng.randint(1, 3), prng.randint(-2, 2)
        mdx, mdy = -prng.randint(1, 3), prng.randint(-2, 2)
        cyan = np.roll(np.roll(ink, cdy, 0), cdx, 1) * prng.uniform(0.35, 0.55)
        magenta = np.roll(np.roll(ink, mdy, 0), mdx, 1) * prng.uniform(0.3, 0.5)
        out[..., 0] -= cyan  # cyan ink takes red
        out[..., 1] -= magenta  # magenta ink takes green
        out[..., 2] -= 0.04 * 255
        note = f"cyan ghost ({cdx},{cdy}) magenta ghost ({mdx},{mdy})"
        return Image.fromarray(np.clip(out, 0, 255).astype("uint8"), "RGB"), note
    return Image.fromarray(a, "L"), note


# ---------------------------------------------------------------- engines
RAPID_CHILD = r"""
import json, sys
from rapidocr import RapidOCR
params = json.loads(sys.argv[3])
params["Global.return_word_box"] = True
params["Global.log_level"] = "error"
r = RapidOCR(params=params)(sys.argv[1])
out = {"boxes": [[[float(v) for v in p] for p in b] for b in (r.boxes if r.boxes is not None else [])],
       "txts": list(r.txts or []), "scores": [float(s) for s in (r.scores or [])],
       "words": [[[w[0], float(w[1]), [[float(v) for v in p] for p in w[2]] if w[2] is not None else None]
                  for w in line] for line in (r.word_results or [])]}
json.dump(out, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
"""


def detector_params(setting: str) -> dict:
    params = {}
    if setting in ("defaults", "qingyang ocr (defaults)"):
        return params
    for kv in setting.split():
        k, v = kv.split("=")
        params[k] = {"true": True, "false": False}.get(v, float(v) if re.fullmatch(r"[\d.]+", v) else v)
        if isinstance(params[k], float) and params[k].is_integer() and "ratio" not in k and "thresh" not in k \
                and "score" not in k:
            params[k] = int(params[k])
    return params


def env1() -> dict:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def run_rapidocr(image: Path, setting: str, out: Path) -> dict:
    if not out.is_file():
        subprocess.run([sys.executable, "-c", RAPID_CHILD, str(image), str(out), json.dumps(detector_params(setting))],
                       check=True, env=env1())
    return json.loads(out.read_text(encoding="utf-8"))


def run_tesseract(image: Path, plan: Plan, base: Path) -> tuple[str, str]:
    hocr, alto = Path(f"{base}.hocr"), Path(f"{base}.xml")
    if not (hocr.is_file() and alto.is_file()):
        cmd = ["tesseract", str(image), str(base), "-l", plan.langs, "--psm", str(plan.psm)]
        if plan.preserve:
            cmd += ["-c", "preserve_interword_spaces=1"]
        if plan.char_boxes:
            cmd += ["-c", "hocr_char_boxes=1"]
        subprocess.run([*cmd, "hocr", "alto"], check=True, env=env1(), capture_output=True)
    return hocr.read_text(encoding="utf-8"), alto.read_text(encoding="utf-8")


def round_pts(box) -> list[list[float]]:
    return [[round(x, 1), round(y, 1)] for x, y in box]


def paddle_json(shape: str, run: dict, image_size: tuple[int, int], setting: str) -> object:
    """The PP-OCR run in one public shape (see the README)."""
    boxes, txts, scores = run["boxes"], run["txts"], [round(s, 5) for s in run["scores"]]
    ints = [[[round(x), round(y)] for x, y in b] for b in boxes]
    rects = [[min(p[0] for p in b), min(p[1] for p in b), max(p[0] for p in b), max(p[1] for p in b)] for b in ints]
    params = detector_params(setting)
    if shape in ("b", "f"):
        res = {"input_path": "page.png", "page_index": None,
               "model_settings": {"use_doc_preprocessor": False, "use_textline_orientation": params.get(
                   "Global.use_cls", True)},
               "text_det_params": {"limit_side_len": params.get("Det.limit_side_len", 736),
                                   "limit_type": params.get("Det.limit_type", "min"),
                                   "thresh": params.get("Det.thresh", 0.3),
                                   "box_thresh": params.get("Det.box_thresh", 0.5),
                                   "unclip_ratio": params.get("Det.unclip_ratio", 1.6)},
               "text_type": "general", "text_rec_score_thresh": params.get("Global.text_score", 0.5),
               "return_word_box": shape == "f",
               "rec_texts": txts, "rec_scores": scores, "rec_polys": ints, "rec_boxes": rects}
        if shape == "f":
            res["text_word"] = [[w[0] for w in line] for line in run["words"]]
            res["text_word_region"] = [[[[round(x), round(y)] for x, y in (w[2] or [])] for w in line]
                                       for line in run["words"]]
        return {"res": res}
    if shape == "e":
        return [[[round_pts(b), [t, s]] for b, t, s in zip(boxes, txts, scores, strict=False)]]
    if shape == "g":
        return [{"box": round_pts(b), "txt": t, "score": s} for b, t, s in zip(boxes, txts, scores, strict=False)]
    if shape == "h":
        return [{"transcription": t, "points": p} for t, p in zip(txts, ints, strict=False)]
    if shape == "i":
        return {"code": 100 if txts else 101, "data": [{"box": p, "score": s, "text": t}
                                                       for p, s, t in zip(ints, scores, txts, strict=False)]}
    if shape == "j":  # Umi-OCR's HTTP /api/ocr reply: `end` says what follows a line
        data = []
        for k, (p, s, t) in enumerate(zip(ints, scores, txts, strict=False)):
            nxt = ints[k + 1] if k + 1 < len(ints) else None
            same_row = nxt is not None and abs((nxt[0][1] + nxt[2][1]) / 2 - (p[0][1] + p[2][1]) / 2) < (
                p[2][1] - p[0][1]) / 2
            data.append({"text": t, "score": s, "box": p, "end": " " if same_row else "\n"})
        return {"code": 100 if txts else 101, "data": data, "time": 0.0, "timestamp": 0.0}
    raise ValueError(shape)


NUMBER_LIST = re.compile(r"\[\s*((?:-?[\d.]+|\[[^\[\]\n]*\])(?:,\s*(?:-?[\d.]+|\[[^\[\]\n]*\]))*)\s*\]")  # a list of numbers or of such lists


def compact_json(engine) -> str:
    """Indented JSON with each list of coordinates on one line, as people save engine answers."""
    text = json.dumps(engine, ensure_ascii=False, indent=1)
    while True:
        packed = NUMBER_LIST.sub(lambda m: "[" + re.sub(r"\s*,\s*", ", ", m.group(1)) + "]", text)
        if packed == text:
            return text
        text = packed


def engine_lines(engine) -> list[tuple[str, list]]:
    """(text, four corners) of each PP-OCR line, from any shape this builder writes."""
    if isinstance(engine, dict) and "code" in engine:
        return [(r["text"], r["box"]) for r in engine.get("data") or []]
    if isinstance(engine, list):
        if engine and isinstance(engine[0], dict) and "transcription" in engine[0]:
            return [(r["transcription"], r["points"]) for r in engine]
        if engine and isinstance(engine[0], dict):
            return [(r["txt"], r["box"]) for r in engine]
        return [(row[1][0], row[0]) for row in (engine[0] or [])] if engine else []
    res = engine.get("res", engine)
    return list(zip(res["rec_texts"], res["rec_polys"], strict=False))


# ---------------------------------------------------------------- hOCR and ALTO producers
def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@dataclass
class ELine:
    box: tuple[int, int, int, int]
    text: str
    conf: float
    words: list  # (text, box, conf)


def lines_from_tesseract(hocr: str) -> list[ELine]:
    from lxml import html
    root = html.fromstring(hocr.encode("utf-8"), parser=html.HTMLParser(encoding="utf-8"))
    out = []
    for e in root.iter():
        cls = (e.get("class") or "") if isinstance(e.tag, str) else ""
        if cls in ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"):
            box = tuple(int(v) for v in re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", e.get("title")).groups())
            words = []
            for w in e.iter():
                if isinstance(w.tag, str) and "ocrx_word" in (w.get("class") or ""):
                    t = w.text_content()
                    if not t.strip():
                        continue
                    wb = tuple(int(v) for v in re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", w.get("title")).groups())
                    c = re.search(r"x_wconf (\d+)", w.get("title"))
                    words.append((t, wb, int(c.group(1)) / 100 if c else 0.9))
            if words:
                text = "".join(w[0] for w in words)
                out.append(ELine(box, text, sum(w[2] for w in words) / len(words), words))
    return out


def lines_from_rapid(run: dict) -> list[ELine]:
    out = []
    for k, (b, t, s) in enumerate(zip(run["boxes"], run["txts"], run["scores"], strict=False)):
        box = (round(min(p[0] for p in b)), round(min(p[1] for p in b)), round(max(p[0] for p in b)),
               round(max(p[1] for p in b)))
        words = []
        for w in (run["words"][k] if k < len(run["words"]) else []):
            if w[2]:
                wb = (round(min(p[0] for p in w[2])), round(min(p[1] for p in w[2])),
                      round(max(p[0] for p in w[2])), round(max(p[1] for p in w[2])))
                words.append((w[0], wb, w[1]))
        if "".join(w[0] for w in words).replace(" ", "") != t.replace(" ", ""):
            words = [(t, box, s)]
        out.append(ELine(box, t, s, words))
    return out


def glyphs(word: tuple) -> list[tuple]:
    """A word cut into its glyphs: a Latin/digit run stays whole, boxes share the word's width."""
    text, (x0, y0, x1, y1), conf = word
    parts = [p for p in tokenise(text) if p.strip()]
    if not parts:
        return []
    total = sum(len(p) for p in parts)
    out, x = [], float(x0)
    for p in parts:
        w = (x1 - x0) * len(p) / total
        out.append((p, (round(x), y0, round(x + w), y1), conf))
        x += w
    return out


def blocks_of(lines: list[ELine]) -> list[list[ELine]]:
    """A converter's blocks: a new block where a line does not sit under the one before it."""
    blocks: list[list[ELine]] = []
    for ln in lines:
        if blocks:
            prev = blocks[-1][-1]
            h = prev.box[3] - prev.box[1]
            under = 0 <= ln.box[1] - prev.box[3] < 1.2 * h and min(ln.box[2], prev.box[2]) > max(ln.box[0], prev.box[0])
            if under:
                blocks[-1].append(ln)
                continue
        blocks.append([ln])
    return blocks


def bbox_of(boxes) -> tuple[int, int, int, int]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def hocr_gcv2hocr(lines: list[ELine], size: tuple[int, int], source: str) -> str:
    """As gcv2hocr writes Google Vision's answer: ocr_page > ocr_carea > ocr_par > ocr_line >
    ocrx_word, a word per Han glyph or Latin run, each with x_wconf."""
    w, h = size
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
           '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
           '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="zh" lang="zh">', "<head>",
           "<title>gcv2hocr</title>",
           '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />',
           f'<meta name="ocr-system" content="gcv2hocr-style converter, from {source}" />',
           '<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word" />',
           "</head>", "<body>", f"<div class='ocr_page' id='page_1' title='image \"page.png\"; bbox 0 0 {w} {h}'>"]
    n = 0
    for b, block in enumerate(blocks_of(lines), 1):
        bb = bbox_of([ln.box for ln in block])
        out.append(f"<div class='ocr_carea' id='block_{b}' title='bbox {bb[0]} {bb[1]} {bb[2]} {bb[3]}'>")
        out.append(f"<p class='ocr_par' id='par_{b}' lang='zh' title='bbox {bb[0]} {bb[1]} {bb[2]} {bb[3]}'>")
        for ln in block:
            n += 1
            x0, y0, x1, y1 = ln.box
            out.append(f"<span class='ocr_line' id='line_{n}' title='bbox {x0} {y0} {x1} {y1}'>")
            for k, g in enumerate(g for word in ln.words for g in glyphs(word)):
                t, (a, c, d, e), conf = g
                out.append(f"<span class='ocrx_word' id='word_{n}_{k + 1}' title='bbox {a} {c} {d} {e}; "
                           f"x_wconf {round(conf * 100)}'>{esc(t)}</span>")
            out.append("</span>")
        out.append("</p>")
        out.append("</div>")
    out += ["</div>", "</body>", "</html>", ""]
    return "\n".join(out)


def hocr_typed(lines: list[ELine], size: tuple[int, int], source: str) -> str:
    """hOCR whose lines are typed by size (ocr_header for a line much taller than the page's usual,
    ocr_textfloat for small type, ocr_line else), words with x_wconf, each glyph an ocrx_cinfo."""
    w, h = size
    heights = sorted(ln.box[3] - ln.box[1] for ln in lines) or [1]
    usual = heights[len(heights) // 2]
    out = ["<!DOCTYPE html>", '<html lang="zh">', "<head>", '<meta charset="utf-8">', "<title>page</title>",
           f'<meta name="ocr-system" content="typed-hocr export, from {source}">',
           '<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_line ocr_header ocr_textfloat '
           'ocr_caption ocrx_word ocrx_cinfo">',
           "</head>", "<body>", f'<div class="ocr_page" id="page_1" title="bbox 0 0 {w} {h}; ppageno 0">']
    n = 0
    for b, block in enumerate(blocks_of(lines), 1):
        bb = bbox_of([ln.box for ln in block])
        out.append(f'<div class="ocr_carea" id="carea_{b}" title="bbox {bb[0]} {bb[1]} {bb[2]} {bb[3]}">')
        for ln in block:
            n += 1
            lh = ln.box[3] - ln.box[1]
            cls = "ocr_header" if lh > 1.45 * usual else "ocr_textfloat" if lh < 0.8 * usual else "ocr_line"
            x0, y0, x1, y1 = ln.box
            out.append(f'<span class="{cls}" id="line_{n}" title="bbox {x0} {y0} {x1} {y1}; baseline 0 '
                       f'-{max(1, lh // 8)}; x_size {lh}">')
            for k, word in enumerate(ln.words):
                _t, (a, c, d, e), conf = word
                cinfo = "".join(f'<span class="ocrx_cinfo" title="x_bboxes {g[1][0]} {g[1][1]} {g[1][2]} {g[1][3]}">'
                                f'{esc(g[0])}</span>' for g in glyphs(word))
                out.append(f'<span class="ocrx_word" id="word_{n}_{k + 1}" title="bbox {a} {c} {d} {e}; '
                           f'x_wconf {round(conf * 100)}">{cinfo}</span>')
            out.append("</span>")
        out.append("</div>")
    out += ["</div>", "</body>", "</html>", ""]
    return "\n".join(out)


def alto_escriptorium(lines: list[ELine], size: tuple[int, int], source: str) -> str:
    """ALTO v4 as eScriptorium exports a kraken transcription: pixels, a TextLine per line with a
    BASELINE polyline and a Shape/Polygon, one String holding the whole line, line types as
    Tags/OtherTag referenced by TAGREFS."""
    from lxml import etree
    ns = "http://www.loc.gov/standards/alto/ns-v4#"
    E = lambda tag, **a: etree.Element(f"{{{ns}}}{tag}", {k: str(v) for k, v in a.items()})  # noqa: E731
    root = etree.Element(f"{{{ns}}}alto", nsmap={None: ns, "xsi": "http://www.w3.org/2001/XMLSchema-instance"})
    root.set("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation",
             f"{ns} http://www.loc.gov/standards/alto/v4/alto-4-2.xsd")
    desc = etree.SubElement(root, f"{{{ns}}}Description")
    etree.SubElement(desc, f"{{{ns}}}MeasurementUnit").text = "pixel"
    info = etree.SubElement(desc, f"{{{ns}}}sourceImageInformation")
    etree.SubElement(info, f"{{{ns}}}fileName").text = "page.png"
    proc = etree.SubElement(desc, f"{{{ns}}}OCRProcessing", ID="OCR_0")
    step = etree.SubElement(proc, f"{{{ns}}}ocrProcessingStep")
    sw = etree.SubElement(step, f"{{{ns}}}processingSoftware")
    etree.SubElement(sw, f"{{{ns}}}softwareName").text = f"escriptorium-style ALTO export, from {source}"
    tags = etree.SubElement(root, f"{{{ns}}}Tags")
    heights = sorted(ln.box[3] - ln.box[1] for ln in lines) or [1]
    usual = heights[len(heights) // 2]
    types = {"default": "LT1", "heading": "LT2"}
    for label, tid in types.items():
        tags.append(E("OtherTag", ID=tid, LABEL=label, DESCRIPTION=f"line type {label}"))
    tags.append(E("OtherTag", ID="BT1", LABEL="text", DESCRIPTION="block type text"))
    layout = etree.SubElement(root, f"{{{ns}}}Layout")
    page = etree.SubElement(layout, f"{{{ns}}}Page", WIDTH=str(size[0]), HEIGHT=str(size[1]),
                            PHYSICAL_IMG_NR="1", ID="eSc_dummypage_")
    space = etree.SubElement(page, f"{{{ns}}}PrintSpace", HPOS="0", VPOS="0", WIDTH=str(size[0]),
                             HEIGHT=str(size[1]))
    n = 0
    for b, block in enumerate(blocks_of(lines), 1):
        x0, y0, x1, y1 = bbox_of([ln.box for ln in block])
        tb = etree.SubElement(space, f"{{{ns}}}TextBlock", ID=f"eSc_textblock_{b:05d}", HPOS=str(x0), VPOS=str(y0),
                              WIDTH=str(x1 - x0), HEIGHT=str(y1 - y0), TAGREFS="BT1")
        shape = etree.SubElement(tb, f"{{{ns}}}Shape")
        etree.SubElement(shape, f"{{{ns}}}Polygon", POINTS=f"{x0} {y0} {x1} {y0} {x1} {y1} {x0} {y1}")
        for ln in block:
            n += 1
            a, c, d, e = ln.box
            base = round(c + (e - c) * 0.82)
            tl = etree.SubElement(tb, f"{{{ns}}}TextLine", ID=f"eSc_line_{n:05d}",
                                  TAGREFS=types["heading" if e - c > 1.45 * usual else "default"],
                                  BASELINE=f"{a},{base} {d},{base}", HPOS=str(a), VPOS=str(c),
                                  WIDTH=str(d - a), HEIGHT=str(e - c))
            shape = etree.SubElement(tl, f"{{{ns}}}Shape")
            etree.SubElement(shape, f"{{{ns}}}Polygon", POINTS=f"{a},{c} {d},{c} {d},{e} {a},{e}")
            etree.SubElement(tl, f"{{{ns}}}String", CONTENT=ln.text, HPOS=str(a), VPOS=str(c), WIDTH=str(d - a),
                             HEIGHT=str(e - c), WC=f"{ln.conf:.4f}")
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def alto_charlevel(lines: list[ELine], size: tuple[int, int], source: str) -> str:
    """Character-level ALTO as Chinese digitisation vendors deliver it: v4 namespace, pixels, a
    String per glyph (a Latin or digit run stays one), no SP, each String's CC a confidence digit."""
    from lxml import etree
    ns = "http://www.loc.gov/standards/alto/ns-v4#"
    root = etree.Element(f"{{{ns}}}alto", nsmap={None: ns})
    desc = etree.SubElement(root, f"{{{ns}}}Description")
    etree.SubElement(desc, f"{{{ns}}}MeasurementUnit").text = "pixel"
    proc = etree.SubElement(desc, f"{{{ns}}}OCRProcessing", ID="OCR_1")
    step = etree.SubElement(proc, f"{{{ns}}}ocrProcessingStep")
    sw = etree.SubElement(step, f"{{{ns}}}processingSoftware")
    etree.SubElement(sw, f"{{{ns}}}softwareCreator").text = "digitisation vendor"
    etree.SubElement(sw, f"{{{ns}}}softwareName").text = f"character-level ALTO writer, from {source}"
    layout = etree.SubElement(root, f"{{{ns}}}Layout")
    page = etree.SubElement(layout, f"{{{ns}}}Page", ID="P1", PHYSICAL_IMG_NR="1", WIDTH=str(size[0]),
                            HEIGHT=str(size[1]))
    space = etree.SubElement(page, f"{{{ns}}}PrintSpace", HPOS="0", VPOS="0", WIDTH=str(size[0]), HEIGHT=str(size[1]))
    n = 0
    for b, block in enumerate(blocks_of(lines), 1):
        x0, y0, x1, y1 = bbox_of([ln.box for ln in block])
        tb = etree.SubElement(space, f"{{{ns}}}TextBlock", ID=f"TB{b}", HPOS=str(x0), VPOS=str(y0),
                              WIDTH=str(x1 - x0), HEIGHT=str(y1 - y0))
        for ln in block:
            n += 1
            a, c, d, e = ln.box
            tl = etree.SubElement(tb, f"{{{ns}}}TextLine", ID=f"TL{n}", HPOS=str(a), VPOS=str(c), WIDTH=str(d - a),
                                  HEIGHT=str(e - c))
            for g in (g for word in ln.words for g in glyphs(word)):
                t, (p, q, r, u), conf = g
                etree.SubElement(tl, f"{{{ns}}}String", CONTENT=t, HPOS=str(p), VPOS=str(q),
                                 WIDTH=str(max(r - p, 1)), HEIGHT=str(u - q), WC=f"{conf:.3f}",
                                 CC=str(min(9, round((1 - conf) * 10))))
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8").decode("utf-8")


PRODUCERS_HOCR = {"gcv2hocr": hocr_gcv2hocr, "typed": hocr_typed}
PRODUCERS_ALTO = {"escriptorium": alto_escriptorium, "charlevel": alto_charlevel}
SOURCE_NAME = {"tesseract": "Tesseract 5.3.0", "rapidocr": "RapidOCR 3.10.0 (PP-OCR)"}


def hocr_texts(text: str) -> list[str]:
    from lxml import html
    root = html.fromstring(text.encode("utf-8"), parser=html.HTMLParser(encoding="utf-8"))
    el = [e for e in root.iter() if isinstance(e.tag, str)]
    words = [e.text_content() for e in el if "ocrx_word" in (e.get("class") or "").split()]
    return words or [e.text_content() for e in el if (e.get("class") or "") == "ocr_line"]


def alto_texts(text: str) -> list[str]:
    from lxml import etree
    root = etree.fromstring(text.encode("utf-8"))
    return [e.get("CONTENT") for e in root.iter() if isinstance(e.tag, str) and e.tag.endswith("}String")]


# ---------------------------------------------------------------- gold, reading order, floors
def reading_order(sheet: Sheet, g: Geometry, lines: list[tuple[str, list]]) -> list[str]:
    """Each engine line goes to the printed line holding its box centre (mapped back to the clean
    sheet); lines sort by that printed line's rank, then left to right."""
    keyed = []
    for k, (text, box) in enumerate(lines):
        cx = sum(p[0] for p in box) / 4
        cy = sum(p[1] for p in box) / 4
        x, y = g.to_clean(cx, cy)
        best, best_key = 0, None
        for rank, pl in enumerate(sheet.lines):
            x0, y0, x1, y1 = pl.box
            pad = (y1 - y0) / 3
            inside = x0 - pad <= x <= x1 + pad and y0 - pad <= y <= y1 + pad
            area = (x1 - x0 + 1) * (y1 - y0 + 1)
            dist = math.hypot(max(x0 - x, 0, x - x1), max(y0 - y, 0, y - y1))
            key = (0, area) if inside else (1, dist)
            if best_key is None or key < best_key:
                best, best_key = rank, key
        keyed.append((best, x, k, text))
    return [t for *_, t in sorted(keyed)]


def floor(gold: str, texts: list[str]) -> tuple[int, int, int]:
    g = Counter(c for c in gold if not c.isspace())
    r = Counter(c for c in "".join(texts) if not c.isspace())
    return sum(g.values()), sum((g - r).values()), sum((r - g).values())


FIELDS = ["name", "split", "paper", "issue_date", "page", "section", "design", "body_face", "body_pt", "dpi", "scan",
          "rotation_deg", "json_shape", "detector_settings", "hocr_producer", "hocr_from", "alto_producer",
          "alto_from", "tesseract_langs", "tesseract_psm", "tesseract_preserve_spaces", "tesseract_char_boxes",
          "features", "stories", "gold_chars", "ocr_missing", "ocr_extra", "ocr_floor", "hocr_missing",
          "hocr_extra", "hocr_floor", "alto_missing", "alto_extra", "alto_floor"]
BODY_FACE = {"estate": "serif", "travel": "serif", "auto": "light", "food": "serif", "exam": "serif",
             "elder": "light"}
FEATURES = {"estate": "asymmetric_grid sidebar_small_face price_units data_table bar_chart_labels_in_image",
            "travel": "itinerary tips_box qr_code route_map_labels cutout_wrap",
            "auto": "latin_model_names spec_table case_story qr_code",
            "food": "ingredients_box numbered_steps kai_essay photo",
            "exam": "asymmetric_grid notice_attachments score_table timetable_box",
            "elder": "large_type events_list memorial_years"}


def build_page(plan: Plan, pieces: dict, args, rows: dict) -> None:
    font_dir, out, images = Path(args.font_dir), Path(args.out), Path(args.image_dir)
    sheet, height = compose(plan, pieces, font_dir)
    g = geometry(plan, sheet.width, height)
    folder = out / plan.split
    folder.mkdir(parents=True, exist_ok=True)
    name = plan.name
    if not args.no_ocr:
        images.mkdir(parents=True, exist_ok=True)
        clean = draw(sheet, height)
        clean.save(images / f"{name}.clean.png")
        scanned, _ = scan(clean, plan, g)
        image = images / f"{name}.png"
        scanned.save(image)
        stamp = hashlib.sha256(image.read_bytes()).hexdigest()[:12]  # engine results are cached per scan
        run = run_rapidocr(image, "defaults" if plan.shape == "a" else plan.detector,
                           images / f"{name}.{stamp}.rapid.json")
        tess_hocr, tess_alto = run_tesseract(image, plan, images / f"{name}.{stamp}.tess")
        if plan.shape == "a":
            tmp = images / f"{name}.{stamp}.qy"
            tmp.mkdir(exist_ok=True)
            qy = Path(sys.executable).parent / "qingyang"
            if not (tmp / f"{name}.paddle.json").is_file():
                subprocess.run([str(qy), "ocr", str(image), "--output", str(tmp)], check=True, env=env1(),
                               capture_output=True)
            shutil.copyfile(tmp / f"{name}.paddle.json", folder / f"{name}.paddle.json")
        else:
            engine = paddle_json(plan.shape, run, scanned.size, plan.detector)
            (folder / f"{name}.paddle.json").write_text(compact_json(engine) + "\n", encoding="utf-8")
        size = scanned.size
        src = {"tesseract": lambda: lines_from_tesseract(tess_hocr), "rapidocr": lambda: lines_from_rapid(run)}
        hp, hf = plan.hocr
        (folder / f"{name}.hocr").write_text(tess_hocr if hp == "tesseract" else PRODUCERS_HOCR[hp](
            src[hf](), size, SOURCE_NAME[hf]), encoding="utf-8")
        ap, af = plan.alto
        (folder / f"{name}.alto.xml").write_text(tess_alto if ap == "tesseract" else PRODUCERS_ALTO[ap](
            src[af](), size, SOURCE_NAME[af]), encoding="utf-8")
    gold = "\n".join(sheet.gold) + "\n"
    (folder / f"{name}.gold.txt").write_text(gold, encoding="utf-8")
    engine = json.loads((folder / f"{name}.paddle.json").read_text(encoding="utf-8"))
    lines = engine_lines(engine)
    ordered = reading_order(sheet, g, lines)
    (folder / f"{name}.txt").write_text("".join(t + "\n" for t in ordered), encoding="utf-8")
    n, om, oe = floor(gold, [t for t, _ in lines])
    _, hm, he = floor(gold, hocr_texts((folder / f"{name}.hocr").read_text(encoding="utf-8")))
    _, am, ae = floor(gold, alto_texts((folder / f"{name}.alto.xml").read_text(encoding="utf-8")))
    paper, label, section, _ = ISSUES[plan.design]
    stories = sorted(p["id"] for p in pieces.values() if p["design"] == plan.design and p["issue"] == plan.issue)
    rows[name] = {
        "name": name, "split": plan.split, "paper": paper, "issue_date": plan.issue, "page": label,
        "section": section, "design": plan.design, "body_face": BODY_FACE[plan.design], "body_pt": plan.body_pt,
        "dpi": DPI, "scan": plan.fault, "rotation_deg": plan.rotation, "json_shape": plan.shape,
        "detector_settings": plan.detector, "hocr_producer": plan.hocr[0], "hocr_from": plan.hocr[1],
        "alto_producer": plan.alto[0], "alto_from": plan.alto[1], "tesseract_langs": plan.langs,
        "tesseract_psm": plan.psm, "tesseract_preserve_spaces": plan.preserve,
        "tesseract_char_boxes": plan.char_boxes, "features": FEATURES[plan.design], "stories": " ".join(stories),
        "gold_chars": n, "ocr_missing": om, "ocr_extra": oe, "ocr_floor": f"{(om + oe) / max(n, 1):.4f}",
        "hocr_missing": hm, "hocr_extra": he, "hocr_floor": f"{(hm + he) / max(n, 1):.4f}",
        "alto_missing": am, "alto_extra": ae, "alto_floor": f"{(am + ae) / max(n, 1):.4f}"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--font-dir", default=os.environ.get("QINGYANG_ELEVENTH_FONTS", "/tmp/eleventh_fonts"))
    ap.add_argument("--out", default=str(ROOT / "tests" / "eval_eleventh"))
    ap.add_argument("--image-dir", default="/tmp/eleventh_images")
    ap.add_argument("--split", choices=("dev", "heldout"))
    ap.add_argument("--only", action="append")
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--plan", action="store_true")
    args = ap.parse_args(argv)
    plans = make_plan()
    if args.plan:
        for p in plans:
            print(p)
        return 0
    pieces = load_pieces()
    out = Path(args.out)
    manifest = out / "manifest.csv"
    rows = {}
    if manifest.is_file():
        rows = {r["name"]: r for r in csv.DictReader(manifest.open(encoding="utf-8"))}
    available = {(p["design"], p["issue"]) for p in pieces.values()}
    for plan in plans:
        if (args.split and plan.split != args.split) or (args.only and plan.name not in args.only):
            continue
        if (plan.design, plan.issue) not in available:
            continue
        if args.no_ocr and not (out / plan.split / f"{plan.name}.paddle.json").is_file():
            continue
        build_page(plan, pieces, args, rows)
        print(plan.name, plan.split, plan.design, plan.fault, file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, FIELDS, lineterminator="\n")
    writer.writeheader()
    for name in sorted(rows):
        writer.writerow({k: rows[name][k] for k in FIELDS})
    manifest.write_text(buf.getvalue(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
