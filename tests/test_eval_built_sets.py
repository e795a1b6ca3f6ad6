"""The evaluation sets built by other hands (tests/eval_fresh/, eval_third/, eval_fourth/,
eval_fifth/, eval_sixth/, eval_seventh/, eval_eighth/, eval_ninth/, eval_tenth/, eval_eleventh/, eval_twelfth/, eval_thirteenth/) hold what their READMEs promise: three files per page (five with Tesseract's hOCR and
ALTO), gold in the text contract, the plain-text input
the engine's own lines reordered, no held-out story on a dev page, and a builder that makes
the committed gold again.

Rendering needs Pillow and the fonts named in each README, OCR needs RapidOCR; the
structural checks here need neither. A rebuild check runs only where its fonts are.
"""

import csv
import importlib.util
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuiltSet:
    """One set: its folder, the printed pointers its gold must not keep, its builder."""

    name: str
    pointer: re.Pattern
    builder: str
    font_dir: Path
    fonts: tuple[str, ...]
    suffixes: tuple[str, ...] = (".txt", ".gold.txt", ".paddle.json")

    @property
    def folder(self) -> Path:
        return ROOT / "tests" / self.name

    @property
    def manifest(self) -> list[dict]:
        return list(csv.DictReader((self.folder / "manifest.csv").open(encoding="utf-8")))

    def gold(self, row: dict) -> str:
        return (self.folder / row["split"] / f"{row['name']}.gold.txt").read_text(encoding="utf-8")

    def has_fonts(self) -> bool:
        return all((self.font_dir / font).is_file() for font in self.fonts)

    def load_builder(self):
        path = ROOT / "tools" / self.builder
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses resolve their module while it loads
        spec.loader.exec_module(module)
        return module


FRESH = BuiltSet("eval_fresh", re.compile(r"下转第|上接第|相关报道见|▶"),  # ▶N版 guides
                 "make_fresh_pages.py", Path(os.environ.get("QINGYANG_FRESH_FONTS", "/tmp/fresh_fonts")),
                 ("NotoSerifCJKsc-Regular.otf",))
THIRD = BuiltSet("eval_third", re.compile(r"下转|上接|转第|接第|详见第|▶"),  # and ▶ 详见第N版
                 "make_third_pages.py", Path(os.environ.get("QINGYANG_THIRD_FONTS", "/tmp/third_fonts")),
                 ("SourceHanSerifSC-Regular.otf", "NotoSansCJKsc-Regular.otf", "SimHei.ttf"))
FOURTH = BuiltSet("eval_fourth", re.compile(r"下转|上接|转第|接第|紧转|紧接|详见|见第|▶"),  # any page pointer
                  "make_fourth_pages.py", Path(os.environ.get("QINGYANG_FOURTH_FONTS", "/tmp/fourth_fonts")),
                  ("SourceHanSerifSC-Regular.otf", "NotoSerifCJKsc-Regular.otf", "NotoSansCJKsc-Regular.otf",
                   "SimHei.ttf"))
FIFTH = BuiltSet("eval_fifth", re.compile(r"下转|上接|转第|接第|紧转|紧接|详见|见第|见\d版|▶"),  # any page pointer
                 "make_fifth_pages.py", Path(os.environ.get("QINGYANG_FIFTH_FONTS", "/tmp/fifth_fonts")),
                 ("SourceHanSerifSC-Regular.otf", "NotoSerifCJKsc-Regular.otf", "SimHei.ttf",
                  "SourceHanMonoSC-Regular.otf"),
                 (".txt", ".gold.txt", ".paddle.json", ".hocr", ".alto.xml"))
SIXTH = BuiltSet("eval_sixth", re.compile(r"下转|上接|转第|接第|转A\d|接A\d|▶"),  # any page pointer it prints
                 "make_sixth_pages.py", Path(os.environ.get("QINGYANG_SIXTH_FONTS", "/tmp/sixth_fonts")),
                 ("gbsn00lp.ttf", "uming.ttc", "gkai00mp.ttf", "wqy-zenhei.ttc", "SimHei.ttf"),
                 (".txt", ".gold.txt", ".paddle.json", ".hocr", ".alto.xml"))
