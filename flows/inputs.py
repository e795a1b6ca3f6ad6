"""Finding input pages, reading them, and their metadata (manifest, path pattern, or null).

Plain functions: the tasks in `flows.pipeline` call them. No Prefect here.
"""

import codecs
import csv
import glob
import hashlib
import json
import os
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from qingyang.textio import UnreadableInput, decode_bytes, read_text_file
from readers.image import IMAGE_SUFFIXES

# What one read task takes at most, about: files are grouped up to this size and JSONL
# files above it are read in parts of this size (whole lines), so a large dump streams
# through like many small files and memory holds a few of these per worker.
CHUNK_BYTES = 4 * 1024 * 1024
# About the bytes of one JSONL page (a newspaper page of 3,000-6,000 characters in UTF-8):
# a large JSONL file is cut into parts of about a batch of pages (`jsonl_part_bytes`), so
# its pages spread over the workers instead of waiting in one task of CHUNK_BYTES.
PAGE_BYTES = 12 * 1024
MIN_PART_BYTES = 64 * 1024
TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl",)
# OCR engines' files, read with their geometry (`readers`): a file with one of these
# suffixes is an engine's file; its content says which (a stray one is quarantined).
OCR_SUFFIXES = (".hocr", ".xml", ".alto", ".json", *IMAGE_SUFFIXES)
MANIFEST_NAME = "manifest.csv"
METADATA_FIELDS = ("publication", "issue_date", "page")


@dataclass(frozen=True)
class SourceFile:
    """One input file: where it is, how rows name it, and how to read it."""

    path: str
    source_path: str
    kind: str  # "text": the file is a page; "jsonl": each line with a "text" field is a page;
    # "ocr": an OCR engine's file (hOCR, ALTO, PaddleOCR JSON) or a page image
    n_bytes: int = 0  # bytes to read (the whole file, or this part of it)
    # A part of a large JSONL file: bytes [start, start + n_bytes), first line number.
    start: int = 0
    first_line: int = 1
    whole: bool = True


@dataclass(frozen=True)
class Page:
    """One decoded page, ready to clean."""

    doc_id: str
    source_path: str
    encoding: str
    raw_text: str
    n_bytes: int
    metadata: dict = field(default_factory=dict)
    repair: str | None = None  # what decoding repaired (an incomplete last character)
    source_format: str = "text"
    lines: tuple[dict, ...] = ()  # an engine's lines with geometry (`layout.LaidOutLine`)
    ocr_confidence: float | None = None


@dataclass(frozen=True)
class Rejected:
    """A file (or JSONL line) that cannot become a page, and why."""

    source_path: str
    reason: str
    path: str | None = None
    doc_id: str | None = None
    n_bytes: int = 0
    raw: str | None = None


