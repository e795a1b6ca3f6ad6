"""Build tests/eval_thirteenth/: render the 芷岸 pages of tools/thirteenth_text.py, scan them with
a fault, read them with PP-OCR (rapidocr_onnxruntime 1.4.4, its own result list) and Tesseract,
and write gold, engine files, the reading-order .txt and manifest.csv (see the set's README).

    python tools/make_thirteenth_pages.py --plan
    python tools/make_thirteenth_pages.py                 # everything (OCR one page at a time)
    python tools/make_thirteenth_pages.py --only thirteenth_03
    python tools/make_thirteenth_pages.py --no-ocr        # gold, .txt, manifest from the engine files there

Build-time tools (not needed by the tests): `pip install --target /tmp/thirteenth_pkgs --no-deps
rapidocr-onnxruntime==1.4.4` and `pip install --target /tmp/thirteenth_ocrd ocrd-page-to-alto`.
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
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from thirteenth_text import PAGES

ROOT = Path(__file__).resolve().parent.parent
SPLIT_SEED, NAME_SEED, DEAL_SEED, LATE_SEED = 1301, 1302, 1303, 1304
DPI, WIDTH, MARGIN = 300, 1800, 70
OCR_PKGS = os.environ.get("QINGYANG_THIRTEENTH_PKGS", "/tmp/thirteenth_pkgs")
OCRD_PKGS = os.environ.get("QINGYANG_THIRTEENTH_OCRD", "/tmp/thirteenth_ocrd")

# role -> (font file, face index); files copied into the font dir (README, Regenerate)
FONTS = {
    "serif_light": ("NotoSerifCJK-Light.ttc", 2),
    "serif_medium": ("NotoSerifCJK-Medium.ttc", 2),
    "hanamin": ("HanaMinA.ttf", 0),
    "sans_light": ("NotoSansCJK-Light.ttc", 2),
    "sans_bold": ("NotoSansCJK-Bold.ttc", 2),
    "serif_black": ("NotoSerifCJK-Black.ttc", 2),
    "mono": ("NotoSansCJK-Regular.ttc", 7),
    "smiley": ("SmileySans-Oblique.ttf", 0),
}
BODY_FACES = ["serif_light", "serif_medium", "hanamin", "sans_light"]
CONDITIONS = {"dev": ["jitter", "wrinkle", "highlighter", "ghost", "dropout", "clean"],
              "heldout": ["jitter", "jitter", "wrinkle", "wrinkle", "highlighter", "highlighter",
                          "ghost", "ghost", "dropout", "dropout"]}
LATE_CONDITIONS = ["jitter", "wrinkle", "highlighter", "ghost"]
PSMS = ["11", "12", "6"]
EXTRAS = ["", "-c hocr_font_info=1", "-c textord_tabfind_find_tables=1 -c textord_tablefind_recognize_tables=1"]
CLOSERS = set("，。、；：？！”’）》」』〉…—%")
OPENERS = set("“‘（《「『〈")
TOKEN = re.compile(r"[A-Za-z0-9.:/%+\-×~～@_]+(?: [A-Za-z0-9.:/%+\-×~～@_]+)*|.", re.S)
CJK = re.compile(r"[\u3400-\u9fff]")


# ------------------------------------------------------------------ plan

def plan() -> list[dict]:
    """Names, splits, conditions, faces and engine settings, all drawn by seed before any build.

    The first sixteen pages were drawn together; the four `late` pages, written after those were
    built, are held-out, named 17-20 and dealt from LATE_SEED, so the first draw stays as it was."""
    first = [p for p in PAGES if not p.get("late")]
    late = [p for p in PAGES if p.get("late")]
    rng = random.Random(SPLIT_SEED)
    designs = sorted({p["design"] for p in first}, key=[p["design"] for p in first].index)
    dev = {rng.choice([p["id"] for p in first if p["design"] == d]) for d in designs}
    names = list(range(1, len(first) + 1))
    random.Random(NAME_SEED).shuffle(names)
    deal = random.Random(DEAL_SEED)
    conds = {s: deal.sample(c, len(c)) for s, c in CONDITIONS.items()}
    rows = []
    for page, number in zip(first, names, strict=True):
        split = "dev" if page["id"] in dev else "heldout"
        rows.append(dict(page=page, name=f"thirteenth_{number:02d}", split=split))
    batches = [(deal, [r for r in rows if r["split"] == s], conds[s]) for s in ("dev", "heldout")]
    late_deal = random.Random(LATE_SEED)
    late_rows = [dict(page=p, name=f"thirteenth_{len(first) + i + 1:02d}", split="heldout") for i, p in enumerate(late)]
    batches.append((late_deal, late_rows, late_deal.sample(LATE_CONDITIONS, len(late_rows))))
    for deal, mine, cond_list in batches:
        alto = ["tesseract", "page2alto"] * len(mine)
        deal.shuffle(alto)
        for r, cond, producer in zip(mine, cond_list, alto, strict=False):  # alto is dealt long
            r.update(scan=cond, body_face=deal.choice(BODY_FACES), body_px=deal.choice([34, 36, 38, 40]),
                     psm=deal.choice(PSMS), extra=deal.choice(EXTRAS), alto_producer=producer,
                     scan_seed=deal.randrange(1 << 30))
    return sorted(rows + late_rows, key=lambda r: r["name"])


# ------------------------------------------------------------------ type

class Type:
    def __init__(self, font_dir: Path):
        from PIL import ImageFont
        self._font = ImageFont
        self.dir, self.cache = font_dir, {}

    def font(self, role: str, px: int):
        key = (role, px)
        if key not in self.cache:
            file, index = FONTS[role]
            self.cache[key] = self._font.truetype(str(self.dir / file), px, index=index)
        return self.cache[key]

    def covers(self, role: str, text: str) -> bool:
        """Every glyph of text is in the face (its mask differs from the face's .notdef box)."""
        font = self.font(role, 40)
        missing = bytes(font.getmask("\U0010fffd"))
        return all(bytes(font.getmask(c)) != missing for c in text if not c.isspace())


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def break_lines(text: str, font, width: float, indent: float) -> list[list[str]]:
    """Greedy lines of tokens; a closing mark hangs past the measure, an opening mark never ends a line."""
    lines, line, used = [], [], indent
    for tok in tokens(text):
        w = font.getlength(tok)
        if line and used + w > width and tok[0] not in CLOSERS:
            carry = []
            while line and line[-1] in OPENERS:
                carry.insert(0, line.pop())
            lines.append(line)
            line, used = carry, sum(font.getlength(t) for t in carry)
        line.append(tok)
        used += w
    if line:
        lines.append(line)
    return lines


class Sheet:
    """The clean page: draws text and records each printed line's box and reading rank."""

    def __init__(self, types: Type, body_role: str, body_px: int):
        from PIL import Image, ImageDraw
        self.img = Image.new("L", (WIDTH, 6000), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.types, self.body_role, self.px = types, body_role, body_px
        self.lines: list[dict] = []
        self.gold: list[str] = []

    def record(self, text, box):
        self.lines.append(dict(text=text, box=box, rank=len(self.lines)))

    def text_line(self, toks, x, y, width, font, justify):
        widths = [font.getlength(t) for t in toks]
        gap = 0.0
        if justify and len(toks) > 1:
            gap = min(max(0.0, (width - sum(widths)) / (len(toks) - 1)), 0.6 * font.size)
        cx = x
        for tok, w in zip(toks, widths, strict=True):
            self.draw.text((cx, y), tok, font=font, fill=0)
            cx += w + gap
        self.record("".join(toks), (int(x), int(y), int(cx - gap), int(y + font.size * 1.15)))
        return cx - gap

    def para(self, text, x, y, width, role, px, indent_em=2.0, align="justify", hang=0.0):
        font = self.types.font(role, px)
        lead = int(px * 1.6)
        indent = indent_em * px
        lines = break_lines(text, font, width - hang, indent)
        for i, toks in enumerate(lines):
            ox = x + (indent if i == 0 else hang)
            w = width - (indent if i == 0 else hang)
            if align == "right":
                ox = x + width - sum(font.getlength(t) for t in toks)
            elif align == "center":
                ox = x + (width - sum(font.getlength(t) for t in toks)) / 2
            self.text_line(toks, ox, y, w, font, align == "justify" and i < len(lines) - 1)
            y += lead
        return y

    def display(self, text, x, y, width, role, px, align="left"):
        """A display line: phrases an em apart, centred or flush left, cut at a phrase when too long."""
        font = self.types.font(role, px)
        phrases = text.split(" ")
        rows, row = [], []
        for ph in phrases:
            trial = [*row, ph]
            if row and font.getlength("".join(trial)) + px * (len(trial) - 1) > width:
                rows.append(row)
                row = [ph]
            else:
                row = trial
        rows.append(row)
        for row in rows:
            total = sum(font.getlength(p) for p in row) + px * (len(row) - 1)
            cx = x + (width - total) / 2 if align == "center" else x
            x0 = cx
            for p in row:
                self.draw.text((cx, y), p, font=font, fill=0)
                cx += font.getlength(p) + px
            self.record(" ".join(row), (int(x0), int(y), int(cx - px), int(y + px * 1.15)))
            y += int(px * 1.3)
        return y


def para_kind(p):
    return ("p", p) if isinstance(p, str) else p


def story(sheet: Sheet, el, x, y, width, body_px):
    """Paragraphs flowed down `ncols` columns, balanced by line count; column rules between."""
    _, ncols, face, paras = el
    gutter = int(body_px * 1.2)
    px = body_px + (4 if face == "wide" else 0)
    if face == "wide":  # the photo story's intro: one column of 30 em at a size up, flush left
        width = min(width, 30 * px)
    colw = (width - gutter * (ncols - 1)) / ncols
    role = sheet.body_role
    lead = int(px * 1.6)
    # measure: each paragraph's lines
    items = []
    for p in paras:
        kind, text = para_kind(p)
        r = "sans_bold" if kind == "sub" else role
        font = sheet.types.font(r, px)
        indent = 2 * px if kind == "p" else 0
        hang = px if kind == "item" else 0
        broken = break_lines(text, font, colw - hang, indent)
        for i, toks in enumerate(broken):
            items.append(dict(kind=kind, toks=toks, first=i == 0, last=i == len(broken) - 1, role=r,
                              indent=indent if i == 0 else hang))
        if kind not in ("jump", "from"):  # printed pointers are not in the gold
            sheet.gold.append(text)
    per = math.ceil(len(items) / ncols)
    bottom = y
    for c in range(ncols):
        cx = x + c * (colw + gutter)
        cy = y
        for it in items[c * per:(c + 1) * per]:
            font = sheet.types.font(it["role"], px)
            toks = it["toks"]
            if it["kind"] == "right":
                ox = cx + colw - sum(font.getlength(t) for t in toks)
                sheet.text_line(toks, ox, cy, colw, font, False)
            else:
                sheet.text_line(toks, cx + it["indent"], cy, colw - it["indent"], font,
                                not it["last"] and it["kind"] in ("p", "qa"))
            cy += lead
        bottom = max(bottom, cy)
        if c:
            sheet.draw.line([(cx - gutter / 2, y), (cx - gutter / 2, y + per * lead - lead * 0.3)], fill=0, width=2)
    return bottom


def table(sheet: Sheet, rows, x, y, width, px):
    """Cells set in columns (the mono face, head row in bold sans); gold: cells one space apart."""
    mono, head = sheet.types.font("mono", px), sheet.types.font("sans_bold", px)
    ncol = len(rows[0])
    widths = [max(mono.getlength(r[i]) for r in rows) + px for i in range(ncol)]
    scale = width / sum(widths) if sum(widths) > width else 1.0
    widths = [w * scale for w in widths]
    lead = int(px * 1.55)
    for j, row in enumerate(rows):
        cx = x
        font = head if j == 0 else mono
        x0 = None
        for i, cell in enumerate(row):
            self_w = font.getlength(cell)
            ox = cx if i == 0 else cx + (widths[i] - px - self_w)  # first column flush left, figures right
            sheet.draw.text((ox, y), cell, font=font, fill=0)
            x0 = ox if x0 is None else x0
            cx += widths[i]
        sheet.record(" ".join(row), (int(x), int(y), int(cx - px), int(y + px * 1.15)))
        sheet.gold.append(" ".join(row))
        if j == 0:
            sheet.draw.line([(x, y + lead - 6), (cx - px, y + lead - 6)], fill=0, width=2)
        y += lead
    return y


def elements(sheet: Sheet, els, x, y, width, body_px, rng):
    for el in els:
        kind = el[0]
        if kind == "story":
            y = story(sheet, el, x, y, width, body_px) + int(body_px * 0.6)
        elif kind == "table":
            y = table(sheet, el[1], x, y, width, body_px - 2) + int(body_px * 0.4)
        elif kind == "photo":
            h = el[1]
            tile = _halftone(int(width), h, rng)
            sheet.img.paste(tile, (int(x), int(y)))
            y += h + 12
        elif kind == "box":
            top = y
            sheet.gold.append(el[1])
            lab = sheet.types.font("sans_bold", body_px)
            lw = lab.getlength(el[1]) + body_px
            sheet.draw.rectangle([x + 14, y + 10, x + 14 + lw, y + 10 + body_px * 1.5], fill=0)
            sheet.draw.text((x + 14 + body_px / 2, y + 10 + body_px * 0.2), el[1], font=lab, fill=255)
            sheet.record(el[1], (int(x + 14), int(y + 10), int(x + 14 + lw), int(y + 10 + body_px * 1.5)))
            y = elements(sheet, el[2], x + 24, y + 10 + int(body_px * 2.1), width - 48, body_px, rng)
            sheet.draw.rectangle([x, top, x + width, y + 6], outline=0, width=3)
            y += int(body_px * 0.9)
        else:
            text = el[1]
            sheet.gold.append(text)
            if kind == "title":
                role = "smiley" if sheet.types.covers("smiley", text) else "serif_black"
                y = sheet.display(text, x, y, width, role, 84 if width > 900 else 66) + 8
            elif kind == "kicker":
                y = sheet.display(text, x, y, width, "sans_bold", 40)
            elif kind in ("deck", "sub"):
                y = sheet.display(text, x, y, width, "sans_bold", 46 if kind == "deck" else body_px + 4) + 6
            elif kind == "label":
                f = sheet.types.font("sans_bold", 48)
                sheet.draw.rectangle([x, y, x + width, y + 70], fill=0)
                sheet.draw.text((x + 16, y + 8), text, font=f, fill=255)
                sheet.record(text, (int(x), int(y), int(x + 16 + f.getlength(text)), int(y + 70)))
                y += 90
            elif kind in ("byline", "credit"):
                y = sheet.display(text, x, y, width, "sans_light", body_px - 2, "right" if kind == "credit" else "left") + 6
            elif kind == "caption":
                y = sheet.para(text, x, y, width, "sans_light", body_px - 4, indent_em=0) + 6
            elif kind == "right":
                y = sheet.para(text, x, y, width, "sans_light", body_px - 4, indent_em=0, align="right")
    return y


def _halftone(w, h, rng):
    """A picture: a dot screen over a smooth random field (no glyph)."""
    import numpy as np
    from PIL import Image
    r = np.random.default_rng(rng.randrange(1 << 30))
    field = r.random((max(2, h // 60), max(2, w // 60)))
    field = np.array(Image.fromarray((field * 255).astype("uint8")).resize((w, h), Image.BICUBIC)) / 255.0
    yy, xx = np.mgrid[0:h, 0:w]
    cell = 8
    dx, dy = (xx % cell) - cell / 2, (yy % cell) - cell / 2
    dots = (dx * dx + dy * dy) < (field * 0.9 + 0.05) * (cell * cell / 2.2)
    img = np.where(dots, 40, 235).astype("uint8")
    img[:3, :] = img[-3:, :] = 0
    img[:, :3] = img[:, -3:] = 0
    return Image.fromarray(img)


def render(row: dict, types: Type):
    """The clean sheet, its printed lines (box, rank) and the gold lines."""
    page = row["page"]
    rng = random.Random(row["scan_seed"])
    sheet = Sheet(types, row["body_face"], row["body_px"])
    y = 50
    content = WIDTH - 2 * MARGIN
    # header row: page label and section at the left, the paper at the right; then date and editors
    label = f"第{page['page']}版"
    big = types.font("sans_bold", 56)
    paper = types.font("serif_black", 64)
    sheet.draw.text((MARGIN, y), label, font=big, fill=0)
    sheet.record(label, (MARGIN, y, int(MARGIN + big.getlength(label)), y + 64))
    sx = MARGIN + big.getlength(label) + 56
    sheet.draw.text((sx, y), page["design"], font=big, fill=0)
    sheet.record(page["design"], (int(sx), y, int(sx + big.getlength(page["design"])), y + 64))
    px0 = WIDTH - MARGIN - paper.getlength(page["paper"])
    sheet.draw.text((px0, y - 4), page["paper"], font=paper, fill=0)
    sheet.record(page["paper"], (int(px0), y - 4, WIDTH - MARGIN, y + 70))
    sheet.gold += [label, page["design"], page["paper"]]
    y += 92
    small = types.font("sans_light", 32)
    sheet.draw.text((MARGIN, y), page["date"], font=small, fill=0)
    sheet.record(page["date"], (MARGIN, y, int(MARGIN + small.getlength(page["date"])), y + 38))
    ex = WIDTH - MARGIN - small.getlength(page["editors"])
    sheet.draw.text((ex, y), page["editors"], font=small, fill=0)
    sheet.record(page["editors"], (int(ex), y, WIDTH - MARGIN, y + 38))
    sheet.gold += [page["date"], page["editors"]]
    y += 50
    sheet.draw.rectangle([MARGIN, y, WIDTH - MARGIN, y + 7], fill=0)
    sheet.draw.line([(MARGIN, y + 14), (WIDTH - MARGIN, y + 14)], fill=0, width=2)
    y += 44
    for band in page["bands"]:
        x, bottom = MARGIN, y
        gap = 44
        for k, slot in enumerate(band):
            w = slot["w"] * content - (gap if len(band) > 1 else 0) * (len(band) - 1) / len(band)
            bottom = max(bottom, elements(sheet, slot["els"], x, y, w, row["body_px"], rng))
            if k:
                sheet.draw.line([(x - gap / 2, y), (x - gap / 2, bottom - 20)], fill=0, width=2)
            x += w + gap
        y = bottom + 18
        sheet.draw.line([(MARGIN, y), (WIDTH - MARGIN, y)], fill=0, width=3)
        y += 36
    img = sheet.img.crop((0, 0, WIDTH, y + 60))
    return img, sheet.lines, sheet.gold


# ------------------------------------------------------------------ scan faults (all new to the sets)

def scan(img, cond: str, seed: int):
    """The clean sheet through one fault; geometry stays within a few pixels of the sheet."""
    import numpy as np
    from PIL import Image, ImageFilter
    r = np.random.default_rng(seed)
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape
    if cond == "jitter":  # sheet-feed jitter: rows shifted sideways in runs, as a slipping feeder does
        out = a.copy()
        y = 0
        while y < h:
            run = int(r.integers(3, 30))
            shift = int(r.integers(-3, 4))
            out[y:y + run] = np.roll(a[y:y + run], shift, axis=1)
            y += run
        a = out
    elif cond == "wrinkle":  # crumpled sheet: creases' shading bands and a small smooth warp
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        shade = np.zeros_like(a)
        for _ in range(int(r.integers(6, 11))):
            ang = r.uniform(0, math.pi)
            off = r.uniform(-w, w)
            d = (xx - w / 2) * math.cos(ang) + (yy - h / 2) * math.sin(ang) - off / 2
            shade += r.uniform(25, 60) * np.exp(-(d / r.uniform(4, 14)) ** 2) * np.sign(d) * -1
            shade += r.uniform(15, 40) * np.exp(-(d / r.uniform(20, 60)) ** 2) * (d > 0)
        dx = 2.5 * np.sin(yy / r.uniform(90, 160)) * np.cos(xx / r.uniform(200, 400))
        dy = 2.0 * np.sin(xx / r.uniform(120, 220))
        import cv2
        a = cv2.remap(a, xx + dx, yy + dy, cv2.INTER_LINEAR, borderValue=255)
        a = np.clip(a - shade, 0, 255)
    elif cond == "highlighter":  # a reader's yellow marker over some lines, and a red pen underline
        rgb = np.stack([a, a, a], axis=-1)
        for _ in range(int(r.integers(5, 9))):
            y0 = int(r.integers(200, max(201, h - 100)))
            x0 = int(r.integers(60, w - 600))
            x1 = x0 + int(r.integers(300, 900))
            band = rgb[y0:y0 + 44, x0:x1]
            band *= np.array([1.0, 0.93, 0.35], dtype=np.float32)
        for _ in range(3):
            y0 = int(r.integers(200, max(201, h - 100)))
            x0 = int(r.integers(60, w - 500))
            rgb[y0:y0 + 4, x0:x0 + int(r.integers(200, 500))] = [200, 30, 30]
        return Image.fromarray(np.clip(rgb, 0, 255).astype("uint8"), "RGB").filter(ImageFilter.GaussianBlur(0.5))
    elif cond == "ghost":  # double feed echo: a faint copy of the page a few pixels off
        dy, dx = int(r.integers(5, 12)), int(r.integers(-8, 9))
        echo = np.roll(np.roll(a, dy, axis=0), dx, axis=1)
        a = np.minimum(a, 255 - (255 - echo) * r.uniform(0.28, 0.42))
    elif cond == "dropout":  # fax line dropout: scan rows lost to white or smeared from the row above
        for y in np.nonzero(r.random(h) < 0.035)[0]:
            a[y] = 255 if r.random() < 0.6 else a[y - 1]
    if cond != "clean":
        a = np.asarray(Image.fromarray(np.clip(a, 0, 255).astype("uint8")).filter(ImageFilter.GaussianBlur(0.6)),
                       dtype=np.float32)
        a = a + r.normal(0, 3, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype("uint8"))


# ------------------------------------------------------------------ engines

def run_ppocr(image: Path) -> list:
    """rapidocr_onnxruntime 1.4.4's own result list: [[box 4×[x, y], text, score], ...]."""
    code = ("import json,sys\nfrom rapidocr_onnxruntime import RapidOCR\n"
            "e=RapidOCR(intra_op_num_threads=1,inter_op_num_threads=1)\n"
            "res,_=e(sys.argv[1])\n"
            "print(json.dumps([[[[float(v) for v in p] for p in b],t,float(s)] for b,t,s in (res or [])],ensure_ascii=False))")
    env = dict(os.environ, PYTHONPATH=OCR_PKGS, OMP_THREAD_LIMIT="1", OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", code, str(image)], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_tesseract(image: Path, base: Path, psm: str, extra: str) -> None:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    subprocess.run(["tesseract", str(image), str(base), "-l", "chi_sim", "--psm", psm, *extra.split(), "hocr", "alto"],
                   env=env, capture_output=True, check=True)


def page_xml(result: list, image: Path, size) -> str:
    """A PAGE 2019 file of the PP-OCR lines (a TextRegion per block of lines), as OCR-D holds them."""
    ns = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
    pc = ET.Element("PcGts", xmlns=ns)
    meta = ET.SubElement(pc, "Metadata")
    ET.SubElement(meta, "Creator").text = "RapidOCR (rapidocr_onnxruntime 1.4.4, PP-OCRv4) via make_thirteenth_pages"
    ET.SubElement(meta, "Created").text = "2026-12-02T00:00:00"
    ET.SubElement(meta, "LastChange").text = "2026-12-02T00:00:00"
    page = ET.SubElement(pc, "Page", imageFilename=image.name, imageWidth=str(size[0]), imageHeight=str(size[1]))
    for b, block in enumerate(blocks(result)):
        pts = [p for line in block for p in line[0]]
        reg = ET.SubElement(page, "TextRegion", id=f"r{b}")
        ET.SubElement(reg, "Coords", points=_pts(_rect(pts)))
        for i, (box, text, score) in enumerate(block):
            line = ET.SubElement(reg, "TextLine", id=f"r{b}l{i}")
            ET.SubElement(line, "Coords", points=_pts(box))
            y = int(max(p[1] for p in box[2:]))
            ET.SubElement(line, "Baseline", points=f"{int(box[3][0])},{y} {int(box[2][0])},{y}")
            word = ET.SubElement(line, "Word", id=f"r{b}l{i}w0")
            ET.SubElement(word, "Coords", points=_pts(box))
            ET.SubElement(ET.SubElement(word, "TextEquiv", conf=f"{score:.4f}"), "Unicode").text = text
            ET.SubElement(ET.SubElement(line, "TextEquiv", conf=f"{score:.4f}"), "Unicode").text = text
    return ET.tostring(pc, encoding="unicode")


def _rect(pts):
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return [[min(xs), min(ys)], [max(xs), min(ys)], [max(xs), max(ys)], [min(xs), max(ys)]]


def _pts(box):
    return " ".join(f"{round(x)},{round(y)}" for x, y in box)


def blocks(result: list) -> list[list]:
    """A new block where a line does not sit under the one before (gap over 1.2 line heights or no overlap)."""
    out = []
    for line in result:
        r = _rect(line[0])
        if out:
            p = _rect(out[-1][-1][0])
            hgt = p[2][1] - p[0][1]
            under = r[0][1] - p[2][1] <= 1.2 * hgt and r[0][0] < p[1][0] and r[1][0] > p[0][0]
            if under:
                out[-1].append(line)
                continue
        out.append([line])
    return out


def run_page_to_alto(page_file: Path) -> str:
    env = dict(os.environ, PYTHONPATH=OCRD_PKGS)
    code = "import sys; from ocrd_page_to_alto.cli import main; sys.argv=['page-to-alto']+sys.argv[1:]; main()"
    out = subprocess.run([sys.executable, "-c", code, "--alto-version", "4.2", "--region-order", "document",
                          "--no-check-words", "--no-check-border", str(page_file)],
                         env=env, capture_output=True, text=True, check=True)
    return out.stdout


# ------------------------------------------------------------------ text files

def reading_order(result: list, lines: list[dict]) -> list[str]:
    """Engine lines sorted by the rank of the printed line whose box (padded a third of its height) holds
    the engine box's centre (the smallest when several do, the nearest when none does), then left to right."""
    keyed = []
    for box, text, _ in result:
        cx = sum(p[0] for p in box) / 4
        cy = sum(p[1] for p in box) / 4
        holders = []
        for ln in lines:
            x0, y0, x1, y1 = ln["box"]
            pad = (y1 - y0) / 3
            if x0 - pad <= cx <= x1 + pad and y0 - pad <= cy <= y1 + pad:
                holders.append(((x1 - x0) * (y1 - y0), ln["rank"]))
        if holders:
            rank = min(holders)[1]
        else:
            rank = min(lines, key=lambda ln: (max(ln["box"][0] - cx, 0, cx - ln["box"][2]) ** 2
                                              + max(ln["box"][1] - cy, 0, cy - ln["box"][3]) ** 2))["rank"]
        keyed.append((rank, cx, text))
    return [t for _, _, t in sorted(keyed, key=lambda k: (k[0], k[1]))]


def hocr_words(path: Path) -> list[str]:
    from lxml import html
    root = html.fromstring(path.read_bytes(), parser=html.HTMLParser(encoding="utf-8"))
    return [e.text_content() for e in root.iter() if isinstance(e.tag, str) and "ocrx_word" in (e.get("class") or "")]


def alto_strings(path: Path) -> list[str]:
    return [e.get("CONTENT") for e in ET.parse(path).getroot().iter() if e.tag.endswith("}String")]


def floor(gold: str, texts: list[str]) -> tuple[int, int]:
    g = Counter(c for c in gold if not c.isspace())
    r = Counter(c for c in "".join(texts) if not c.isspace())
    return sum((g - r).values()), sum((r - g).values())


FIELDS = ["name", "split", "paper", "issue_date", "page", "section", "design", "body_face", "body_px", "dpi", "scan",
          "json_shape", "ppocr", "hocr_producer", "hocr_from", "alto_producer", "alto_from", "tesseract_langs",
          "tesseract_psm", "tesseract_extra", "stories", "gold_chars", "ocr_missing", "ocr_extra", "ocr_floor",
          "hocr_missing", "hocr_extra", "hocr_floor", "alto_missing", "alto_extra", "alto_floor"]


def build(row: dict, out: Path, images: Path, types: Type, ocr: bool) -> dict:
    folder = out / row["split"]
    folder.mkdir(parents=True, exist_ok=True)
    name = row["name"]
    img, lines, gold_lines = render(row, types)
    gold = "\n".join(gold_lines) + "\n"
    (folder / f"{name}.gold.txt").write_text(gold, encoding="utf-8")
    if ocr:
        images.mkdir(parents=True, exist_ok=True)
        img.save(images / f"{name}.clean.png")
        scanned = scan(img, row["scan"], row["scan_seed"])
        png = images / f"{name}.png"
        scanned.save(png, dpi=(DPI, DPI))
        result = run_ppocr(png)
        (folder / f"{name}.paddle.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        run_tesseract(png, images / f"{name}.tess", row["psm"], row["extra"])
        (folder / f"{name}.hocr").write_bytes((images / f"{name}.tess.hocr").read_bytes())
        if row["alto_producer"] == "page2alto":
            pfile = images / f"{name}.page.xml"
            pfile.write_text(page_xml(result, png, scanned.size), encoding="utf-8")
            (folder / f"{name}.alto.xml").write_text(run_page_to_alto(pfile), encoding="utf-8")
        else:
            (folder / f"{name}.alto.xml").write_bytes((images / f"{name}.tess.xml").read_bytes())
    result = json.loads((folder / f"{name}.paddle.json").read_text(encoding="utf-8"))
    (folder / f"{name}.txt").write_text("\n".join(reading_order(result, lines)) + "\n", encoding="utf-8")
    page = row["page"]
    m = re.match(r"(\d+)年(\d+)月(\d+)日", page["date"])
    gchars = sum(1 for c in gold if not c.isspace())
    rec = dict(name=name, split=row["split"], paper=page["paper"],
               issue_date=f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", page=page["page"], section=page["design"],
               design=page["id"].split("-")[0], body_face=f"{FONTS[row['body_face']][0]}#{FONTS[row['body_face']][1]}",
               body_px=row["body_px"], dpi=DPI, scan=row["scan"], json_shape="l",
               ppocr="rapidocr_onnxruntime 1.4.4", hocr_producer="tesseract", hocr_from="tesseract",
               alto_producer=row["alto_producer"],
               alto_from="rapidocr" if row["alto_producer"] == "page2alto" else "tesseract",
               tesseract_langs="chi_sim", tesseract_psm=row["psm"], tesseract_extra=row["extra"],
               stories=page["id"], gold_chars=gchars)
    for prefix, texts in (("ocr", [r[1] for r in result]), ("hocr", hocr_words(folder / f"{name}.hocr")),
                          ("alto", alto_strings(folder / f"{name}.alto.xml"))):
        miss, extra = floor(gold, texts)
        rec.update({f"{prefix}_missing": miss, f"{prefix}_extra": extra,
                    f"{prefix}_floor": f"{(miss + extra) / gchars:.4f}"})
    return rec


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--font-dir", default=os.environ.get("QINGYANG_THIRTEENTH_FONTS", "/tmp/thirteenth_fonts"))
    ap.add_argument("--out", default=str(ROOT / "tests" / "eval_thirteenth"))
    ap.add_argument("--image-dir", default="/tmp/thirteenth_images")
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--only", action="append")
    ap.add_argument("--split")
    ap.add_argument("--plan", action="store_true")
    a = ap.parse_args(argv)
    rows = plan()
    if a.plan:
        for r in rows:
            print(r["name"], r["split"], r["page"]["id"], r["scan"], r["body_face"], r["body_px"], r["psm"],
                  repr(r["extra"]), r["alto_producer"])
        return 0
    out = Path(a.out)
    types = Type(Path(a.font_dir))
    manifest = out / "manifest.csv"
    old = {r["name"]: r for r in csv.DictReader(manifest.open(encoding="utf-8"))} if manifest.is_file() else {}
    recs = {}
    for r in rows:
        chosen = (not a.only or r["name"] in a.only) and (not a.split or r["split"] == a.split)
        if chosen:
            recs[r["name"]] = build(r, out, Path(a.image_dir), types, not a.no_ocr)
            print(r["name"], "done", file=sys.stderr)
        elif r["name"] in old:
            recs[r["name"]] = old[r["name"]]
    with manifest.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, FIELDS, lineterminator="\n")
        w.writeheader()
        for n in sorted(recs):
            w.writerow({k: recs[n][k] for k in FIELDS})
    return 0


if __name__ == "__main__":
    sys.exit(main())