SEVENTH = BuiltSet("eval_seventh", re.compile(r"下转|上接|紧转|紧接|转A\d|转\d版|详见|见A\d|见第|……(?:A|第)?\d|▶|→|←"),  # its pointers
                   "make_seventh_pages.py", Path(os.environ.get("QINGYANG_SEVENTH_FONTS", "/tmp/seventh_fonts")),
                   ("uming.ttc", "gbsn00lp.ttf", "LXGWWenKai-Regular.ttf", "LXGWWenKai-Bold.ttf", "gkai00mp.ttf",
                    "wqy-microhei.ttc", "DroidSansFallbackFull.ttf", "LiberationSerif-Regular.ttf",
                    "LiberationSerif-Bold.ttf"),
                   (".txt", ".gold.txt", ".paddle.json", ".hocr", ".alto.xml"))
EIGHTH = BuiltSet("eval_eighth", re.compile(r"下转|上接|转第|接第|转B\d|▼|▶"),  # its jump markers
                  "make_eighth_pages.py", Path(os.environ.get("QINGYANG_EIGHTH_FONTS", "/tmp/eighth_fonts")),
                  ("NotoSerifCJKsc-Regular.otf", "NotoSansCJKsc-Regular.otf", "uming.ttc", "LXGWWenKai-Regular.ttf",
                   "LXGWWenKai-Light.ttf", "LXGWWenKaiMono-Regular.ttf", "wqy-zenhei.ttc"),
                  (".txt", ".gold.txt", ".paddle.json", ".hocr", ".alto.xml"))
NINTH = BuiltSet("eval_ninth", re.compile(r"转第|续见|接第|下转|上接|▶"),  # its jump markers
                 "make_ninth_pages.py", Path(os.environ.get("QINGYANG_NINTH_FONTS", "/tmp/ninth_fonts")),
                 ("NotoSerifCJKsc-Regular.otf", "NotoSansCJKsc-Regular.otf", "uming.ttc", "LXGWWenKai-Regular.ttf",
                  "LXGWWenKaiMono-Light.ttf", "LXGWWenKaiMono-Bold.ttf", "wqy-microhei.ttc"),
                 (".txt", ".gold.txt", ".paddle.json", ".hocr", ".alto.xml"))
TENTH = BuiltSet("eval_tenth", re.compile(r"下接第|紧转第|转第|接第|下转|上接|续见|▶"),  # its jump markers
                 "make_tenth_pages.py", Path(os.environ.get("QINGYANG_TENTH_FONTS", "/tmp/tenth_fonts")),
                 ("NotoSerifCJKsc-Regular.otf", "NotoSansCJKsc-Regular.otf", "NotoSansCJKtc-DemiLight.otf",
                  "gkai00mp.ttf", "LXGWWenKai-Regular.ttf", "LXGWWenKaiMono-Regular.ttf", "uming.ttc", "gbsn00lp.ttf"),
                 (".txt", ".gold.txt", ".paddle.json", ".hocr", ".alto.xml"))
ELEVENTH = BuiltSet("eval_eleventh", re.compile(r"下转|上接|转第|接第|▲转|【转|接A\d|续A\d|▶"),  # its jump markers
                    "make_eleventh_pages.py", Path(os.environ.get("QINGYANG_ELEVENTH_FONTS", "/tmp/eleventh_fonts")),
                    ("NotoSerifCJKsc-Regular.otf", "NotoSansCJKsc-Regular.otf", "NotoSansCJKtc-Light.otf",
                     "LXGWWenKai-Regular.ttf", "LXGWWenKaiMono-Regular.ttf"),
                    (".txt", ".gold.txt", ".paddle.json", ".hocr", ".alto.xml"))
TWELFTH = BuiltSet("eval_twelfth", re.compile(r"下转|上接|转第|接第|下接|紧接|转B\d|转\d版|→"),  # its jump markers
                   "make_twelfth_pages.py", Path(os.environ.get("QINGYANG_TWELFTH_FONTS", "/tmp/twelfth_fonts")),
                   ("NotoSerifCJKsc-Regular.otf", "NotoSansCJKsc-Regular.otf", "ukai.ttc", "LXGWWenKaiMono-Regular.ttf"),
                   (".txt", ".gold.txt", ".paddle.json", ".hocr", ".alto.xml"))
