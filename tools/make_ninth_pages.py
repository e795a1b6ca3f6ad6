"""Build tests/eval_ninth/: newspaper pages of six new designs about the made-up city 岚浦, scanned
with new faults and read by two engines whose producer settings vary page by page, some hOCR and
ALTO files converted from PP-OCR output as archive pipelines write them.

    python tools/make_ninth_pages.py [--out tests/eval_ninth] [--image-dir /tmp/ninth_images]
                                     [--font-dir /tmp/ninth_fonts] [--no-ocr] [--only NAME,...]

Every draw is seeded; the same sources, fonts and engines give the same files. With `--no-ocr`
the engines' files already in OUT (`NAME.paddle.json`, `NAME.hocr`, `NAME.alto.xml`) are read
back and the gold, the `.txt` and the manifest are written again from them. See
tests/eval_ninth/README.md for the designs, faults, producers and gold decisions.
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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from lxml import etree
from lxml import html as lxml_html
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "ninth_sources"
SPLIT_SEED = 909  # which issue of each design is dev: drawn before any text was written
NAME_SEED = 9091  # page names
DEAL_SEED = 9092  # faults, JSON shapes and producers dealt over the pages of a split
PAGE_SEED = 9093  # per-page draws: type, skew, engine settings

ISSUES = {
    "serial": ["2026-03-06", "2026-03-13", "2026-03-20", "2026-03-27"],
    "intl": ["2026-03-04", "2026-03-11", "2026-03-18", "2026-03-25"],
    "roster": ["2026-03-02", "2026-03-09", "2026-03-16"],
    "science": ["2026-03-03", "2026-03-10", "2026-03-17", "2026-03-24"],
    "letters": ["2026-03-05", "2026-03-12", "2026-03-19", "2026-03-26"],
    "vertical": ["1956-05-14", "1956-10-02", "1957-03-08"],
}
PAPER = {  # paper, page label, section
    "serial": ("岚浦晚报", "第11版", "连载·故事"),
    "intl": ("岚浦日报", "第5版", "国际新闻"),
    "roster": ("岚浦日报", "第8版", "公示"),
    "science": ("岚浦晚报", "第14版", "科技·健康"),
    "letters": ("岚浦晚报", "第6版", "民生热线"),
    "vertical": ("岚浦日报", "第二版", ""),
}
EDITORS = {
    "serial": "责任编辑：柏青 美编：罗一禾",
    "intl": "本版编辑：时雨晴 校对：冉冬",
    "roster": "本版编辑：姜澜",
    "science": "责任编辑：桑榆 版式：乔木",
    "letters": "本版编辑：纪遥 热线记者：闻笛",
}
DEV_FAULTS = ["lighting", "red", "pen", "holes", "screen", "clean"]
HELDOUT_FAULTS = ["lighting"] * 3 + ["red"] * 3 + ["pen"] * 3 + ["holes", "tape", "tape", "screen", "screen",
                                                                 "clean", "clean"]
SHAPES = ["a", "b", "e", "f", "g", "h"]
DEV_PRODUCERS = [("tesseract", "tesseract"), ("tesseract", "tesseract"), ("rapidocr", "tesseract"),
                 ("tesseract", "rapidocr"), ("rapidocr", "rapidocr"), ("tesseract", "tesseract")]
HELDOUT_PRODUCERS = ([("tesseract", "tesseract")] * 8 + [("rapidocr", "tesseract")] * 3
                     + [("tesseract", "rapidocr")] * 3 + [("rapidocr", "rapidocr")] * 2)
DETECTOR_SETTINGS = [  # how users tune RapidOCR 3.x's detector (keys of its config.yaml)
    {},
    {"Det.box_thresh": 0.6, "Det.unclip_ratio": 1.8},
    {"Global.max_side_len": 3000},
    {"Det.limit_side_len": 960},
    {"Det.thresh": 0.2, "Det.box_thresh": 0.4},
]
FONTS = {  # key: (file, index)
    "serif": ("NotoSerifCJKsc-Regular.otf", 0),
    "sans": ("NotoSansCJKsc-Regular.otf", 0),
    "ming": ("uming.ttc", 0),
    "kai": ("LXGWWenKai-Regular.ttf", 0),
    "monolight": ("LXGWWenKaiMono-Light.ttf", 0),
    "monobold": ("LXGWWenKaiMono-Bold.ttf", 0),
    "microhei": ("wqy-microhei.ttc", 1),
    "sung": ("gbsn00lp.ttf", 0),
}
FALLBACK = "ming"  # AR PL UMing has every glyph the sources use (vertical forms, ⁶, ℃, μ)

INK = (24, 22, 20)
RED = (196, 32, 38)
PAPER_WHITE = (250, 250, 247)
PAPER_TINT = (246, 236, 214)
PEN_BLUE = (36, 58, 168)

# a Latin or digit run stays one token (never broken inside), a space is a gap, else one glyph
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:%/+\-_@]*|\s|.")
# marks that may not begin a line (禁则): they hang on the line before
NO_START = set("，。、；：？！”’）》」』…%")
# marks that may not end a line: they move to the next
NO_END = set("“‘（《「『")
# a page pointer printed in the source between ⟦ ⟧: printed, never in the gold
POINTER = re.compile(r"⟦([^⟧]*)⟧")
# a printed gap beside a Chinese mark is no space in the gold (the text contract)
GAP_BESIDE_MARK = re.compile(r" +(?=[，。、；：？！“”‘’（）《》…—])|(?<=[，。、；：？！“”‘’（）《》…—]) +")
# a numbered item (1. 2. 3.) of a tips box: set flush, not indented
NUMBERED = re.compile(r"\d+\.(?!\d)")
VERTICAL_FORMS = str.maketrans({"，": "︐", "。": "︒", "、": "︑", "：": "︓", "；": "︔", "！": "︕", "？": "︖",
                                "“": "﹁", "”": "﹂", "‘": "﹃", "’": "﹄", "（": "︵", "）": "︶", "《": "︽",
                                "》": "︾", "—": "︱"})


def gold_of(printed: str) -> str:
    """A printed line or paragraph as the gold keeps it: pointers dropped, no gap beside a mark,
    the padding U+3000 of a name dropped."""
    text = POINTER.sub("", printed).replace("\u3000", "")
    return GAP_BESIDE_MARK.sub("", text).strip()


def printed_of(source: str) -> str:
    return POINTER.sub(r"\1", source)


# ---------------------------------------------------------------- faces and setting type


class Faces:
    def __init__(self, font_dir: Path):
        self.font_dir = font_dir
        self._fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}
        self._missing: dict[tuple[str, str], bool] = {}

    def font(self, key: str, size: int) -> ImageFont.FreeTypeFont:
        if (key, size) not in self._fonts:
            file, index = FONTS[key]
            self._fonts[(key, size)] = ImageFont.truetype(str(self.font_dir / file), size, index=index)
        return self._fonts[(key, size)]

    def has(self, key: str, ch: str) -> bool:
        if (key, ch) not in self._missing:
            font = self.font(key, 40)
            self._missing[(key, ch)] = _glyph(font, ch) == _glyph(font, "\ue000")
        return not self._missing[(key, ch)]

    def for_token(self, key: str, size: int, tok: str) -> ImageFont.FreeTypeFont:
        return self.font(key if all(self.has(key, c) for c in tok) else FALLBACK, size)


def _glyph(font, ch: str) -> bytes:
    im = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(im).text((4, 4), ch, font=font, fill=255)
    return im.tobytes()


@dataclass
class Style:
    face: str
    size: int  # px
    colour: tuple = INK
    bold: bool = False
    leading: float = 1.65


@dataclass
class Printed:
    box: tuple[float, float, float, float]
    vertical: bool = False
    kind: str = "body"


@dataclass
class Sheet:
    faces: Faces
    width: int
    dpi: int
    paper: tuple
    accent: tuple
    img: Image.Image = None
    lines: list[Printed] = field(default_factory=list)
    gold: list[str] = field(default_factory=list)
    screens: list[tuple] = field(default_factory=list)
    figures: list[tuple] = field(default_factory=list)
    bottom: float = 0.0

    def __post_init__(self):
        self.img = Image.new("RGB", (self.width, self.width * 3), self.paper)
        self.draw = ImageDraw.Draw(self.img)

    def px(self, pt: float) -> int:
        return round(pt * self.dpi / 72)

    def token_width(self, style: Style, tok: str) -> float:
        if tok.isspace():
            return style.size
        if len(tok) == 1 and (ord(tok) > 0x2E80 or tok in "“”‘’—…"):
            return style.size
        return self.faces.for_token(style.face, style.size, tok).getlength(tok)

    def gap_width(self, style: Style, before: str, after: str) -> float:
        """A printed space: a word space between Latin words, an em elsewhere."""
        latin = re.compile(r"[A-Za-z0-9]")
        if latin.search(before[-1:]) and latin.search(after[:1]):
            return style.size * 0.35
        return style.size

    def put(self, x: float, top: float, tok: str, style: Style, colour=None):
        font = self.faces.for_token(style.face, style.size, tok)
        fill = colour or style.colour
        self.draw.text((x, top + style.size * 0.88), tok, font=font, fill=fill, anchor="ls",
                       stroke_width=max(1, style.size // 28) if style.bold else 0, stroke_fill=fill)
        self.bottom = max(self.bottom, top + style.size)

    def register(self, box, vertical=False, kind="body"):
        self.lines.append(Printed(tuple(box), vertical, kind))


def tokens_of(text: str) -> list[str]:
    return TOKEN.findall(text)


def set_paragraph(sheet: Sheet, text: str, style: Style, width: float, indent: float) -> list[tuple[list, bool]]:
    """Break a paragraph into lines of (token, width) pairs, 禁则 kept; each with whether it is
    the paragraph's last line (not justified)."""
    toks = tokens_of(text)
    lines, cur, used = [], [], indent
    i = 0
    while i < len(toks):
        tok = toks[i]
        w = sheet.gap_width(style, toks[i - 1] if i else "", toks[i + 1] if i + 1 < len(toks) else "") \
            if tok.isspace() else sheet.token_width(style, tok)
        if not tok.isspace() and w > width - (indent if not lines else 0) and len(tok) > 1:
            toks[i:i + 1] = list(tok)  # a run wider than the column breaks between glyphs
            continue
        if used + w > width + 0.5 and cur and not (tok in NO_START and used <= width + 0.5):
            carry = []
            while cur and cur[-1][0] in NO_END:
                carry.insert(0, cur.pop())
            while cur and cur[-1][0].isspace():
                cur.pop()
            lines.append(cur)
            cur = carry
            used = sum(cw for _, cw in cur)
            if tok.isspace():
                i += 1
                continue
        cur.append((tok, w))
        used += w
        i += 1
    if cur:
        lines.append(cur)
    return [(line, n == len(lines) - 1) for n, line in enumerate(lines)]