class NoInputs(ValueError):
    """An input that names no file, folder or glob match; the message names it."""


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is under it, else absolute.
    A dangling symbolic link is named as the link (its folder resolved), not its target."""
    resolved = path.parent.resolve() / path.name if is_dangling(path) else path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in OCR_SUFFIXES:
        return "ocr"
    return None


def is_dangling(path: Path) -> bool:
    """A symbolic link whose target does not exist (reported and quarantined, not skipped)."""
    return path.is_symlink() and not path.exists()


def _is_input(path: Path) -> bool:
    return (path.is_file() or is_dangling(path)) and _kind(path) is not None


def _files_in(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if _is_input(p)]


def jsonl_part_bytes(batch_size: int) -> int:
    """The size of a large JSONL file's parts for batches of `batch_size` pages.

    >>> jsonl_part_bytes(64) // 1024, jsonl_part_bytes(1) // 1024, jsonl_part_bytes(10**6) // 1024
    (768, 64, 4096)
    """
    return min(CHUNK_BYTES, max(MIN_PART_BYTES, batch_size * PAGE_BYTES))


def discover(inputs: list[str], part_bytes: int | None = None) -> list[SourceFile]:
    """Files, folders (recursively) and globs to sorted, de-duplicated `SourceFile`s.

    A file named directly is read as text unless it ends in `.jsonl`; in folders and
    globs only `.txt`, `.md`, `.jsonl` and OCR engines' files (`.hocr`, `.xml`, `.json`,
    page images) count. A JSONL file over `part_bytes` (default CHUNK_BYTES) is read in
    parts. Raises `NoInputs` for an input that matches nothing.
    """
    found: dict[str, SourceFile] = {}
    for spec in inputs:
        path = Path(spec)
        if path.is_file() or is_dangling(path):
            candidates = [path]
        elif path.is_dir():
            candidates = _files_in(path)
        else:
            candidates = []
            for match in sorted(glob.glob(spec, recursive=True)):
                matched = Path(match)
                candidates += _files_in(matched) if matched.is_dir() else [matched]
            candidates = [p for p in candidates if _is_input(p)]
            if not candidates:
                raise NoInputs(f"{spec}: no such file, folder or matching input file")
        for candidate in candidates:
            dangling = is_dangling(candidate)
            key = (candidate.parent.resolve() / candidate.name if dangling
                   else candidate.resolve()).as_posix()
            found.setdefault(key, SourceFile(
                path=key, source_path=display_path(candidate), kind=_kind(candidate) or "text",
                n_bytes=0 if dangling else candidate.stat().st_size))
    whole_files = sorted(found.values(), key=lambda s: s.source_path)
    return [part for source in whole_files for part in split_large_jsonl(source, part_bytes)]


def check_inputs(inputs: list[str]) -> None:
    """Raise `NoInputs` where `discover` would, without walking folders named directly or
    reading any file: what a command checks before it starts a run (which discovers)."""
    for spec in inputs:
        path = Path(spec)
        if path.is_file() or is_dangling(path) or path.is_dir():
            continue
        matches = (Path(match) for match in glob.iglob(spec, recursive=True))
        inputs_found = (found for match in matches
                        for found in (_files_in(match) if match.is_dir() else [match])
                        if _is_input(found))
        if next(inputs_found, None) is None:
            raise NoInputs(f"{spec}: no such file, folder or matching input file")


def split_large_jsonl(source: SourceFile, part_bytes: int | None = None) -> list[SourceFile]:
    """A JSONL file over `part_bytes` as parts of whole lines; any other file as it is.

    UTF-16 files (a BOM, or NUL bytes at the start) are not split: a newline byte
    may sit inside one of their characters. In UTF-8 and GB18030 it cannot.
    """
    part_bytes = part_bytes or CHUNK_BYTES
    if source.kind != "jsonl" or source.n_bytes <= part_bytes:
        return [source]
    parts, start, line = [], 0, 1
    with open(source.path, "rb") as stream:
        head = stream.read(1024)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in head:
            return [source]
        stream.seek(0)
        while block := stream.read(part_bytes):
            block += stream.readline()
            parts.append(replace(source, n_bytes=len(block), start=start, first_line=line,
                                 whole=False))
            start += len(block)
            line += block.count(b"\n")
    return parts


def source_chunks(sources: list[SourceFile], size: int) -> list[list[SourceFile]]:
    """What one read task takes: a part of a large JSONL file alone, other files in
    content-defined runs of about `size` files and at most about CHUNK_BYTES."""
    chunks, files = [], []
    for source in [*sources, None]:
        if source is not None and source.whole:
            files.append(source)
            continue
        chunks += content_defined_runs(files, lambda s: s.source_path, size,
                                       weight=lambda s: s.n_bytes, max_weight=CHUNK_BYTES)
        files = []
        if source is not None:
            chunks.append([source])
    return chunks


def content_defined_runs(items: list, key, size: int, weight=None, max_weight: int = 0
                         ) -> list[list]:
    """Consecutive runs of about `size` items whose boundaries depend only on the items.

    A run ends after an item whose key hashes into 1/size of the space, at 2×size items,
    or (given `weight`) once its items weigh `max_weight`. So adding, removing or
    changing one item changes one run or a few, and leaves the others, and their cache
    keys, as they were.
    """
    runs, current, load, size = [], [], 0, max(size, 1)
    for item in items:
        current.append(item)
        load += weight(item) if weight else 0
        digest = int(hashlib.sha256(key(item).encode()).hexdigest()[:8], 16)
        if digest % size == 0 or len(current) >= 2 * size or (weight and load >= max_weight):
            runs.append(current)
            current, load = [], 0
    return [*runs, current] if current else runs


def run_scope(inputs: list[str], sources: list[SourceFile]) -> set[str]:
    """What this run answers for: its files' source paths and its folders as `FOLDER/`."""
    folders = {display_path(Path(spec)).rstrip("/") + "/" for spec in inputs if Path(spec).is_dir()}
    return {source.source_path for source in sources} | folders