THIRTEENTH = BuiltSet("eval_thirteenth", re.compile(r"转第|续第|下转|上接|接第"),  # its jump markers
                      "make_thirteenth_pages.py",
                      Path(os.environ.get("QINGYANG_THIRTEENTH_FONTS", "/tmp/thirteenth_fonts")),
                      ("NotoSerifCJK-Light.ttc", "NotoSerifCJK-Medium.ttc", "NotoSerifCJK-Black.ttc",
                       "NotoSansCJK-Bold.ttc", "NotoSansCJK-Light.ttc", "NotoSansCJK-Regular.ttc", "HanaMinA.ttf",
                       "SmileySans-Oblique.ttf"),
                      (".txt", ".gold.txt", ".paddle.json", ".hocr", ".alto.xml"))
SETS = [FRESH, THIRD, FOURTH, FIFTH, SIXTH, SEVENTH, EIGHTH, NINTH, TENTH, ELEVENTH, TWELFTH, THIRTEENTH]
PAGES = [(s, row) for s in SETS for row in s.manifest]


def _page_id(item) -> str:
    return f"{item[0].name}/{item[1]['name']}" if isinstance(item, tuple) else item.name


@pytest.mark.parametrize("built", SETS, ids=_page_id)
def test_every_page_has_its_three_files_and_nothing_else(built):
    listed = {(r["split"], r["name"]) for r in built.manifest}
    for split, name in listed:
        for suffix in built.suffixes:
            assert (built.folder / split / f"{name}{suffix}").is_file(), (name, suffix)
    assert {(p.parent.name, p.name.split(".")[0]) for p in built.folder.glob("*/*.*")} == listed


# Each built set's dev pages (exactly, or at least) and its least number of held-out pages.
SPLIT_SIZES = [(FOURTH, 7, 13), (FIFTH, 6, 10), (SIXTH, 6, 12), (SEVENTH, 6, 12), (EIGHTH, 6, 12),
               (NINTH, 6, 12), (TENTH, 6, 12), (ELEVENTH, 6, 12), (TWELFTH, 6, 12),
               (THIRTEENTH, 6, 10)]


def test_split_sizes():
    fresh = Counter(r["split"] for r in FRESH.manifest)
    assert fresh["dev"] >= 10 and fresh["heldout"] >= 5
    third = Counter(r["split"] for r in THIRD.manifest)
    assert third["dev"] >= 6 and third["heldout"] == 2 * third["dev"]  # a third of the set is dev
    for built, dev, heldout in SPLIT_SIZES:
        split = Counter(r["split"] for r in built.manifest)
        assert (split["dev"], split["heldout"] >= heldout) == (dev, True), built.folder.name


@pytest.mark.parametrize(("built", "row"), PAGES, ids=map(_page_id, PAGES))
def test_gold_is_in_the_text_contract_shape(built, row):
    gold = built.gold(row)
    assert gold.endswith("\n") and not gold.endswith("\n\n")
    for line in gold.splitlines():
        assert line and line == line.strip(), line
        assert "  " not in line and "\u3000" not in line, line
        assert not built.pointer.search(line), line
        # no gold space touches Chinese punctuation
        assert not re.search(r" [，。、；：？！“”（）《》]|[，。、；：？！“”（）《》] ", line), line


def _engine_texts(engine) -> list[str]:
    """The recognised lines of a PP-OCR JSON in any of the public shapes the sets write:
    `qingyang ocr`'s, PaddleOCR 3.x `save_to_json`'s ({"res": {...}}), RapidOCR's `to_json()`
    list, PP-StructureV3's `save_to_json` ({"res": {"overall_ocr_res": {...}}}), a PaddleOCR
    2.x `ocr()` result ([[[polygon, [text, score]], ...]], one page wrapped in a list), a
    PaddleOCR 2.x predict_system entry ([{"transcription", "points"}, ...]), PaddleOCR-json's
    answer ({"code": 100, "data": [{"box", "score", "text"}, ...]}) and a PP-Structure 2.x result
    list, region by region ([{"type", "bbox", "res": [{"text", "confidence", "text_region"}]}]) and
    rapidocr_onnxruntime 1.x's own result list ([[polygon, text, score], ...])."""
    if isinstance(engine, dict) and "code" in engine:
        return [r["text"] for r in engine.get("data") or []]
    if isinstance(engine, list):
        if engine and isinstance(engine[0], dict) and "res" in engine[0]:
            return [r["text"] for region in engine for r in region["res"]]
        if engine and isinstance(engine[0], dict) and "transcription" in engine[0]:
            return [r["transcription"] for r in engine]
        if engine and isinstance(engine[0], dict):
            return [r["txt"] for r in engine]
        if engine and len(engine[0]) == 3 and isinstance(engine[0][1], str):
            return [row[1] for row in engine]
        return [row[1][0] for row in (engine[0] or [])] if engine else []
    res = engine.get("res", engine)
    return res.get("overall_ocr_res", res)["rec_texts"]