def draw_set_line(sheet: Sheet, line: list, style: Style, x: float, top: float, width: float, justify: bool,
                  kind="body", align="left"):
    natural = sum(w for _, w in line)
    gaps = len(line) - 1
    extra = (width - natural) / gaps if justify and gaps > 0 else 0.0
    if justify and extra > style.size * 1.2:
        extra = 0.0
    start = x + {"left": 0, "center": (width - natural) / 2, "right": width - natural}[align] if not justify else x
    cx = start
    for tok, w in line:
        if not tok.isspace():
            sheet.put(cx, top, tok, style)
        cx += w + extra
    sheet.register((start, top, cx - extra, top + style.size), kind=kind)


def text_block(sheet: Sheet, paras: list, style: Style, x: float, top: float, width: float, ncols: int,
               gutter: float, gold: bool = True) -> float:
    """Set paragraphs in ncols balanced columns; each para is (text, mode) with mode one of
    'indent', 'flush', 'center', 'right', 'blank'. Registers lines column by column."""
    colw = (width - gutter * (ncols - 1)) / ncols
    setl = []
    for text, mode in paras:
        if mode == "blank":
            setl.append(None)
            continue
        ind = style.size * 2 if mode == "indent" else 0
        for n, (line, last) in enumerate(set_paragraph(sheet, printed_of(text), style, colw, ind)):
            setl.append((line, last, ind if n == 0 else 0, mode))
        if gold and gold_of(text):
            sheet.gold.append(gold_of(text))
    per = math.ceil(len(setl) / ncols)
    pitch = style.size * style.leading
    bottom = top
    for c in range(ncols):
        chunk = setl[c * per:(c + 1) * per]
        while chunk and chunk[0] is None:
            chunk = chunk[1:]
        cx = x + c * (colw + gutter)
        for r, item in enumerate(chunk):
            if item is None:
                continue
            line, last, ind, mode = item
            y = top + r * pitch
            align = {"center": "center", "right": "right"}.get(mode, "left")
            draw_set_line(sheet, line, style, cx + ind, y, colw - ind,
                          justify=not last and align == "left" and mode != "ragged", align=align)
            bottom = max(bottom, y + pitch)
    return bottom


def display(sheet: Sheet, text: str, style: Style, x: float, top: float, width: float, align="center",
            kind="display", gold: bool = True, reverse=False) -> float:
    """One display line (a title, a label, a byline), shrunk to fit; a space prints as a gap."""
    line = [(t, sheet.gap_width(style, "", "") if t.isspace() else sheet.token_width(style, t))
            for t in tokens_of(printed_of(text))]
    natural = sum(w for _, w in line)
    if natural > width:
        style = Style(style.face, max(8, int(style.size * width / natural) - 1), style.colour, style.bold,
                      style.leading)
        return display(sheet, text, style, x, top, width, align, kind, gold, reverse)
    if reverse:
        pad = style.size * 0.3
        left = x + {"left": 0, "center": (width - natural) / 2, "right": width - natural}[align]
        sheet.draw.rectangle((left - pad, top - pad, left + natural + pad, top + style.size + pad),
                             fill=sheet.accent)
        style = Style(style.face, style.size, sheet.paper, style.bold, style.leading)
    draw_set_line(sheet, line, style, x, top, width, justify=False, kind=kind, align=align)
    if gold:
        sheet.gold.append(gold_of(text))
    return top + style.size * (1.5 if not reverse else 1.8)


def rule(sheet: Sheet, x0, y0, x1, y1, width=2, colour=None):
    sheet.draw.line((x0, y0, x1, y1), fill=colour or sheet.accent, width=width)


def frame(sheet: Sheet, box, screen: bool, width=2):
    sheet.draw.rectangle(box, outline=sheet.accent, width=width)
    if screen:
        sheet.screens.append(tuple(box))


