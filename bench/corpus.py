"""Build a realistic OCR'd newspaper corpus of any size from the seed pages.

The seed pages are cleaned once; their sentences, headlines, bylines and captions are
the material. Each generated page is a few stories set in a hard-wrapped column, then
degraded the way OCR degrades a page: letter-spaced lines, spaces between Han and
digits, ASCII punctuation, broken jump markers, hard wraps at different column widths,
column breaks mid-sentence, doubled captions, stray traditional characters, full-width
digits. Numbers and the order of sentences vary, so no two pages repeat their lines
(a cleaner's caches see what they would see on real pages).

The same `--seed` and `--size` give the same bytes (for the same seed pages, cleaned by the
same cleaner: the manifest names the material, and a cached corpus of other material is rebuilt). Pages go to JSONL shards of about
5 MB (`{"id", "text"}` per line; what `qingyang run` reads as one page per line), or
with `--format txt` to one file per page in folders of 1,000.

    python -m bench.corpus --size 200MB --out bench/corpus/c200
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT / "tests" / "gold"

# Bump when the generator changes: a cached corpus of another version is rebuilt.
CORPUS_VERSION = 2

SHARD_BYTES = 5_000_000
PAGES_PER_FOLDER = 1000

# Degradations the builder injects; the manifest counts each.
DEGRADATIONS = (
    "hard_wrap",
    "column_break",
    "letter_spaced",
    "han_digit_space",
    "cjk_gap",
    "ascii_punct",
    "jump_marker",
    "doubled_caption",
    "traditional",
    "fullwidth_digit",
)

# Simplified → traditional for a handful of common glyphs: OCR of older type or
# Hong Kong wire copy leaves a few of these in a simplified page.
_TRADITIONAL = str.maketrans("国会发这们为学时说经对现实样开关来动战疫", "國會發這們為學時說經對現實樣開關來動戰疫")

_SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩凯辉建国志新亮林琳博文斌宁丹阳雪梅晨光海峰山冠兵迎江锋毛迪"
_CHINESE_PAGE = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]

_SENTENCE = re.compile(r"[^。！？]+[。！？]”?")
_DIGITS = re.compile(r"\d+")
_HAN_DIGIT = re.compile(r"(?<=[\u4e00-\u9fff])(?=\d)|(?<=\d)(?=[\u4e00-\u9fff])")
_CLAUSE = {"，": ",", "：": ":", "；": ";", "！": "!", "？": "?"}


@dataclass
class Material:
    """What pages are made of, taken from the cleaned seed and gold pages."""

    sentences: list[str] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)

    def digest(self) -> str:
        """Names this material: a corpus built from other seeds (or another cleaner) differs."""
        joined = "\x00".join([*self.sentences, "\x01", *self.headlines, "\x01", *self.captions])
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def _balanced(sentence: str) -> bool:
    """Brackets and quotes close within the sentence: pages made of such sentences validate."""
    return all(sentence.count(a) == sentence.count(b) for a, b in ("（）", "“”", "《》", "【】", "()"))


def load_material() -> Material:
    """Clean the seed pages (and the gold pages' clean text) and sort their paragraphs."""
    from cleaners import clean  # the builder reads cleaned seeds; it never times them

    texts = [clean(p.read_text("utf-8-sig")).text for p in sorted(SEEDS.glob("*.txt"))]
    texts += [p.read_text("utf-8") for p in sorted(GOLD.glob("*.gold.txt"))]
    material = Material()
    for text in texts:
        for para in text.split("\n"):
            para = para.strip()
            if not para:
                continue
            if para.startswith(("本报讯", "又讯")):
                para = para.split("）", 1)[-1] if "）" in para[:20] else para[3:]
            if "。" in para or "！" in para or "？" in para:
                material.sentences += [s for s in _SENTENCE.findall(para) if len(s) >= 8]
                if para.startswith("图为"):
                    material.captions.append(_SENTENCE.findall(para)[0])
            elif 6 <= len(para) <= 30 and "，" not in para and not para.endswith("摄"):
                material.headlines.append(para)
    material.sentences = sorted({s for s in material.sentences if _balanced(s)})
    material.headlines = sorted(set(material.headlines))
    material.captions = sorted(set(material.captions)) or ["图为社区工作人员为居民采集核酸样本。"]
    return material


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _vary_numbers(sentence: str, rng: random.Random) -> str:
    """New figures in an old sentence, so lines never repeat across pages."""
    def new(match: re.Match) -> str:
        digits = match.group(0)
        if len(digits) >= 4:
            return str(rng.randrange(10 ** (len(digits) - 1), 10 ** len(digits)))
        return str(rng.randrange(1, 10 ** len(digits)))

    return _DIGITS.sub(new, sentence)


def _width(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _wrap(text: str, column: int) -> list[str]:
    """Hard-wrap `text` at `column` CJK cells, as a typeset column does."""
    lines, line, width = [], [], 0.0
    for ch in text:
        w = 0.5 if ord(ch) < 0x2E80 else 1.0
        if width + w > column and line:
            lines.append("".join(line))
            line, width = [], 0.0
        line.append(ch)
        width += w
    if line:
        lines.append("".join(line))
    return lines


class PageMaker:
    """Makes one degraded page at a time from `material`, deterministic for a seed."""

    def __init__(self, material: Material, seed: int):
        self.m = material
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()

    # -- degradations of one line ---------------------------------------------------

    def _degrade_line(self, line: str) -> str:
        rng = self.rng
        if rng.random() < 0.25 and _HAN_DIGIT.search(line):
            line = _HAN_DIGIT.sub(" ", line)
            self.counts["han_digit_space"] += 1
        if rng.random() < 0.06 and len(line) > 6:
            start = rng.randrange(0, len(line) - 5)
            end = min(len(line), start + rng.randrange(4, 12))
            line = line[:start] + " ".join(line[start:end]) + " " + line[end:]
            self.counts["cjk_gap"] += 1
        if rng.random() < 0.12:
            marks = [i for i, ch in enumerate(line) if ch in _CLAUSE]
            if marks:
                i = rng.choice(marks)
                line = line[:i] + _CLAUSE[line[i]] + line[i + 1 :]
                self.counts["ascii_punct"] += 1
        if rng.random() < 0.03 and "。" in line[:-1]:
            line = line.replace("。", ".", 1)
            self.counts["ascii_punct"] += 1
        if rng.random() < 0.02:
            line = line.translate(_TRADITIONAL)
            self.counts["traditional"] += 1
        if rng.random() < 0.02 and any(ch.isdigit() for ch in line):
            line = "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in line)
            self.counts["fullwidth_digit"] += 1
        return line

    def _letter_space(self, headline: str) -> str:
        self.counts["letter_spaced"] += 1
        return " ".join(headline)

    def _jump_marker(self, kind: str) -> str:
        rng = self.rng
        page = rng.choice(_CHINESE_PAGE) if rng.random() < 0.7 else str(rng.randrange(2, 16))
        word = "下转" if kind == "to" else "上接"
        style = rng.randrange(5)
        self.counts["jump_marker"] += 1
        if style == 0:
            return f"（{word}第{page}版）"
        if style == 1:
            return f"({word}第{page}版)"  # ASCII brackets
        if style == 2:
            return "（" + " ".join(f"{word}第{page}版") + " ）"  # letter-spaced
        if style == 3:
            return f"〈{word}第{page}\n版)"  # look-alike bracket, split over lines
        return "▶▶" + "".join(c * 2 for c in str(rng.randrange(2, 9))) + " 版版"  # doubled glyphs

    # -- a story and a page ---------------------------------------------------------

    def _paragraph(self, n_sentences: int) -> str:
        return "".join(_vary_numbers(self.rng.choice(self.m.sentences), self.rng) for _ in range(n_sentences))

    def _story(self, column: int, first: bool, indent: str) -> list[str]:
        rng = self.rng
        out: list[str] = []
        headline = rng.choice(self.m.headlines)
        out.append(self._letter_space(headline) if rng.random() < 0.3 else headline)
        if rng.random() < 0.4:
            out.append(rng.choice(self.m.headlines))
        out.append("")
        lead = f"本报讯（记者 {_name(rng)}" + (f" {_name(rng)}" if rng.random() < 0.4 else "") + "）"
        paragraphs = [lead + self._paragraph(rng.randrange(2, 5))]
        paragraphs += [self._paragraph(rng.randrange(2, 6)) for _ in range(rng.randrange(2, 6))]
        if not first and rng.random() < 0.5:
            paragraphs[0] = self._jump_marker("from") + paragraphs[0]
        for p_index, para in enumerate(paragraphs):
            lines = _wrap(para, column)
            lines[0] = indent + lines[0]
            self.counts["hard_wrap"] += 1
            if len(lines) > 3 and rng.random() < 0.15:
                cut = rng.randrange(1, len(lines) - 1)
                lines.insert(cut, "")  # a column break mid-sentence
                self.counts["column_break"] += 1
            out += [self._degrade_line(line) for line in lines]
            if p_index == len(paragraphs) - 1 and rng.random() < 0.35:
                out.append(self._jump_marker("to"))
            out.append("" if not indent or rng.random() < 0.3 else None)
        if rng.random() < 0.3:
            caption = _vary_numbers(rng.choice(self.m.captions), rng) + f" {_name(rng)}摄"
            if rng.random() < 0.5:
                out.append(caption)
                out.append(caption)  # OCR read the caption twice
            else:
                out.append(caption.replace(" ", "") + caption.replace(" ", ""))  # doubled on one line
            self.counts["doubled_caption"] += 1
            out.append("")
        return [line for line in out if line is not None]

    def page(self) -> str:
        rng = self.rng
        column = rng.choice((13, 14, 15, 16, 17, 18, 20, 22, 24, 30))
        # Paragraph starts: indented (U+3000 or ASCII spaces) on most pages, blank lines on the rest.
        indent = rng.choice(("\u3000\u3000", "\u3000\u3000", "  ", ""))
        lines: list[str] = []
        for i in range(rng.randrange(2, 5)):
            lines += self._story(column, first=i == 0, indent=indent)
        return "\n".join(lines).strip("\n") + "\n"


def parse_size(text: str) -> int:
    """`200MB` → 200_000_000 bytes (decimal units, as MB/s are counted here)."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([KMG]?B?)\s*", text.upper())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 200MB, 50KB)")
    unit = {"": 1, "B": 1, "K": 1e3, "KB": 1e3, "M": 1e6, "MB": 1e6, "G": 1e9, "GB": 1e9}[match.group(2)]
    return int(float(match.group(1)) * unit)


def generate(size: int, seed: int = 0, material: Material | None = None):
    """Yield (page_id, text) until the pages hold at least `size` bytes of UTF-8; then the counts."""
    maker = PageMaker(material or load_material(), seed)
    total, n = 0, 0
    while total < size:
        text = maker.page()
        yield f"p{seed:03d}-{n:07d}", text
        total += len(text.encode("utf-8"))
        n += 1
    return maker.counts


def build(size: int, out: Path, seed: int = 0, fmt: str = "jsonl",
          material: Material | None = None) -> dict:
    """Write the corpus to `out` (replacing it) and its manifest; return the manifest."""
    if out.exists():
        _remove_corpus(out)
    out.mkdir(parents=True, exist_ok=True)
    material = material or load_material()
    pages = generate(size, seed, material)
    n_pages, n_bytes, shard, shard_bytes, handle = 0, 0, 0, 0, None
    shards: list[dict] = []
    counts: Counter[str] = Counter()
    try:
        while True:
            try:
                page_id, text = next(pages)
            except StopIteration as stop:
                counts = stop.value
                break
            size_of = len(text.encode("utf-8"))
            if fmt == "txt":
                folder = out / f"{n_pages // PAGES_PER_FOLDER:04d}"
                folder.mkdir(exist_ok=True)
                (folder / f"{page_id}.txt").write_text(text, "utf-8")
            else:
                if handle is None or shard_bytes >= SHARD_BYTES:
                    if handle:
                        handle.close()
                    name = f"shard-{shard:04d}.jsonl"
                    handle = open(out / name, "w", encoding="utf-8")
                    shards.append({"file": name, "pages": 0, "text_bytes": 0})
                    shard, shard_bytes = shard + 1, 0
                handle.write(json.dumps({"id": page_id, "text": text}, ensure_ascii=False) + "\n")
                shard_bytes += size_of
                shards[-1]["pages"] += 1
                shards[-1]["text_bytes"] += size_of
            n_pages += 1
            n_bytes += size_of
    finally:
        if handle:
            handle.close()
    manifest = {
        "version": CORPUS_VERSION,
        "seed": seed,
        "material": material.digest(),
        "size_requested": size,
        "format": fmt,
        "pages": n_pages,
        "text_bytes": n_bytes,
        "degradations": {name: counts.get(name, 0) for name in DEGRADATIONS},
        "shards": shards,
    }
    (out / "corpus.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return manifest


def _remove_corpus(out: Path) -> None:
    for path in sorted(out.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def ensure(size: int, out: Path, seed: int = 0, fmt: str = "jsonl") -> dict:
    """The corpus at `out`, built unless one of this size, seed, format, version and material
    is there."""
    material = load_material()
    manifest_path = out / "corpus.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text("utf-8"))
        wanted = {"version": CORPUS_VERSION, "seed": seed, "size_requested": size, "format": fmt,
                  "material": material.digest()}
        if all(manifest.get(k) == v for k, v in wanted.items()):
            return manifest
    return build(size, out, seed, fmt, material)


def iter_pages(corpus: Path):
    """The pages of a corpus, in order, as text: shards line by line, or the page files."""
    shards = sorted(corpus.glob("shard-*.jsonl"))
    if shards:
        for shard in shards:
            with open(shard, encoding="utf-8") as handle:
                for line in handle:
                    yield json.loads(line)["text"]
    else:
        for path in sorted(corpus.glob("*/*.txt")):
            yield path.read_text("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("200MB"), help="e.g. 200MB (default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=("jsonl", "txt"), default="jsonl")
    parser.add_argument("--out", type=Path, help="default bench/corpus/<size>-s<seed>")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "bench" / "corpus" / f"{args.size // 1_000_000}MB-s{args.seed}"
    manifest = build(args.size, out, args.seed, args.format)
    print(f"{out}: {manifest['pages']} pages, {manifest['text_bytes'] / 1e6:.1f} MB")
    print(json.dumps(manifest["degradations"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