@pytest.mark.parametrize(("built", "row"), PAGES, ids=map(_page_id, PAGES))
def test_text_input_is_the_engine_lines_reordered(built, row):
    folder = built.folder / row["split"]
    engine = json.loads((folder / f"{row['name']}.paddle.json").read_text(encoding="utf-8"))
    lines = (folder / f"{row['name']}.txt").read_text(encoding="utf-8").splitlines()
    assert Counter(lines) == Counter(_engine_texts(engine))


FLOORED = [(s, row) for s in (THIRD, FOURTH, FIFTH, SIXTH, SEVENTH, EIGHTH, NINTH, TENTH, ELEVENTH, TWELFTH,
                              THIRTEENTH)
           for row in s.manifest]


@pytest.mark.parametrize(("built", "row"), FLOORED, ids=map(_page_id, FLOORED))
def test_manifest_floor_is_the_order_free_difference(built, row):
    engine = json.loads((built.folder / row["split"] / f"{row['name']}.paddle.json").read_text(encoding="utf-8"))
    gold = Counter(c for c in built.gold(row) if not c.isspace())
    raw = Counter(c for c in "".join(_engine_texts(engine)) if not c.isspace())
    assert int(row["gold_chars"]) == sum(gold.values())
    assert int(row["ocr_missing"]) == sum((gold - raw).values())
    assert int(row["ocr_extra"]) == sum((raw - gold).values())


def _hocr_words(path: Path) -> list[str]:
    """The text of each ocrx_word element of an hOCR file, in file order (lxml, as the reader)."""
    root = html.fromstring(path.read_bytes(), parser=html.HTMLParser(encoding="utf-8"))
    return [e.text_content() for e in root.iter()
            if isinstance(e.tag, str) and "ocrx_word" in (e.get("class") or "").split()]


TESSERACT = [(s, row) for s in SETS if ".hocr" in s.suffixes and s not in (NINTH, TENTH, ELEVENTH, TWELFTH,
                                                                          THIRTEENTH)
             for row in s.manifest]


@pytest.mark.parametrize(("built", "row"), TESSERACT, ids=map(_page_id, TESSERACT))
def test_hocr_and_alto_are_one_tesseract_run_and_the_floor_counts_its_words(built, row):
    folder = built.folder / row["split"]
    words = _hocr_words(folder / f"{row['name']}.hocr")
    alto = ET.parse(folder / f"{row['name']}.alto.xml").getroot()
    strings = [e.get("CONTENT") for e in alto.iter() if e.tag.endswith("}String")]
    if row.get("alto_shape") == "abbyy":  # the same words, cut into a String per CJK glyph
        assert "".join(words).replace(" ", "") == "".join(strings) and len(strings) >= len(words)
    else:
        assert words == strings
    gold = Counter(c for c in built.gold(row) if not c.isspace())
    raw = Counter(c for c in "".join(words) if not c.isspace())
    assert int(row["tess_missing"]) == sum((gold - raw).values())
    assert int(row["tess_extra"]) == sum((raw - gold).values())


def _alto_strings(path: Path) -> list[str]:
    return [e.get("CONTENT") for e in ET.parse(path).getroot().iter() if e.tag.endswith("}String")]


def _producer_of(path: Path) -> str:
    """Who wrote an hOCR or ALTO file, from the file itself: Tesseract or a converter of RapidOCR's output."""
    head = path.read_text(encoding="utf-8")[:3000]
    return "rapidocr" if "RapidOCR" in head else "tesseract" if "tesseract" in head.lower() else "unknown"


def _assert_one_run(words: list[str], strings: list[str]) -> None:
    """The hOCR's words and the ALTO's strings are one Tesseract run's (white space aside)."""
    assert [re.sub(r"\s", "", w) for w in words] == [re.sub(r"\s", "", s) for s in strings]