def halftone(sheet: Sheet, box, rng: random.Random, kind="photo"):
    """A photo (or a map) printed as dots: no glyph in it."""
    x0, y0, x1, y1 = (int(v) for v in box)
    w, h = x1 - x0, y1 - y0
    small = np.array(Image.effect_noise((max(2, w // 40), max(2, h // 40)), 60)
                     .resize((w, h), Image.BICUBIC), dtype=float) / 255.0
    if kind == "map":  # land masses as soft blobs on light sea, a graticule
        small = np.clip((small - 0.45) * 3, 0, 1) * 0.55 + 0.08
    tone = np.clip(small, 0.05, 0.95)
    step = max(5, sheet.dpi // 85)
    layer = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(layer)
    for yy in range(0, h, step):
        for xx in range(0, w, step):
            r = step * 0.72 * math.sqrt(tone[min(h - 1, yy), min(w - 1, xx)])
            if r > 0.6:
                d.ellipse((xx - r, yy - r, xx + r, yy + r), fill=0)
    if kind == "map":
        for gx in range(0, w, w // 6):
            d.line((gx, 0, gx, h), fill=90, width=1)
        for gy in range(0, h, h // 4):
            d.line((0, gy, w, gy), fill=90, width=1)
        for _ in range(5):
            mx, my = rng.randrange(w // 8, w - w // 8), rng.randrange(h // 8, h - h // 8)
            d.ellipse((mx - 7, my - 7, mx + 7, my + 7), fill=0)
    region = sheet.img.crop((x0, y0, x1, y1))
    ink = Image.new("RGB", (w, h), INK)
    sheet.img.paste(Image.composite(region, ink, layer), (x0, y0))
    sheet.draw.rectangle((x0, y0, x1, y1), outline=INK, width=1)
    sheet.figures.append((x0, y0, x1, y1))


# ---------------------------------------------------------------- the pages


@dataclass
class Page:
    name: str
    split: str
    design: str
    issue: str
    fault: str
    shape: str
    hocr_producer: str
    alto_producer: str
    rng_seed: str
    draws: dict = field(default_factory=dict)

    @property
    def paper(self):
        return PAPER[self.design]


def load_pieces() -> dict[str, list[dict]]:
    pieces = {}
    for design in ISSUES:
        path = SOURCES / f"{design}.toml"
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"piece": []}
        pieces[design] = data
    return pieces


def plan_pages(pieces: dict) -> list[Page]:
    """Every issue of every design that has pieces, named, split and dealt by seed."""
    split_rng = random.Random(SPLIT_SEED)
    dev_issue = {d: split_rng.choice(issues) for d, issues in ISSUES.items()}
    all_issues = [(d, i) for d, issues in ISSUES.items() for i in issues]
    names = list(range(1, len(all_issues) + 1))
    random.Random(NAME_SEED).shuffle(names)
    named = {key: f"ninth_{n:02d}" for key, n in zip(all_issues, names, strict=True)}
    deal = random.Random(DEAL_SEED)
    dev = [k for k in all_issues if dev_issue[k[0]] == k[1]]
    held = [k for k in all_issues if dev_issue[k[0]] != k[1]]
    plans = {}
    for keys, faults, producers in ((dev, DEV_FAULTS, DEV_PRODUCERS), (held, HELDOUT_FAULTS, HELDOUT_PRODUCERS)):
        faults, producers, shapes = list(faults), list(producers), (SHAPES * 3)[:len(keys)]
        deal.shuffle(faults)
        deal.shuffle(producers)
        deal.shuffle(shapes)
        for k, f, p, s in zip(keys, faults, producers, shapes, strict=True):
            plans[k] = (f, p, s)
    pages = []
    for key in all_issues:
        design, issue = key
        if not any(p["issue"] == issue for p in pieces[design]["piece"]):
            continue
        fault, (hp, ap), shape = plans[key]
        pages.append(Page(named[key], "dev" if key in dev else "heldout", design, issue, fault, shape, hp, ap,
                          f"{PAGE_SEED}-{design}-{issue}"))
    return sorted(pages, key=lambda p: p.name)


def weekday(issue: str) -> str:
    return "星期" + "一二三四五六日"[dt.date.fromisoformat(issue).weekday()]


def chinese_date(issue: str) -> str:
    digits = "〇一二三四五六七八九"
    d = dt.date.fromisoformat(issue)

    def small(n):
        return ("十" if n == 10 else ("十" + digits[n % 10] if n < 20 else digits[n // 10] + "十"
                                     + (digits[n % 10] if n % 10 else ""))) if n >= 10 else digits[n]
    return "".join(digits[int(c)] for c in str(d.year)) + f"年{small(d.month)}月{small(d.day)}日"


def header(sheet: Sheet, page: Page, x: float, top: float, width: float, body: int) -> float:
    paper, label, section = page.paper
    d = dt.date.fromisoformat(page.issue)
    items = [(label, Style("sans", round(body * 1.6), sheet.accent, True)),
             (section, Style("sans", round(body * 2.1), sheet.accent, True)),
             (paper, Style("monobold", round(body * 1.3))),
             (f"{d.year}年{d.month}月{d.day}日 {weekday(page.issue)}", Style("ming", round(body * 1.05))),
             (EDITORS[page.design], Style("kai", round(body * 1.0)))]
    rng = random.Random(page.rng_seed + "-header")
    if rng.random() < 0.5:  # the section title to the left or the page label to the left
        items[0], items[1] = items[1], items[0]
    tall = max(s.size for _, s in items)
    widths = [sum(sheet.gap_width(s, "", "") if t.isspace() else sheet.token_width(s, t) for t in tokens_of(txt))
              for txt, s in items]
    gap = (width - sum(widths)) / (len(items) - 1)
    cx = x
    for (txt, s), w in zip(items, widths, strict=True):
        display(sheet, txt, s, cx, top + (tall - s.size) * 0.7, w + 2, align="left", kind="header")
        cx += w + gap
    y = top + tall * 1.25
    rule(sheet, x, y, x + width, y, width=max(4, body // 6))
    rule(sheet, x, y + body * 0.4, x + width, y + body * 0.4, width=1)
    return y + body * 1.4


def paragraphs_of(body: str) -> list[tuple[str, str]]:
    """Source body lines to (text, mode): a blank line is a scene break, a lone numeral or ＊＊＊ a
    centred section mark, (未完待续) set right, #label a flush display line, else an indented paragraph."""
    out = []
    for line in body.split("\n"):
        if not line.strip():
            out.append(("", "blank"))
        elif re.fullmatch(r"[一二三四五六七八九十]|＊＊＊", line):
            out.append((line, "center"))
        elif line in ("（未完待续）", "（完）"):
            out.append((line, "right"))
        elif line.startswith("#"):
            out.append((line[1:], "flush"))
        elif line.startswith(("热线", "短信", "电子", "接听", "联系", "来访", "邮政", "地址", "电话")):
            out.append((line, "ragged"))
        elif line.startswith(("◆", "①", "②", "③", "④", "⑤", "⑥", "问：", "答：", "编辑同志", "公示时间")) \
                or NUMBERED.match(line):
            out.append((line, "flush"))
        else:
            out.append((line, "indent"))
    return out


class Grid:
    """A page's columns and the lowest point of each (a skyline)."""

    def __init__(self, x0: float, colw: float, gutter: float, ncols: int, top: float):
        self.x0, self.colw, self.gutter, self.n = x0, colw, gutter, ncols
        self.sky = [top] * ncols

    def span(self, c0: int, n: int) -> tuple[float, float, float]:
        x = self.x0 + c0 * (self.colw + self.gutter)
        return x, n * self.colw + (n - 1) * self.gutter, max(self.sky[c0:c0 + n])

    def close(self, c0: int, n: int, bottom: float):
        for c in range(c0, c0 + n):
            self.sky[c] = bottom


def story(sheet: Sheet, p: dict, grid: Grid, c0: int, n: int, body: Style, title: Style, rng, *,
          photo: bool = False, ncols: int | None = None, title_align="center") -> float:
    x, w, y = grid.span(c0, n)
    small = Style("kai", round(body.size * 1.0))
    if p.get("kicker"):
        y = display(sheet, p["kicker"], Style("sans", round(body.size * 1.15), sheet.accent, True), x, y, w,
                    align="left")
    if p.get("title"):
        y = display(sheet, p["title"], title, x, y, w, align=title_align)
    if p.get("sub"):
        y = display(sheet, p["sub"], Style(title.face, round(title.size * 0.62), title.colour), x, y, w,
                    align=title_align)
    if p.get("number"):
        y = display(sheet, p["number"], Style("ming", round(body.size * 1.2)), x, y, w, align=title_align)
    if p.get("byline"):
        y = display(sheet, p["byline"], small, x, y, w, align="center" if title_align == "center" else "left",
                    kind="byline")
    if photo:
        ph = w * rng.uniform(0.22, 0.3)
        halftone(sheet, (x, y + 4, x + w, y + 4 + ph), rng)
        y = caption(sheet, p.get("caption", ""), body, x, y + ph + body.size * 0.6, w)
    y = text_block(sheet, paragraphs_of(p["body"]), body, x, y + body.size * 0.3, w, ncols or n,
                   grid.gutter)
    if p.get("sign"):
        for s in p["sign"].split("\n"):
            y = display(sheet, s, Style("kai", body.size), x, y, w, align="right", kind="byline")
    y += body.size * 1.2
    rule(sheet, x, y - body.size * 0.6, x + w, y - body.size * 0.6, width=1, colour=INK)
    grid.close(c0, n, y)
    return y


def boxed(sheet: Sheet, p: dict, grid: Grid, c0: int, n: int, body: Style, screen: bool, *,
          reverse_label=False, ncols=1) -> float:
    x, w, y = grid.span(c0, n)
    pad = body.size * 0.7
    top = y
    yy = y + pad
    if p.get("label"):
        yy = display(sheet, p["label"], Style("sans", round(body.size * 1.25), sheet.accent, True), x + pad, yy,
                     w - 2 * pad, align="center", reverse=reverse_label)
    if p.get("title"):
        yy = display(sheet, p["title"], Style("sans", round(body.size * 1.3), INK, True), x + pad, yy, w - 2 * pad)
    yy = text_block(sheet, paragraphs_of(p["body"]), body, x + pad, yy, w - 2 * pad, ncols, grid.gutter)
    if p.get("byline"):
        yy = display(sheet, p["byline"], Style("kai", body.size), x + pad, yy, w - 2 * pad, align="right",
                     kind="byline")
    bottom = yy + pad * 0.6
    frame(sheet, (x, top, x + w, bottom), screen)
    grid.close(c0, n, bottom + body.size * 1.2)
    return bottom


def caption(sheet: Sheet, text: str, body: Style, x: float, y: float, w: float) -> float:
    """A caption (and its credit, after a newline in the source) set ragged under its figure;
    each one gold line."""
    style = Style("kai", round(body.size * 0.9), leading=1.45)
    paras = [(t, "ragged") for t in text.split("\n") if t]
    return text_block(sheet, paras, style, x, y, w, 1, 0) + body.size * 0.2


def figure(sheet: Sheet, caption_text: str, grid: Grid, c0: int, n: int, body: Style, rng, kind="photo",
           ratio=0.8) -> float:
    x, w, y = grid.span(c0, n)
    h = w * ratio
    halftone(sheet, (x, y, x + w, y + h), rng, kind)
    y = caption(sheet, caption_text, body, x, y + h + body.size * 0.5, w)
    grid.close(c0, n, y + body.size)
    return y


def by_role(pieces: list[dict], role: str) -> list[dict]:
    return [p for p in pieces if p["role"] == role]


def new_sheet(faces, page: Page, width_em: float, body_px: int, dpi: int) -> Sheet:
    red = page.fault == "red"
    return Sheet(faces, int(width_em), dpi, PAPER_TINT if red else PAPER_WHITE, RED if red else INK)


def layout_columns(page: Page, rng, dpi: int, body_pt: float, ncols: int, col_em: float):
    body_px = round(body_pt * dpi / 72)
    gutter = round(body_px * rng.uniform(1.3, 1.6))
    colw = round(body_px * col_em)
    margin = round(dpi * 0.35)
    width = 2 * margin + ncols * colw + (ncols - 1) * gutter
    return body_px, gutter, colw, margin, width


def four_column_page(faces, page: Page, rng, dpi: int, face: str):
    """A page of four columns 10.5-12 em wide under its header: the sheet, the body's style in
    `face`, the column grid under the header, the body's glyph size and the gutter."""
    body_px, gut, colw, m, width = layout_columns(page, rng, dpi, page.draws["body_pt"], 4, rng.uniform(10.5, 12))
    sheet = new_sheet(faces, page, width, body_px, dpi)
    body = Style(face, body_px, leading=page.draws["leading"])
    y = header(sheet, page, m, m, width - 2 * m, body_px)
    return sheet, body, Grid(m, colw, gut, 4, y), body_px, gut


def build_serial(faces, page, pieces, rng, dpi):
    sheet, body, grid, body_px, gut = four_column_page(faces, page, rng, dpi, "serif")
    part, recap, short = by_role(pieces, "installment")[0], by_role(pieces, "recap"), by_role(pieces, "story")
    x, w, y = grid.span(0, 3)
    title = Style("monobold", round(body_px * 3.2), sheet.accent)
    y = display(sheet, part["kicker"], Style("sans", round(body_px * 1.15), sheet.accent, True), x, y, w, "left")
    y = display(sheet, part["title"], title, x, y, w)
    y = display(sheet, part["number"], Style("ming", round(body_px * 1.3)), x, y, w)
    y = display(sheet, part["byline"], Style("kai", body_px), x, y, w, kind="byline")
    grid.close(0, 3, y)
    if recap:
        boxed(sheet, recap[0], grid, 0, 3, Style("kai", round(body_px * 0.95), leading=1.55),
              page.fault == "screen" or rng.random() < 0.5, ncols=2)
    x, w, y = grid.span(0, 3)
    y = text_block(sheet, paragraphs_of(part["body"]), body, x, y, w, 3, gut)
    grid.close(0, 3, y + body_px)
    figure(sheet, part.get("caption", ""), grid, 3, 1, body, rng, ratio=rng.uniform(0.9, 1.2))
    for p in short:
        story(sheet, p, grid, 3, 1, body, Style("monobold", round(body_px * 1.9), sheet.accent), rng)
    return sheet, max(grid.sky)


def build_intl(faces, page, pieces, rng, dpi):
    sheet, body, grid, body_px, _ = four_column_page(faces, page, rng, dpi, "ming")
    title = Style("sans", round(body_px * 2.4), sheet.accent, True)
    for p in by_role(pieces, "lead"):
        story(sheet, {k: v for k, v in p.items() if k != "caption"}, grid, 0, 3, body, title, rng)
        figure(sheet, p["caption"], grid, 3, 1, body, rng, kind="map", ratio=0.62)
    for p in by_role(pieces, "story"):
        story(sheet, p, grid, 0, 3, body, Style("sans", round(body_px * 1.9), INK, True), rng, photo=True)
    for p in by_role(pieces, "briefs"):
        boxed(sheet, p, grid, 3, 1, Style("ming", round(body_px * 0.95), leading=1.6),
              page.fault == "screen", reverse_label=True)
    return sheet, max(grid.sky)


def name_cells(rng: random.Random, pools: dict, count: int) -> list[str]:
    names, seen = [], set()
    while len(names) < count:
        given = "".join(rng.choice(pools["given"]) for _ in range(1 if rng.random() < 0.45 else 2))
        name = rng.choice(pools["surnames"]) + given
        if name in seen:
            continue
        seen.add(name)
        names.append(name if len(name) == 3 else name[0] + "\u3000" + name[1])
    return names


def unit_cells(rng: random.Random, pools: dict, count: int) -> list[str]:
    units = []
    fixed = list(pools["units"])
    rng.shuffle(fixed)
    while len(units) < count:
        if rng.random() < 0.55:
            u = rng.choice(pools["districts"]) + rng.choice(pools["streets"]) + rng.choice(pools["communities"])
        else:
            u = fixed.pop() if fixed else rng.choice(pools["districts"]) + "综合服务中心"
        if u not in units:
            units.append(u)
    return units


def school_cells(rng: random.Random, pools: dict, count: int) -> list[str]:
    return rng.sample(pools["schools"], count)


def grid_rows(sheet: Sheet, cells: list[str], style: Style, x: float, top: float, width: float,
              cell_em: float) -> float:
    """Names or units set in a grid: cells of a fixed width, each printed row one gold line with
    the cells one space apart."""
    per = max(1, int((width + style.size) // (style.size * cell_em)))
    cellw = width / per
    pitch = style.size * style.leading
    y = top
    for r in range(0, len(cells), per):
        row = cells[r:r + per]
        for k, cell in enumerate(row):
            cx = x + k * cellw
            for tok in tokens_of(cell):
                if not tok.isspace():
                    sheet.put(cx, y, tok, style)
                cx += sheet.token_width(style, tok) if tok != "\u3000" else style.size
        sheet.register((x, y, x + (len(row) - 1) * cellw + len(row[-1]) * style.size, y + style.size))
        sheet.gold.append(" ".join(gold_of(c) for c in row))
        y += pitch
    return y


def build_roster(faces, page, pieces, rng, dpi):
    body_px, gut, _colw, m, width = layout_columns(page, rng, dpi, page.draws["body_pt"], 5, rng.uniform(11, 12.5))
    sheet = new_sheet(faces, page, width, body_px, dpi)
    body = Style("monolight", body_px, leading=1.55)
    y = header(sheet, page, m, m, width - 2 * m, round(body_px * 1.35))
    data = tomllib.loads((SOURCES / "roster.toml").read_text(encoding="utf-8"))
    pools = data["pools"]
    x, w = m, width - 2 * m
    for p in by_role(pieces, "notice"):
        lists = []
        for spec in p.get("lists", []):
            head, kind, count = spec.split(":")
            count = int(count)
            cells = {"units": unit_cells, "names": name_cells, "schools": school_cells}[kind](rng, pools, count)
            lists.append((head.format(n=count), kind, cells))
        counts = {k: len(c) for _, k, c in lists}
        y = display(sheet, p["title"], Style("sans", round(body_px * 2.3), sheet.accent, True), x, y + body_px, w)
        collective = sum(n for k, n in counts.items() if k != "names")  # units or schools
        text = p["body"].format(units=collective, people=counts.get("names", 0))
        y = text_block(sheet, paragraphs_of(text), body, x, y + body_px * 0.5, w, 3, gut)
        for s in p["sign"].split("\n"):
            y = display(sheet, s, body, x, y, w - body_px * 2, align="right", kind="byline")
        y += body_px
        for head, kind, cells in lists:
            y = display(sheet, head, Style("sans", round(body_px * 1.2), sheet.accent, True), x, y + body_px * 0.4,
                        w, align="left")
            y = grid_rows(sheet, cells, body, x + body_px * 2, y, w - body_px * 2,
                          {"units": 15, "schools": 12}.get(kind, 5))
        y += body_px * 1.5
    return sheet, y


def build_science(faces, page, pieces, rng, dpi):
    sheet, body, grid, body_px, _ = four_column_page(faces, page, rng, dpi, "serif")
    screen = page.fault == "screen" or True  # the tips box always sits on a screen (底纹)
    for p in by_role(pieces, "lead"):
        story(sheet, p, grid, 0, 3, body, Style("sans", round(body_px * 2.3), sheet.accent, True), rng)
    for p in by_role(pieces, "tips"):
        boxed(sheet, p, grid, 3, 1, Style("kai", body_px, leading=1.6), screen)
    for p in by_role(pieces, "qa"):
        boxed(sheet, p, grid, 0, 2, Style("serif", body_px, leading=page.draws["leading"]), False,
              reverse_label=True, ncols=2)
    for p in by_role(pieces, "brief"):
        c0 = 2 if grid.sky[2] <= grid.sky[0] + body_px * 30 else 0
        story(sheet, p, grid, c0, 2, body, Style("sans", round(body_px * 1.6), INK, True), rng, title_align="left")
    return sheet, max(grid.sky)


def build_letters(faces, page, pieces, rng, dpi):
    body_px, gut, colw, m, width = layout_columns(page, rng, dpi, page.draws["body_pt"], 4, rng.uniform(10.5, 12))
    small = round(page.draws["small_pt"] * dpi / 72)
    strip_w = round(small * 7.5)
    left_strip = rng.random() < 0.5
    width += strip_w + 2 * gut
    sheet = new_sheet(faces, page, width, body_px, dpi)
    body = Style("ming", body_px, leading=page.draws["leading"])
    px0 = m + (strip_w + 2 * gut if left_strip else 0)
    y0 = header(sheet, page, px0, m, width - 2 * m - strip_w - 2 * gut, body_px)
    grid = Grid(px0, colw, gut, 4, y0)
    title = Style("monobold", round(body_px * 1.9), INK)
    letters, replies = by_role(pieces, "letter"), by_role(pieces, "reply")
    for n, p in enumerate(letters):
        story(sheet, p, grid, 0, 2, body, title, rng)
        if n < len(replies):
            boxed(sheet, replies[n], grid, 2, 2, body, page.fault == "screen", ncols=2)
    for p in by_role(pieces, "editor"):
        c0 = 2 if grid.sky[2] < grid.sky[0] else 0
        boxed(sheet, p, grid, c0, 1, Style("kai", body_px, leading=1.6), False)
    for p in by_role(pieces, "hotline"):
        c0 = min(range(4), key=lambda c: grid.sky[c])
        boxed(sheet, p, grid, c0, 1, Style("sans", round(body_px * 0.95), leading=1.6), True, reverse_label=True)
    bottom = max(grid.sky)
    sx = m if left_strip else width - m - strip_w
    rx = sx + strip_w + gut if left_strip else sx - gut
    rule(sheet, rx - 3, m, rx - 3, bottom, width=1, colour=INK)
    rule(sheet, rx + 3, m, rx + 3, bottom, width=1, colour=INK)
    gs = Style("microhei", small, leading=1.45)
    y = m
    for p in by_role(pieces, "gutter"):
        for text, mode in paragraphs_of(p["body"]):
            if mode == "flush" and len(text) <= 6:
                y = display(sheet, text, Style("sans", round(small * 1.3), INK, True), sx, y + small * 0.4, strip_w)
            else:
                y = text_block(sheet, [(text, mode)], gs, sx, y, strip_w, 1, gut)
    return sheet, max(bottom, y + small)


def build_vertical(faces, page, pieces, rng, dpi):
    size = round(page.draws["body_pt"] * dpi / 72)
    per_col = rng.randrange(24, 29)
    pitch = round(size * rng.uniform(1.55, 1.7))
    m = round(dpi * 0.35)
    width = m * 2 + pitch * 24
    sheet = new_sheet(faces, page, width, size, dpi)
    paper, label, _ = page.paper
    items = [(paper, Style("sans", round(size * 1.5), INK, True)),
             (f"{chinese_date(page.issue)} {weekday(page.issue)}", Style("ming", size)),
             (label, Style("sans", round(size * 1.3), INK, True))]
    widths = [sum(sheet.gap_width(s, "", "") if t.isspace() else sheet.token_width(s, t) for t in tokens_of(txt))
              for txt, s in items]
    gap = (width - 2 * m - sum(widths)) / 2
    cx = m
    for (txt, s), w in zip(items, widths, strict=True):
        display(sheet, txt, s, cx, m, w + 2, align="left", kind="header")
        cx += w + gap
    y = m + size * 2.2
    rule(sheet, m, y, width - m, y, width=4, colour=INK)
    tier_top = y + size * 0.8
    tier_h = per_col * size
    right = width - m
    for p in pieces:
        cols = vertical_columns(p, size, per_col)
        need = sum(c[1] for c in cols) + pitch
        if right - need < m:  # a new tier under this one
            tier_top += tier_h + size * 2.5
            rule(sheet, m, tier_top - size * 1.2, width - m, tier_top - size * 1.2, width=2, colour=INK)
            right = width - m
        x = right
        for text, colw, csize, face, kind, indent in cols:
            cx = x - colw / 2
            top = tier_top + indent * csize
            style = Style(face, csize, INK, kind == "display")
            for k, ch in enumerate(text):
                if ch != " ":
                    glyph = ch.translate(VERTICAL_FORMS)
                    gx = cx - sheet.faces.for_token(face, csize, glyph).getlength(glyph) / 2
                    sheet.put(gx, top + k * csize, glyph, style)
            sheet.register((cx - csize / 2, top, cx + csize / 2, top + len(text) * csize), vertical=True, kind=kind)
            x -= colw
        for g in vertical_gold(p):
            sheet.gold.append(g)
        right = x - pitch / 2
        if right - pitch > m:
            rule(sheet, right, tier_top, right, tier_top + tier_h, width=1, colour=INK)
        right -= pitch / 2
    return sheet, tier_top + tier_h + m


def vertical_columns(p: dict, size: int, per_col: int) -> list[tuple]:
    """A story's columns, right to left: the title (one or two columns of large type), its deck,
    then each paragraph from a new column, indented two glyphs, cut every per_col glyphs."""
    cols = []
    tsize = round(size * 2.0)
    title = p["title"]
    per_title = int(per_col * size / tsize)
    parts = [title] if len(title) <= per_title else [title[:math.ceil(len(title) / 2)],
                                                     title[math.ceil(len(title) / 2):]]
    for part in parts:
        cols.append((part, tsize * 1.35, tsize, "sans", "display", 0))
    if p.get("sub"):
        ssize = round(size * 1.25)
        cols.append((p["sub"], ssize * 1.6, ssize, "kai", "display", 1))
    pitch = size * 1.62
    for para in p["body"].split("\n"):
        text = "  " + para
        while text:
            cut = per_col + (1 if text[per_col:per_col + 1] in NO_START and text[per_col:per_col + 1] else 0)
            cols.append((text[:cut], pitch, size, "ming", "body", 0))
            text = text[cut:]
    if p.get("sign"):  # a signature set at the foot of its own column
        cols.append((p["sign"], pitch, size, "kai", "byline", max(0, per_col - len(p["sign"]))))
    return cols


def vertical_gold(p: dict) -> list[str]:
    return [gold_of(p["title"])] + ([gold_of(p["sub"])] if p.get("sub") else []) + \
        [gold_of(x) for x in p["body"].split("\n")] + ([gold_of(p["sign"])] if p.get("sign") else [])


BUILDERS = {"serial": build_serial, "intl": build_intl, "roster": build_roster, "science": build_science,
            "letters": build_letters, "vertical": build_vertical}


def draw_page_params(page: Page):
    rng = random.Random(page.rng_seed)
    small_type = page.design == "roster"
    page.draws = {
        "body_pt": round(rng.uniform(6.3, 7.0) if small_type else
                         rng.uniform(9.8, 10.6) if page.design == "vertical" else rng.uniform(8.8, 10.0), 1),
        "small_pt": round(rng.uniform(6.2, 7.0), 1),
        "leading": round(rng.uniform(1.55, 1.75), 2),
        "dpi": 400 if page.fault == "clean" and page.split == "dev" else 300,
        "rotation": 0.0 if page.fault == "clean" else round(rng.choice((-1, 1)) * rng.uniform(0.3, 3.0), 2),
        "psm": rng.choice((3, 1, 11, 12) if page.design in ("roster", "letters") else (3, 1)),
        "char_boxes": int(rng.random() < 0.35),
        "preserve_spaces": int(rng.random() < 0.4),
        "langs": "chi_sim+eng" if page.design in ("intl", "science") else "chi_sim",
        "detector": {} if page.shape == "a" else DETECTOR_SETTINGS[rng.randrange(len(DETECTOR_SETTINGS))],
        "hocr_blocks": rng.choice(("gap", "single")),
    }
    return rng


# ---------------------------------------------------------------- scan faults


class Geometry:
    """The scan's rotation about the page centre (degrees, counter-clockwise as PIL turns)."""

    def __init__(self, angle: float, size: tuple[int, int]):
        self.angle, self.cx, self.cy = angle, size[0] / 2, size[1] / 2

    def to_clean(self, x: float, y: float) -> tuple[float, float]:
        t = math.radians(self.angle)
        dx, dy = x - self.cx, y - self.cy
        return (self.cx + dx * math.cos(t) - dy * math.sin(t), self.cy + dx * math.sin(t) + dy * math.cos(t))


def pen_marks(img: Image.Image, sheet: Sheet, rng: random.Random):
    """Blue ballpoint over some lines: underlines, a circled word, a tick in the margin."""
    d = ImageDraw.Draw(img)
    body = [ln for ln in sheet.lines if ln.kind == "body" and max(ln.box[2] - ln.box[0], ln.box[3] - ln.box[1]) > 200]
    for ln in rng.sample(body, min(4, len(body))):
        x0, y0, x1, y1 = ln.box
        if ln.vertical:  # a vertical column is marked by a line down its left side (its "underline")
            xb = x0 - (x1 - x0) * 0.18
            pts = [(xb + rng.uniform(-2, 2), y) for y in np.linspace(y0 + rng.uniform(0, 40), y1 - rng.uniform(0, 60), 12)]
        else:
            yb = y1 + (y1 - y0) * 0.18
            pts = [(x, yb + rng.uniform(-2, 2)) for x in np.linspace(x0 + rng.uniform(0, 40), x1 - rng.uniform(0, 60), 12)]
        d.line(pts, fill=PEN_BLUE, width=3)
    for ln in rng.sample(body, min(2, len(body))):
        x0, y0, x1, y1 = ln.box
        if ln.vertical:
            h = x1 - x0
            cy = rng.uniform(y0 + 2 * h, max(y0 + 2 * h + 1, y1 - 2 * h))
            d.ellipse((x0 - 0.35 * h, cy - 1.7 * h, x1 + 0.35 * h, cy + 1.7 * h), outline=PEN_BLUE, width=3)
            continue
        h = y1 - y0
        cx = rng.uniform(x0 + 2 * h, max(x0 + 2 * h + 1, x1 - 2 * h))
        d.ellipse((cx - 1.7 * h, y0 - 0.35 * h, cx + 1.7 * h, y1 + 0.35 * h), outline=PEN_BLUE, width=3)
    if body:
        x0, y0, x1, y1 = rng.choice(body).box
        tx = rng.uniform(sheet.dpi * 0.08, sheet.dpi * 0.2)
        d.line([(tx, y0 + 8), (tx + 10, y1), (tx + 30, y0 - 10)], fill=PEN_BLUE, width=4)


def punch_holes(img: Image.Image, rng: random.Random, dpi: int):
    """Two filing holes through the inner margin, the scanner lid dark behind them; they bite into
    the first glyphs of the lines beside them."""
    d = ImageDraw.Draw(img)
    r = dpi * 0.12
    x = dpi * rng.uniform(0.32, 0.42)
    for frac in (0.3, 0.7):
        y = img.height * frac + rng.uniform(-40, 40)
        d.ellipse((x - r, y - r, x + r, y + r), fill=(38, 38, 40))


def tape(img: Image.Image, sheet: Sheet, rng: random.Random, dpi: int):
    """A strip of old mending tape: yellowed, glossy, from the margin over the first characters
    of a few lines."""
    tw, th = int(dpi * rng.uniform(1.2, 1.6)), int(dpi * rng.uniform(0.45, 0.6))
    body = [ln for ln in sheet.lines if ln.kind == "body" and not ln.vertical and ln.box[0] < dpi * 0.6]
    x0, y0, _, y1 = rng.choice(body).box if body else (dpi * 0.4, img.height / 2, 0, img.height / 2)
    x = max(0, int(x0 - tw * 0.6))
    y = max(0, int((y0 + y1) / 2 - th / 2))
    region = img.crop((x, y, x + tw, y + th)).filter(ImageFilter.GaussianBlur(1.2))
    arr = np.asarray(region, dtype=float)
    arr = arr * 0.78 + np.array([235, 205, 120]) * 0.22
    glare = np.linspace(0, 1, tw)[None, :, None]
    arr = arr + 25 * np.exp(-((glare - 0.4) ** 2) / 0.02)
    img.paste(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), (x, y))
    ImageDraw.Draw(img).rectangle((x, y, x + tw, y + th), outline=(200, 180, 120), width=2)


def apply_screens(img: Image.Image, sheet: Sheet, coarse: bool):
    """The grey screen (底纹) behind boxed text: multiplied in, so the type stays on top. Flat 12 %
    grey; with the screen fault a coarse dot screen (about 65 lpi, 25 %) that breaks strokes."""
    arr = np.asarray(img, dtype=float)
    for x0, y0, x1, y1 in sheet.screens:
        x0, y0, x1, y1 = (int(v) for v in (x0, y0, x1, y1))
        region = arr[y0:y1, x0:x1]
        if coarse:
            step = max(4, sheet.dpi // 65)
            yy, xx = np.mgrid[0:region.shape[0], 0:region.shape[1]]
            u, v = (xx + yy) % step - step / 2, (xx - yy) % step - step / 2
            dots = (u * u + v * v) < (step * 0.33) ** 2
            factor = np.where(dots, 0.45, 0.97)[..., None]
        else:
            factor = 0.88
        arr[y0:y1, x0:x1] = region * factor
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def uneven_light(img: Image.Image, rng: random.Random) -> Image.Image:
    """A flatbed with the lid open: one edge in shadow, a gradient into the page."""
    w, h = img.size
    arr = np.asarray(img, dtype=float)
    edge = rng.choice(("left", "right", "top", "bottom"))
    n = w if edge in ("left", "right") else h
    d = np.arange(n, dtype=float)
    if edge in ("right", "bottom"):
        d = d[::-1]
    depth = rng.uniform(0.45, 0.62)
    fall = np.exp(-d / (n * rng.uniform(0.12, 0.22)))
    gain = 1 - depth * fall
    gain = gain[None, :, None] if edge in ("left", "right") else gain[:, None, None]
    arr = arr * gain * rng.uniform(0.9, 0.97)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def scan(sheet: Sheet, height: int, page: Page, rng: random.Random) -> tuple[Image.Image, Geometry]:
    img = sheet.img.crop((0, 0, sheet.width, int(height)))
    img = apply_screens(img, sheet, page.fault == "screen")
    if page.fault == "pen":
        pen_marks(img, sheet, rng)
    if page.fault == "holes":
        punch_holes(img, rng, sheet.dpi)
    if page.fault == "tape":
        tape(img, sheet, rng, sheet.dpi)
    angle = page.draws["rotation"]
    geo = Geometry(angle, img.size)
    if page.fault == "clean":
        return (img if page.fault in ("red", "pen", "tape") else img.convert("L")), geo
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=sheet.paper)
    if page.fault == "lighting":
        img = uneven_light(img, rng)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.35, 0.6)))
    arr = np.asarray(img, dtype=float) + np.random.default_rng(rng.randrange(1 << 30)).normal(0, 4, (*img.size[::-1], 3))
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return (img if page.fault in ("red", "pen", "tape") else img.convert("L")), geo


# ---------------------------------------------------------------- engines

RAPID_CHILD = r"""
import json, sys
from rapidocr import RapidOCR
image, out, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
engine = RapidOCR(params={**params, "Global.log_level": "error"})
res = engine(image, return_word_box=True)
boxes = [] if res.boxes is None else [[[float(v) for v in pt] for pt in box] for box in res.boxes]
words = [[[w[0], [[float(v) for v in pt] for pt in w[2]]] for w in line] for line in (res.word_results or [])]
json.dump({"boxes": boxes, "txts": list(res.txts or []), "scores": [float(s) for s in (res.scores or [])],
           "words": words, "to_json": res.to_json() if res.boxes is not None else []},
          open(out, "w", encoding="utf-8"), ensure_ascii=False)
"""


def child_env() -> dict:
    return {**os.environ, "OMP_THREAD_LIMIT": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}


def run_rapid(image: Path, cache: Path, params: dict):
    subprocess.run([sys.executable, "-c", RAPID_CHILD, str(image), str(cache), json.dumps(params)],
                   check=True, env=child_env())


def rapid_version() -> str:
    from importlib.metadata import version
    return version("rapidocr")


def write_shape(page: Page, run: dict, image: Path, out: Path):
    """NAME.paddle.json in the page's public shape, from one RapidOCR run (shape a: `qingyang ocr`)."""
    target = out / f"{page.name}.paddle.json"
    texts, scores, boxes = run["txts"], run["scores"], run["boxes"]
    ints = [[[round(v) for v in pt] for pt in b] for b in boxes]
    rects = [[min(p[0] for p in b), min(p[1] for p in b), max(p[0] for p in b), max(p[1] for p in b)] for b in ints]
    det_params = {"limit_side_len": 736, "limit_type": "min", "thresh": 0.3, "box_thresh": 0.5,
                  "unclip_ratio": 1.6}
    for k, v in page.draws["detector"].items():
        if k.startswith("Det."):
            det_params[k[4:]] = v
    base = {"input_path": image.name, "page_index": None,
            "model_settings": {"use_doc_preprocessor": False, "use_textline_orientation": False},
            "dt_polys": ints, "text_det_params": det_params, "text_type": "general",
            "textline_orientation_angles": [-1] * len(texts), "text_rec_score_thresh": 0.0,
            "return_word_box": page.shape == "f", "rec_texts": texts, "rec_scores": scores, "rec_polys": ints,
            "rec_boxes": rects}
    if page.shape == "b":
        obj = {"res": base}
    elif page.shape == "f":
        base["text_word"] = [[w[0] for w in line] for line in run["words"]]
        base["text_word_region"] = [[[[round(v) for v in pt] for pt in w[1]] for w in line] for line in run["words"]]
        obj = {"res": base}
    elif page.shape == "e":
        obj = [[[b, [t, s]] for b, t, s in zip(boxes, texts, scores, strict=True)]]
    elif page.shape == "g":
        obj = run["to_json"]
    elif page.shape == "h":  # PaddleOCR 2.x tools/infer/predict_system.py, one image's entry of system_results.txt
        obj = [{"transcription": t, "points": b} for t, b in zip(texts, ints, strict=True)]
    else:
        raise ValueError(page.shape)
    target.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def engine_lines(obj) -> list[tuple[str, list, float]]:
    """(text, polygon, score) of every recognised line, whatever the public shape."""
    if isinstance(obj, list):
        if obj and isinstance(obj[0], dict) and "transcription" in obj[0]:
            return [(r["transcription"], r["points"], 1.0) for r in obj]
        if obj and isinstance(obj[0], dict):
            return [(r["txt"], r["box"], r["score"]) for r in obj]
        return [(row[1][0], row[0], row[1][1]) for row in (obj[0] or [])] if obj else []
    res = obj.get("res", obj)
    texts, scores = res["rec_texts"], res["rec_scores"]
    if "rec_polys" in res:
        polys = res["rec_polys"]
    else:
        polys = [[[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]] for b in res["rec_boxes"]]
    return list(zip(texts, polys, scores, strict=True))


def run_tesseract(page: Page, image: Path, base: Path):
    args = ["tesseract", str(image), str(base), "-l", page.draws["langs"], "--psm", str(page.draws["psm"])]
    if page.draws["preserve_spaces"]:
        args += ["-c", "preserve_interword_spaces=1"]
    if page.draws["char_boxes"]:
        args += ["-c", "hocr_char_boxes=1"]
    subprocess.run([*args, "hocr", "alto"], check=True, env=child_env(), capture_output=True)


def tesseract_version() -> str:
    return subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split()[1]


def line_blocks(lines: list[tuple[str, list, float]], rule_name: str) -> list[list[int]]:
    """A converter's simple grouping: all lines one block, or a new block where a line does not
    sit under the one before (a vertical gap over 1.2 line heights or no horizontal overlap)."""
    if rule_name == "single" or not lines:
        return [list(range(len(lines)))]
    blocks, prev = [[0]], rect(lines[0][1])
    for i in range(1, len(lines)):
        r = rect(lines[i][1])
        h = max(1, prev[3] - prev[1])
        if r[1] - prev[3] > 1.2 * h or r[0] > prev[2] or r[2] < prev[0]:
            blocks.append([])
        blocks[-1].append(i)
        prev = r
    return blocks


def rect(poly) -> list[int]:
    xs, ys = [p[0] for p in poly], [p[1] for p in poly]
    return [round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys))]


def union(rects):
    return [min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects)]


def hocr_from_lines(lines, image_name: str, size: tuple[int, int], blocks_rule: str) -> bytes:
    """An hOCR page converted from PP-OCR lines: ocr_carea > ocr_par > ocr_line > one ocrx_word,
    bbox from the line box, x_wconf from the score (0-100)."""
    xhtml = "http://www.w3.org/1999/xhtml"
    root = etree.Element(f"{{{xhtml}}}html", nsmap={None: xhtml})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "zh")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = image_name
    etree.SubElement(head, "meta", {"http-equiv": "Content-Type", "content": "text/html;charset=utf-8"})
    etree.SubElement(head, "meta", {"name": "ocr-system", "content": f"RapidOCR {rapid_version()} (PP-OCR), "
                                                                     "converted by paddle2hocr"})
    etree.SubElement(head, "meta", {"name": "ocr-capabilities",
                                    "content": "ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf"})
    body = etree.SubElement(root, "body")
    pg = etree.SubElement(body, "div", {"class": "ocr_page", "id": "page_1",
                                        "title": f'image "{image_name}"; bbox 0 0 {size[0]} {size[1]}; ppageno 0'})
    n = 0
    for b, idx in enumerate(line_blocks(lines, blocks_rule), 1):
        if not idx:
            continue
        bb = union([rect(lines[i][1]) for i in idx])
        bbox = " ".join(map(str, bb))
        area = etree.SubElement(pg, "div", {"class": "ocr_carea", "id": f"block_1_{b}", "title": f"bbox {bbox}"})
        par = etree.SubElement(area, "p", {"class": "ocr_par", "id": f"par_1_{b}", "lang": "chi_sim",
                                           "title": f"bbox {bbox}"})
        for i in idx:
            n += 1
            text, poly, score = lines[i]
            r = rect(poly)
            lb = " ".join(map(str, r))
            line = etree.SubElement(par, "span", {"class": "ocr_line", "id": f"line_1_{n}",
                                                  "title": f"bbox {lb}; baseline 0 0; x_size {r[3] - r[1]}"})
            word = etree.SubElement(line, "span", {"class": "ocrx_word", "id": f"word_1_{n}",
                                                   "title": f"bbox {lb}; x_wconf {round(score * 100)}"})
            word.text = text
    doctype = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
               '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=doctype, pretty_print=True)


def alto_from_lines(lines, image_name: str, size: tuple[int, int], blocks_rule: str) -> bytes:
    """An ALTO v4 file converted from PP-OCR lines: TextBlock > TextLine > one String per line,
    WC the score, pixels."""
    ns = "http://www.loc.gov/standards/alto/ns-v4#"
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    root = etree.Element(f"{{{ns}}}alto", nsmap={None: ns, "xsi": xsi})
    root.set(f"{{{xsi}}}schemaLocation", f"{ns} http://www.loc.gov/alto/v4/alto-4-2.xsd")

    def sub(parent, tag, attrs=None, text=None):
        e = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: str(v) for k, v in (attrs or {}).items()})
        if text is not None:
            e.text = text
        return e
    desc = sub(root, "Description")
    sub(desc, "MeasurementUnit", text="pixel")
    src = sub(desc, "sourceImageInformation")
    sub(src, "fileName", text=image_name)
    proc = sub(desc, "Processing", {"ID": "OCR_0"})
    sub(proc, "processingCategory", text="contentGeneration")
    sw = sub(proc, "processingSoftware")
    sub(sw, "softwareCreator", text="RapidAI")
    sub(sw, "softwareName", text="RapidOCR (PP-OCR), converted by paddle2alto")
    sub(sw, "softwareVersion", text=rapid_version())
    layout = sub(root, "Layout")
    page = sub(layout, "Page", {"ID": "PAGE_1", "PHYSICAL_IMG_NR": 1, "WIDTH": size[0], "HEIGHT": size[1]})
    ps = sub(page, "PrintSpace", {"HPOS": 0, "VPOS": 0, "WIDTH": size[0], "HEIGHT": size[1]})
    n = 0
    for b, idx in enumerate(line_blocks(lines, blocks_rule), 1):
        if not idx:
            continue
        bb = union([rect(lines[i][1]) for i in idx])
        blk = sub(ps, "TextBlock", {"ID": f"block_{b}", "HPOS": bb[0], "VPOS": bb[1], "WIDTH": bb[2] - bb[0],
                                    "HEIGHT": bb[3] - bb[1]})
        for i in idx:
            n += 1
            text, poly, score = lines[i]
            r = rect(poly)
            geo = {"HPOS": r[0], "VPOS": r[1], "WIDTH": r[2] - r[0], "HEIGHT": r[3] - r[1]}
            tl = sub(blk, "TextLine", {"ID": f"line_{n}", **geo})
            sub(tl, "String", {"ID": f"string_{n}", "CONTENT": text, "WC": f"{score:.3f}", **geo})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def hocr_words(path: Path) -> list[str]:
    root = lxml_html.fromstring(path.read_bytes(), parser=lxml_html.HTMLParser(encoding="utf-8"))
    return [e.text_content() for e in root.iter()
            if isinstance(e.tag, str) and "ocrx_word" in (e.get("class") or "").split()]


def alto_strings(path: Path) -> list[str]:
    root = etree.parse(str(path)).getroot()
    return [e.get("CONTENT") for e in root.iter() if isinstance(e.tag, str) and e.tag.endswith("}String")]


# ---------------------------------------------------------------- reading order and floors


def reading_order(lines, printed: list[Printed], geo: Geometry) -> list[str]:
    """The engine's lines sorted by the reading rank of the printed line each box centre falls on
    (mapped back through the scan's rotation), then left to right (top to bottom when vertical)."""
    keyed = []
    for n, (text, poly, _) in enumerate(lines):
        cx = sum(p[0] for p in poly) / len(poly)
        cy = sum(p[1] for p in poly) / len(poly)
        x, y = geo.to_clean(cx, cy)
        best, best_key = 0, None
        for rank, pl in enumerate(printed):
            x0, y0, x1, y1 = pl.box
            pad = (y1 - y0) * 0.35 if not pl.vertical else 0
            padx = (x1 - x0) * 0.35 if pl.vertical else 0
            inside = x0 - padx <= x <= x1 + padx and y0 - pad <= y <= y1 + pad
            dist = math.hypot(max(x0 - x, 0, x - x1), max(y0 - y, 0, y - y1))
            key = (0 if inside else 1, (x1 - x0) * (y1 - y0) if inside else dist)
            if best_key is None or key < best_key:
                best, best_key = rank, key
        keyed.append(((best, y if printed[best].vertical else x, n), text))
    return [t for _, t in sorted(keyed)]


def floor(gold: str, engine_text: str) -> tuple[int, int]:
    g = Counter(c for c in gold if not c.isspace())
    r = Counter(c for c in engine_text if not c.isspace())
    return sum((g - r).values()), sum((r - g).values())


# ---------------------------------------------------------------- main


MANIFEST = ["name", "split", "paper", "issue_date", "page", "section", "design", "body_face", "body_pt", "dpi",
            "scan", "rotation_deg", "json_shape", "detector_settings", "hocr_producer", "alto_producer",
            "converter_blocks", "tesseract_langs", "tesseract_psm", "tesseract_preserve_spaces",
            "tesseract_char_boxes", "features", "stories", "gold_chars", "ocr_missing", "ocr_extra", "ocr_floor",
            "hocr_missing", "hocr_extra", "hocr_floor", "alto_missing", "alto_extra", "alto_floor"]
BODY_FACE = {"serial": "serif", "intl": "ming", "roster": "monolight", "science": "serif", "letters": "ming",
             "vertical": "ming"}
FEATURES = {"serial": "dialogue scene_breaks recap illustration", "intl": "agency_dateline middle_dot latin map photo",
            "roster": "name_grid small_type notice", "science": "units tips_box qa_column",
            "letters": "signed_letters reply_box hotline_box zhongfeng", "vertical": "vertical_page right_to_left"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "eval_ninth")
    ap.add_argument("--image-dir", type=Path, default=Path("/tmp/ninth_images"))
    ap.add_argument("--font-dir", type=Path, default=Path(os.environ.get("QINGYANG_NINTH_FONTS", "/tmp/ninth_fonts")))
    ap.add_argument("--no-ocr", action="store_true", help="read the engines' files already in OUT")
    ap.add_argument("--only", default="", help="comma-separated page names (others are left as they are)")
    ap.add_argument("--render-only", action="store_true", help="write the scans and the gold, run no engine")
    args = ap.parse_args(argv)
    faces = Faces(args.font_dir)
    sources = load_pieces()
    pages = plan_pages(sources)
    only = set(filter(None, args.only.split(",")))
    args.image_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for page in pages:
        rng = draw_page_params(page)
        pieces = [p for p in sources[page.design]["piece"] if p["issue"] == page.issue]
        sheet, height = BUILDERS[page.design](faces, page, pieces, rng, page.draws["dpi"])
        image = args.image_dir / f"{page.name}.png"
        scanned, geo = scan(sheet, height, page, rng)
        folder = args.out / page.split
        folder.mkdir(parents=True, exist_ok=True)
        gold = "\n".join(g for g in sheet.gold if g) + "\n"
        (folder / f"{page.name}.gold.txt").write_text(gold, encoding="utf-8")
        if args.render_only:
            scanned.save(image, dpi=(page.draws["dpi"],) * 2)
            print(page.name, page.split, page.design, page.issue, page.fault, scanned.size, flush=True)
            continue
        if not args.no_ocr and (not only or page.name in only):
            scanned.save(image, dpi=(page.draws["dpi"],) * 2)
            ocr_page(page, image, folder, scanned.size)
        engine = json.loads((folder / f"{page.name}.paddle.json").read_text(encoding="utf-8"))
        lines = engine_lines(engine)
        (folder / f"{page.name}.txt").write_text("".join(t + "\n" for t in reading_order(lines, sheet.lines, geo)),
                                                 encoding="utf-8")
        rows.append(manifest_row(page, pieces, gold, lines, folder))
        print(page.name, page.split, page.design, page.issue, page.fault, f"ocr_floor={rows[-1]['ocr_floor']}",
              f"hocr={rows[-1]['hocr_floor']} alto={rows[-1]['alto_floor']}", flush=True)
    if args.render_only:
        return 0
    with (args.out / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, MANIFEST, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return 0


def ocr_page(page: Page, image: Path, folder: Path, size):
    cache = image.with_suffix(".rapid.json")
    if page.shape == "a":
        subprocess.run([sys.executable, "-m", "qingyang", "ocr", str(image), "--output", str(folder)], check=True,
                       env=child_env(), capture_output=True)
        lines = engine_lines(json.loads((folder / f"{page.name}.paddle.json").read_text(encoding="utf-8")))
    else:
        run_rapid(image, cache, page.draws["detector"])
        run = json.loads(cache.read_text(encoding="utf-8"))
        write_shape(page, run, image, folder)
        lines = list(zip(run["txts"], run["boxes"], run["scores"], strict=True))
    if "tesseract" in (page.hocr_producer, page.alto_producer):
        base = image.with_suffix("")
        run_tesseract(page, image, base)
        if page.hocr_producer == "tesseract":
            (folder / f"{page.name}.hocr").write_bytes(base.with_suffix(".hocr").read_bytes())
        if page.alto_producer == "tesseract":
            (folder / f"{page.name}.alto.xml").write_bytes(base.with_suffix(".xml").read_bytes())
    if page.hocr_producer == "rapidocr":
        (folder / f"{page.name}.hocr").write_bytes(hocr_from_lines(lines, image.name, size, page.draws["hocr_blocks"]))
    if page.alto_producer == "rapidocr":
        (folder / f"{page.name}.alto.xml").write_bytes(alto_from_lines(lines, image.name, size,
                                                                       page.draws["hocr_blocks"]))


def manifest_row(page: Page, pieces, gold: str, lines, folder: Path) -> dict:
    paper, label, section = page.paper
    om, oe = floor(gold, "".join(t for t, _, _ in lines))
    hm, he = floor(gold, "".join(hocr_words(folder / f"{page.name}.hocr")))
    am, ae = floor(gold, "".join(alto_strings(folder / f"{page.name}.alto.xml")))
    n = sum(1 for c in gold if not c.isspace())
    d = page.draws
    tess = "tesseract" in (page.hocr_producer, page.alto_producer)
    return {"name": page.name, "split": page.split, "paper": paper, "issue_date": page.issue, "page": label,
            "section": section or "要闻", "design": page.design, "body_face": BODY_FACE[page.design],
            "body_pt": d["body_pt"], "dpi": d["dpi"], "scan": page.fault, "rotation_deg": d["rotation"],
            "json_shape": page.shape,
            "detector_settings": "qingyang ocr (defaults)" if page.shape == "a" else
            (" ".join(f"{k}={v}" for k, v in d["detector"].items()) or "defaults"),
            "hocr_producer": page.hocr_producer, "alto_producer": page.alto_producer,
            "converter_blocks": d["hocr_blocks"] if "rapidocr" in (page.hocr_producer, page.alto_producer) else "",
            "tesseract_langs": d["langs"] if tess else "", "tesseract_psm": d["psm"] if tess else "",
            "tesseract_preserve_spaces": d["preserve_spaces"] if tess else "",
            "tesseract_char_boxes": d["char_boxes"] if tess else "",
            "features": FEATURES[page.design], "stories": " ".join(p["id"] for p in pieces),
            "gold_chars": n, "ocr_missing": om, "ocr_extra": oe, "ocr_floor": f"{(om + oe) / n:.4f}",
            "hocr_missing": hm, "hocr_extra": he, "hocr_floor": f"{(hm + he) / n:.4f}",
            "alto_missing": am, "alto_extra": ae, "alto_floor": f"{(am + ae) / n:.4f}"}


if __name__ == "__main__":
    sys.exit(main())