def read_manifest(directory: Path) -> dict[str, dict]:
    """`manifest.csv` in `directory` as {file name relative to it: metadata}; {} if none."""
    manifest = directory / MANIFEST_NAME
    if not manifest.is_file():
        return {}
    text = read_text_file(manifest).text
    rows = csv.DictReader(text.splitlines())
    return {
        Path(row["file"]).as_posix(): {k: (row.get(k) or "").strip() or None
                                       for k in METADATA_FIELDS}
        for row in rows if row.get("file")
    }


def metadata_from_path(source_path: str, path_pattern: str | None) -> dict:
    """Named groups `publication`, `issue_date`, `page` of the user's pattern, if it matches."""
    if not path_pattern:
        return {}
    match = re.search(path_pattern, source_path)
    if not match:
        return {}
    groups = match.groupdict()
    return {k: groups.get(k) for k in METADATA_FIELDS if groups.get(k)}


def parse_issue_date(value) -> date | None:
    """An ISO date (`2022-05-13`, or `20220513`) or None; anything else is None."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def page_metadata(source: SourceFile, manifests: dict[str, dict], path_pattern: str | None,
                  own: dict | None = None) -> dict:
    """Metadata for a page: the page's own fields (JSONL), else the manifest, else the path."""
    return with_own_fields(file_metadata(source, manifests, path_pattern), own)


def file_metadata(source: SourceFile, manifests: dict[str, dict], path_pattern: str | None
                  ) -> dict:
    """The metadata every page of a file shares, as found (not parsed): the manifest's entry
    for the file over what the path pattern gives (a JSONL file's rows share it: found once)."""
    path = Path(source.path)
    directory = path.parent.as_posix()
    if directory not in manifests:
        manifests[directory] = read_manifest(path.parent)
    chosen = {k: None for k in METADATA_FIELDS}
    for layer in (metadata_from_path(source.source_path, path_pattern),
                  manifests[directory].get(path.name, {})):
        chosen.update({k: v for k, v in layer.items() if k in METADATA_FIELDS and v})
    return chosen


def with_own_fields(shared: dict, own: dict | None) -> dict:
    """A page's metadata: its own fields (a JSONL row's) over its file's, parsed."""
    chosen = shared | {k: own[k] for k in METADATA_FIELDS if own and own.get(k)}
    chosen["issue_date"] = parse_issue_date(chosen["issue_date"])
    chosen["page"] = None if chosen["page"] is None else str(chosen["page"])
    return chosen


def chunk_issues(chunk: list[SourceFile], manifests: dict[str, dict], path_pattern: str | None
                 ) -> frozenset[tuple[str, str]] | None:
    """The issues (publication, ISO issue_date) the pages of `chunk` can belong to, known
    before reading them: a text or engine file's pages have its file's metadata (manifest,
    path pattern). None when they cannot be known: a JSONL row may name its own, or the
    manifest does not read. Pages without both fields belong to no issue and are left out.
    """
    found = set()
    for source in chunk:
        if source.kind == "jsonl":
            return None
        try:
            meta = with_own_fields(file_metadata(source, manifests, path_pattern), None)
        except (OSError, ValueError, csv.Error):  # UnreadableInput is a ValueError
            return None  # the reading task meets it and says so; here: unknown
        if meta["publication"] and meta["issue_date"] is not None:
            found.add((meta["publication"], meta["issue_date"].isoformat()))
    return frozenset(found)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_range(source: SourceFile) -> bytes:
    """The bytes of a whole file, or of a part of one."""
    if source.whole:
        return Path(source.path).read_bytes()
    with open(source.path, "rb") as stream:
        stream.seek(source.start)
        return stream.read(source.n_bytes)


def too_big(text: str, max_chars: int | None) -> str | None:
    """Why a page is too big for the contract (over the profile's `max_page_chars`), or None."""
    if max_chars is None or len(text) <= max_chars:
        return None
    return f"page too big: {len(text):,} characters (profile limit max_page_chars {max_chars:,})"