def _assert_floors_count(built, row: dict, words: list[str], strings: list[str]) -> None:
    """The manifest's hOCR and ALTO floors count the glyphs each file misses or adds, order-free."""
    gold = Counter(c for c in built.gold(row) if not c.isspace())
    for prefix, texts in (("hocr", words), ("alto", strings)):
        raw = Counter(c for c in "".join(texts) if not c.isspace())
        assert int(row[f"{prefix}_missing"]) == sum((gold - raw).values())
        assert int(row[f"{prefix}_extra"]) == sum((raw - gold).values())


NINTH_PAGES = [(NINTH, row) for row in NINTH.manifest]


@pytest.mark.parametrize(("built", "row"), NINTH_PAGES, ids=map(_page_id, NINTH_PAGES))
def test_ninth_hocr_and_alto_are_the_producer_the_manifest_names(built, row):
    """Each page's hOCR and ALTO come from Tesseract or are converted from the page's PP-OCR lines
    (one word / one String per engine line); one Tesseract run when both are Tesseract's; the
    manifest's floors count each file's words."""
    folder = built.folder / row["split"]
    hocr, alto = folder / f"{row['name']}.hocr", folder / f"{row['name']}.alto.xml"
    words, strings = _hocr_words(hocr), _alto_strings(alto)
    engine = _engine_texts(json.loads((folder / f"{row['name']}.paddle.json").read_text(encoding="utf-8")))
    assert _producer_of(hocr) == row["hocr_producer"] and _producer_of(alto) == row["alto_producer"]
    if row["hocr_producer"] == "rapidocr":
        assert sorted(words) == sorted(engine)
    if row["alto_producer"] == "rapidocr":
        assert sorted(strings) == sorted(engine)
    if row["hocr_producer"] == row["alto_producer"]:  # hocr_char_boxes=1 sets each glyph on its own line
        _assert_one_run(words, strings)
    _assert_floors_count(built, row, words, strings)


def _tenth_hocr_texts(path: Path) -> list[str]:
    """Each ocrx_word's text, or each ocr_line's where a producer writes lines without words."""
    root = html.fromstring(path.read_bytes(), parser=html.HTMLParser(encoding="utf-8"))
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    words = [e.text_content() for e in elements if "ocrx_word" in (e.get("class") or "").split()]
    return words or [e.text_content() for e in elements if (e.get("class") or "") in ("ocr_line", "ocrx_line")]


def _tenth_producer(path: Path) -> tuple[str, str]:
    """(producer, source engine) as the file names them in its ocr-system meta or processingSoftware."""
    head = path.read_text(encoding="utf-8")[:3000]
    source = "rapidocr" if "RapidOCR" in head else "tesseract"
    for producer, mark in (("kraken", "kraken-style"), ("ocropus", "ocropus-hocr-style"),
                           ("vendor", "FineReader/docWorks-style")):
        if mark in head:
            return producer, source
    return ("tesseract", "tesseract") if "tesseract" in head.lower() else ("unknown", "unknown")


TENTH_PAGES = [(TENTH, row) for row in TENTH.manifest]


def _producers_files(built: BuiltSet, row: dict, producer_of) -> tuple:
    """A page's ALTO file, its hOCR's words and ALTO's strings, and its engine's lines, after
    checking that each file is the producer the manifest names (`producer_of`: the set's
    reading of a file's producer and source engine)."""
    folder = built.folder / row["split"]
    hocr, alto = folder / f"{row['name']}.hocr", folder / f"{row['name']}.alto.xml"
    assert producer_of(hocr) == (row["hocr_producer"], row["hocr_from"])
    assert producer_of(alto) == (row["alto_producer"], row["alto_from"])
    engine = _engine_texts(json.loads((folder / f"{row['name']}.paddle.json").read_text(encoding="utf-8")))
    return alto, _tenth_hocr_texts(hocr), _alto_strings(alto), engine


