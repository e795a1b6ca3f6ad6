"""The declared Parquet schemas, with a comment per field in the schema metadata.

Shared by the flow that writes the tables and the suites that validate them.
"""

from pathlib import Path

import pyarrow as pa

# Per-rule edit counts: one field per rule of the plan, null when the rule made no change.
EDIT_RULES = (
    "jump_markers", "unicode", "fullwidth_alnum", "script", "doubled_lines",
    "page_dates", "run_in_leads", "credits", "reflow", "doubled_paragraphs", "punctuation", "spacing",
    "dropped_spaces",
    "layout_marks",
)

MARKER = pa.struct([
    pa.field("kind", pa.string(), nullable=False),
    pa.field("page", pa.string(), nullable=False),
    pa.field("raw", pa.string(), nullable=False),
    pa.field("offset", pa.int64(), nullable=False),
    pa.field("paragraph", pa.int64(), nullable=False),
])

# A line as the OCR engine saw it, in reading order: its box (x0, y0, x1, y1 in the engine's
# pixels), confidence (0-1), block and column from the layout, and its role.
LINE = pa.struct([
    pa.field("text", pa.string(), nullable=False),
    pa.field("bbox", pa.list_(pa.float64()), nullable=False),
    pa.field("confidence", pa.float64(), nullable=True),
    pa.field("block", pa.int32(), nullable=False),
    pa.field("column", pa.int32(), nullable=False),
    pa.field("role", pa.string(), nullable=False),
])

# Where a page's text came from: plain text, or an OCR engine's file read with its geometry.
SOURCE_FORMATS = ("text", "hocr", "alto", "paddleocr", "image")

_PAGE_FIELDS: list[tuple[str, pa.DataType, bool, str]] = [
    ("doc_id", pa.string(), False, "sha256 of the raw input bytes (hex)"),
    ("source_path", pa.string(), False, "input file as given (relative when possible)"),
    ("publication", pa.string(), True, "newspaper title, from manifest.csv or the path pattern"),
    ("issue_date", pa.date32(), True, "issue date, from manifest.csv or the path pattern"),
    ("page", pa.string(), True, "page label: Arabic digits or a letter prefix (A07)"),
    ("profile", pa.string(), False, "cleaning profile name"),
    ("pipeline_version", pa.string(), False, "qingyang version that wrote the row"),
    ("encoding", pa.string(), False, "encoding the input was decoded from"),
    ("source_format", pa.string(), False, "text, hocr, alto, paddleocr or image"),
    ("raw_text", pa.string(), False,
     "decoded input text, unchanged; for an engine's file its lines laid out in reading order"),
    ("text", pa.string(), False, "cleaned text, one paragraph per line"),
    ("paragraphs", pa.list_(pa.string()), False, "cleaned paragraphs"),
    ("lines", pa.list_(LINE), False, "the engine's lines with geometry, in reading order (empty for text)"),
    ("ocr_confidence", pa.float64(), True, "mean line confidence of the engine (null for text)"),
    ("markers", pa.list_(MARKER), False, "jump markers removed from the text; offset indexes raw_text, paragraph the cleaned paragraphs"),
    ("edits", pa.struct([pa.field(r, pa.int64()) for r in EDIT_RULES]), False,
     "per-rule edit counts (null: the rule changed nothing)"),
    ("chars", pa.int64(), False, "length of text"),
    ("han_ratio", pa.float64(), False, "share of non-space characters that are Han"),
    ("residual_gaps", pa.int64(), False, "meaningless spaces left between CJK characters"),
    ("ascii_punct_beside_han", pa.int64(), False, "ASCII , ; : ! ? ( ) touching Han"),
    ("leftover_markers", pa.int64(), False, "jump-marker text left in text"),
    ("trad_chars", pa.int64(), False, "characters OpenCC t2s would still change"),
    ("replacement_chars", pa.int64(), False, "U+FFFD characters"),
    ("unbalanced_brackets", pa.int64(), False, "unpaired brackets and quotes, summed per paragraph"),
    ("valid", pa.bool_(), True, "passed every row-level expectation (null: not validated)"),
    ("failed_expectations", pa.list_(pa.string()), False, "expectations the row failed"),
]

PAGES_SCHEMA = pa.schema(
    [pa.field(name, dtype, nullable=nullable, metadata={"comment": comment})
     for name, dtype, nullable, comment in _PAGE_FIELDS],
    metadata={"table": "pages", "description": "one row per input page"},
)

ARTICLE_MARKER = pa.struct([
    pa.field("kind", pa.string(), nullable=False),
    pa.field("page", pa.string(), nullable=False),
    pa.field("raw", pa.string(), nullable=False),
    pa.field("offset", pa.int64(), nullable=False),
    pa.field("paragraph", pa.int64(), nullable=False),
    pa.field("page_of_fragment", pa.string(), nullable=True),
])

_ARTICLE_FIELDS: list[tuple[str, pa.DataType, bool, str]] = [
    ("article_id", pa.string(), False, "sha256 of doc_ids, kind, first paragraph index and text"),
    ("doc_ids", pa.list_(pa.string()), False, "doc_id of each page the article spans, in order"),
    ("publication", pa.string(), True, "newspaper title"),
    ("issue_date", pa.date32(), True, "issue date"),
    ("pages", pa.list_(pa.string()), False, "page labels the article spans, in order"),
    ("kind", pa.string(), False, "story | notice | guide | caption | heading"),
    ("headline", pa.string(), True, "main headline line (null: see headline_note)"),
    ("subheadlines", pa.list_(pa.string()), False, "kicker, subtitles, other display lines"),
    ("byline", pa.string(), True, "byline as printed, e.g. 记者 毛迎 孙江锋"),
    ("reporters", pa.list_(pa.string()), False, "reporters' names"),
    ("text", pa.string(), False, "body paragraphs joined by newlines, fragments stitched"),
    ("paragraphs", pa.list_(pa.string()), False, "body paragraphs"),
    ("captions", pa.list_(pa.string()), False, "photo captions"),
    ("credits", pa.list_(pa.string()), False, "photo credits"),
    ("markers", pa.list_(ARTICLE_MARKER), False, "jump markers not consumed by a stitch"),
    ("continued", pa.bool_(), False, "joined from fragments on more than one page"),
    ("stitch_confidence", pa.float64(), True,
     "0.5-1.0 when stitched, 0.0 when a jump found no partner, null when no jump"),
    ("stitch_note", pa.string(), True, "what stitching did, or why a jump stayed unmatched"),
    ("headline_note", pa.string(), True, "why the headline is null, or where it came from"),
]

ARTICLES_SCHEMA = pa.schema(
    [pa.field(name, dtype, nullable=nullable, metadata={"comment": comment})
     for name, dtype, nullable, comment in _ARTICLE_FIELDS],
    metadata={"table": "articles", "description": "one row per article, stitched across pages"},
)

# Where the articles table (a partitioned dataset, `qingyang.dataset`) lives under the
# output folder (written by flows.articles_step, read by expectations.runner).
ARTICLES_DIR = Path("articles")