def read_source(source: SourceFile, manifests: dict[str, dict],
                path_pattern: str | None = None, max_chars: int | None = None
                ) -> tuple[list[Page], list[Rejected]]:
    """Pages of one file (or part), or why it has none. OSError propagates (the caller
    retries), except for a dangling symbolic link, which no retry mends: it is rejected.
    A page over `max_chars` characters is rejected as too big."""
    link = Path(source.path)
    if is_dangling(link):
        return [], [Rejected(source.source_path,
                             f"cannot read: dangling symbolic link to {os.readlink(link)}")]
    data = read_range(source)  # an OSError propagates: the read task retries
    if source.kind == "ocr":
        return read_ocr_source(source, data, manifests, path_pattern)
    try:
        decoded = decode_bytes(data, source.source_path)
    except UnreadableInput as err:
        reason = str(err).removeprefix(f"{source.source_path}: ")
        return [], [Rejected(source.source_path, reason, source.path, sha256(data), len(data))]
    if source.kind == "text":
        if not decoded.text.strip():
            return [], [Rejected(source.source_path, "no text", source.path,
                                 sha256(decoded.raw_bytes), len(decoded.raw_bytes))]
        if reason := too_big(decoded.text, max_chars):
            return [], [Rejected(source.source_path, reason, source.path,
                                 sha256(decoded.raw_bytes), len(decoded.raw_bytes))]
        meta = page_metadata(source, manifests, path_pattern)
        return [Page(sha256(decoded.raw_bytes), source.source_path, decoded.encoding,
                     decoded.text, len(decoded.raw_bytes), meta, decoded.repair)], []
    pages, rejected = [], []
    shared = None  # the file's metadata, found at its first page
    for number, line in enumerate(decoded.text.splitlines(), start=source.first_line):
        if not line.strip():
            continue
        name = f"{source.source_path}#{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            rejected.append(Rejected(name, f"not JSON: {err.msg}", raw=line[:10_000]))
            continue
        text = record.get("text") if isinstance(record, dict) else None
        if not isinstance(text, str) or not text.strip():
            rejected.append(Rejected(name, 'no "text" field with text', raw=line[:10_000]))
            continue
        if reason := too_big(text, max_chars):
            rejected.append(Rejected(name, reason, raw=line[:10_000]))
            continue
        data = text.encode("utf-8")
        if shared is None:
            shared = file_metadata(source, manifests, path_pattern)
        meta = with_own_fields(shared, record)
        pages.append(Page(sha256(data), name, decoded.encoding, text, len(data), meta))
    if not pages and not rejected and source.whole:
        rejected.append(Rejected(source.source_path, "no pages", source.path,
                                 sha256(decoded.raw_bytes), len(decoded.raw_bytes)))
    return pages, rejected


def read_ocr_source(source: SourceFile, data: bytes, manifests: dict[str, dict],
                    path_pattern: str | None) -> tuple[list[Page], list[Rejected]]:
    """An OCR engine's file as a page: its lines laid out in reading order with roles (the
    page's raw text, one paragraph per line), or why it is not one."""
    from layout import lay_out
    from readers import OcrFormatError, read_ocr_file, sniff_format

    doc_id = sha256(data)
    fmt = sniff_format(source.path, data[:4096])
    if fmt is None:
        return [], [Rejected(source.source_path, "not an OCR engine's file (hOCR, ALTO or "
                             "PaddleOCR / RapidOCR JSON)", source.path, doc_id, len(data))]
    try:
        page = read_ocr_file(source.path, data, fmt)
    except OcrFormatError as err:
        return [], [Rejected(source.source_path, err.problem, source.path, doc_id, len(data))]
    laid = lay_out(page)
    if not laid.text.strip():
        return [], [Rejected(source.source_path, "no text", source.path, doc_id, len(data))]
    meta = page_metadata(source, manifests, path_pattern)
    encoding = "image" if fmt == "image" else "utf-8"  # XML and JSON are UTF-8
    return [Page(doc_id, source.source_path, encoding, laid.text, len(data), meta, source_format=fmt,
                 lines=tuple(line.to_dict() for line in laid.lines),
                 ocr_confidence=page.confidence)], []