@pytest.mark.parametrize(("built", "row"), TENTH_PAGES, ids=map(_page_id, TENTH_PAGES))
def test_tenth_hocr_and_alto_are_the_producer_the_manifest_names(built, row):
    """Each hOCR and ALTO is Tesseract's own or another producer's form converted from Tesseract's or
    PP-OCR's result; a converted file holds its engine's text; the vendor ALTO is in v2/v3, mm10 or
    inch1200, with ComposedBlocks and Styles; the manifest's floors count each file's text."""
    alto, words, strings, engine = _producers_files(built, row, _tenth_producer)
    engine_chars = Counter(c for c in "".join(engine) if not c.isspace())
    if row["hocr_from"] == "rapidocr":
        assert Counter(c for c in "".join(words) if not c.isspace()) == engine_chars
    if row["alto_from"] == "rapidocr":
        assert Counter(c for c in "".join(strings) if not c.isspace()) == engine_chars
    if row["alto_producer"] == "vendor":
        root = ET.parse(alto).getroot()
        version, unit = row["alto_form"].split()
        assert root.tag == f"{{http://www.loc.gov/standards/alto/ns-{version}#}}alto"
        assert next(e.text for e in root.iter() if e.tag.endswith("}MeasurementUnit")) == unit
        assert any(e.tag.endswith("}ComposedBlock") for e in root.iter())
        assert any(e.tag.endswith("}TextStyle") and e.get("FONTSIZE") for e in root.iter())
    if row["hocr_from"] == row["alto_from"] == "tesseract" and row["hocr_producer"] != "ocropus":
        _assert_one_run(words, strings)
    _assert_floors_count(built, row, words, strings)


def _eleventh_producer(path: Path) -> tuple[str, str]:
    """(producer, source engine) as an eleventh-set file names them in its head."""
    head = path.read_text(encoding="utf-8")[:3000]
    source = "rapidocr" if "RapidOCR" in head else "tesseract"
    for producer, mark in (("gcv2hocr", "gcv2hocr-style"), ("typed", "typed-hocr export"),
                           ("escriptorium", "escriptorium-style ALTO"), ("charlevel", "character-level ALTO")):
        if mark in head:
            return producer, source
    return ("tesseract", "tesseract") if "tesseract" in head.lower() else ("unknown", "unknown")


def _chars(texts: list[str]) -> Counter:
    return Counter(c for c in "".join(texts) if not c.isspace())


ELEVENTH_PAGES = [(ELEVENTH, row) for row in ELEVENTH.manifest]


@pytest.mark.parametrize(("built", "row"), ELEVENTH_PAGES, ids=map(_page_id, ELEVENTH_PAGES))
def test_eleventh_hocr_and_alto_are_the_producer_the_manifest_names(built, row):
    """Each hOCR and ALTO is Tesseract's own or a producer's form converted from Tesseract's or
    PP-OCR's result and holds that engine's glyphs; an eScriptorium ALTO has a String per line, a
    BASELINE polyline, a polygon and a line type; a character-level ALTO a String per glyph and no
    SP; the manifest's floors count each file's text."""
    alto, words, strings, engine = _producers_files(built, row, _eleventh_producer)
    if row["json_shape"] != "a":  # shape a is `qingyang ocr`'s own run; the converters read the builder's
        for source, texts in ((row["hocr_from"], words), (row["alto_from"], strings)):
            if source == "rapidocr":
                assert _chars(texts) == _chars(engine)
    if row["hocr_from"] == row["alto_from"] == "tesseract":
        assert _chars(words) == _chars(strings)
    root = ET.parse(alto).getroot()
    if row["alto_producer"] == "escriptorium":
        tags = {e.get("ID") for e in root.iter() if e.tag.endswith("}OtherTag")}
        for line in (e for e in root.iter() if e.tag.endswith("}TextLine")):
            assert re.fullmatch(r"\d+,\d+ \d+,\d+", line.get("BASELINE")) and line.get("TAGREFS") in tags
            assert len([e for e in line if e.tag.endswith("}String")]) == 1
            assert any(e.tag.endswith("}Polygon") for e in line.iter())
    if row["alto_producer"] == "charlevel":
        assert not any(e.tag.endswith("}SP") for e in root.iter())
        assert all(len(s) == 1 or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.,:/%+\-—~·]*", s) for s in strings)
    _assert_floors_count(built, row, words, strings)


def _twelfth_producer(path: Path) -> tuple[str, str]:
    """(producer, source engine) as a twelfth-set file names them in its head."""
    head = path.read_text(encoding="utf-8")[:3000]
    if "pdf-to-hocr" in head:
        return "pdf2hocr", "rapidocr" if "RapidOCR" in head else "tesseract"
    if "pdfalto" in head:
        return "pdfalto", "tesseract"
    if "region-first" in head:
        return "regional", "rapidocr-regions"
    return ("tesseract", "tesseract") if "tesseract" in head.lower() else ("unknown", "unknown")


def _assert_twelfth_form(row: dict, hocr: Path, alto: Path) -> None:
    """pdf-to-hocr: a page with ppageno and scan_res, each word its glyphs' ocrx_cinfo; pdfalto: v3 in
    PDF points (decimals), SP between words; region-first: a ComposedBlock per zone, a Glyph per glyph."""
    if row["hocr_producer"] == "pdf2hocr":
        root = html.fromstring(hocr.read_bytes(), parser=html.HTMLParser(encoding="utf-8"))
        spans = [e for e in root.iter() if isinstance(e.tag, str)]
        page = next(e for e in spans if e.get("class") == "ocr_page")
        assert "ppageno 0" in page.get("title") and "scan_res" in page.get("title")
        for word in (e for e in spans if e.get("class") == "ocrx_word"):
            assert word.text_content().strip() == "".join(c.text for c in word if c.get("class") == "ocrx_cinfo")
    root = ET.parse(alto).getroot()
    if row["alto_producer"] == "pdfalto":
        assert root.tag == "{http://www.loc.gov/standards/alto/ns-v3#}alto"
        assert all("." in e.get("HPOS") for e in root.iter() if e.tag.endswith("}String"))
        assert any(e.tag.endswith("}SP") for e in root.iter())
    if row["alto_producer"] == "regional":
        for block in (e for e in root.iter() if e.tag.endswith("}TextBlock")):
            assert block in [c for cb in root.iter() if cb.tag.endswith("}ComposedBlock") for c in cb]
        for string in (e for e in root.iter() if e.tag.endswith("}String")):
            assert string.get("CONTENT") == "".join(g.get("CONTENT") for g in string if g.tag.endswith("}Glyph"))


TWELFTH_PAGES = [(TWELFTH, row) for row in TWELFTH.manifest]


@pytest.mark.parametrize(("built", "row"), TWELFTH_PAGES, ids=map(_page_id, TWELFTH_PAGES))
def test_twelfth_hocr_and_alto_are_the_producer_the_manifest_names(built, row):
    """Each hOCR and ALTO is Tesseract's own, or pdf-to-hocr / pdfalto / a region-first workflow's form of
    Tesseract's or PP-OCR's result, and holds that run's glyphs; the manifest's floors count each file's text."""
    alto, words, strings, engine = _producers_files(built, row, _twelfth_producer)
    if row["hocr_from"] == "rapidocr":
        assert _chars(words) == _chars(engine)
    if row["alto_from"] == "rapidocr-regions" and row["json_shape"] == "k":  # one region-first run
        assert _chars(strings) == _chars(engine)
    if row["hocr_from"] == row["alto_from"] == "tesseract":
        assert _chars(words) == _chars(strings)
    folder = built.folder / row["split"]
    _assert_twelfth_form(row, folder / f"{row['name']}.hocr", alto)
    _assert_floors_count(built, row, words, strings)


def _thirteenth_producer(path: Path) -> tuple[str, str]:
    """(producer, source engine) as a thirteenth-set file shows them: Tesseract names itself in its head;
    OCR-D's page-to-alto writes ALTO v4 with a Shape/Polygon in each String and names no software."""
    head = path.read_text(encoding="utf-8")[:3000]
    if "tesseract" in head.lower():
        return "tesseract", "tesseract"
    root = ET.parse(path).getroot()
    strings = [e for e in root.iter() if e.tag.endswith("}String")]
    if root.tag == "{http://www.loc.gov/standards/alto/ns-v4#}alto" and strings and all(
            any(c.tag.endswith("}Shape") for c in s) for s in strings):
        return "page2alto", "rapidocr"
    return "unknown", "unknown"


THIRTEENTH_PAGES = [(THIRTEENTH, row) for row in THIRTEENTH.manifest]


@pytest.mark.parametrize(("built", "row"), THIRTEENTH_PAGES, ids=map(_page_id, THIRTEENTH_PAGES))
def test_thirteenth_hocr_and_alto_are_the_producer_the_manifest_names(built, row):
    """The hOCR is Tesseract's own (psm 11, 12 or 6, a setting per page); the ALTO is the same Tesseract run's
    or OCR-D page-to-alto's from a PAGE file of the PP-OCR lines (a String per engine line); the JSON is
    rapidocr_onnxruntime 1.4.4's result list; the manifest's floors count each file's text."""
    _, words, strings, engine = _producers_files(built, row, _thirteenth_producer)
    assert row["json_shape"] == "l"
    if row["alto_from"] == "rapidocr":
        assert strings == engine  # page-to-alto keeps the PAGE file's line order, the engine's
    if row["hocr_from"] == row["alto_from"] == "tesseract":
        _assert_one_run(words, strings)
    _assert_floors_count(built, row, words, strings)


@pytest.mark.parametrize("built", SETS, ids=_page_id)
def test_no_heldout_story_is_printed_on_a_dev_page(built):
    stories = {split: set() for split in ("dev", "heldout")}
    for r in built.manifest:
        stories[r["split"]].update(r["stories"].split())
    assert not stories["dev"] & stories["heldout"]
    dev_text = "".join(built.gold(r) for r in built.manifest if r["split"] == "dev")
    for r in built.manifest:
        if r["split"] == "heldout":
            for line in built.gold(r).splitlines():
                if len(line) > 30:  # a paragraph, not a header or folio item both splits share
                    assert line not in dev_text, line


@pytest.mark.skipif(not FRESH.has_fonts(), reason="fonts for rendering not here (see tests/eval_fresh/README.md)")
def test_fresh_builder_rebuilds_the_committed_gold(tmp_path):
    pytest.importorskip("PIL")
    assert FRESH.load_builder().main(["--font-dir", str(FRESH.font_dir), "--out", str(tmp_path), "--no-ocr",
                                      "--image-dir", str(tmp_path / "images")]) == 0
    for r in FRESH.manifest:
        assert (tmp_path / r["split"] / f"{r['name']}.gold.txt").read_text(encoding="utf-8") == FRESH.gold(r), r["name"]


def _builder_args(built: BuiltSet, out: Path, tmp_path: Path) -> list[list[str]]:
    """The builder's command lines that remake the set's text from the engine's JSON: the
    third set's builder takes one split at a time, the fourth's all at once."""
    common = ["--font-dir", str(built.font_dir), "--out", str(out), "--no-ocr", "--image-dir", str(tmp_path / "images")]
    if built is THIRD:
        return [[*common, "--split", split] for split in sorted({r["split"] for r in built.manifest})]
    return [common]


@pytest.mark.parametrize("built", [THIRD, FOURTH, FIFTH, SIXTH, SEVENTH, EIGHTH, NINTH, TENTH, ELEVENTH, TWELFTH,
                                   THIRTEENTH],
                         ids=lambda b: b.name)
def test_builder_rebuilds_the_committed_gold_order_and_manifest(built, tmp_path):
    if not built.has_fonts():
        pytest.skip(f"fonts for rendering not here (see tests/{built.name}/README.md)")
    pytest.importorskip("PIL")
    builder = built.load_builder()
    out = tmp_path / "set"
    for r in built.manifest:  # the engines' files are the only input the rebuild takes from the set
        (out / r["split"]).mkdir(parents=True, exist_ok=True)
        # the ninth set's ALTO may be Tesseract's where its hOCR is converted: its floor reads it
        for suffix in (".paddle.json", ".hocr") + ((".alto.xml",) if built in (NINTH, TENTH, ELEVENTH, TWELFTH, THIRTEENTH)
                                                     else ()):
            name = f"{r['name']}{suffix}"
            if (built.folder / r["split"] / name).is_file():
                (out / r["split"] / name).write_bytes((built.folder / r["split"] / name).read_bytes())
    for args in _builder_args(built, out, tmp_path):
        assert builder.main(args) == 0
    for r in built.manifest:
        for suffix in (".gold.txt", ".txt"):
            rebuilt = (out / r["split"] / f"{r['name']}{suffix}").read_text(encoding="utf-8")
            assert rebuilt == (built.folder / r["split"] / f"{r['name']}{suffix}").read_text(encoding="utf-8"), (
                r["name"], suffix)
    assert (out / "manifest.csv").read_text(encoding="utf-8") == (built.folder / "manifest.csv").read_text(
        encoding="utf-8")
