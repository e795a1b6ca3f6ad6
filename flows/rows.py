"""Cleaning pages and shaping them into rows of `qingyang.schema.PAGES_SCHEMA`. No Prefect."""

from cleaners import clean, load_profile
from cleaners.metrics import quality_metrics
from flows.inputs import Page
from qingyang.schema import EDIT_RULES


def clean_texts(texts: dict[str, str], profile: str | None) -> dict[str, dict]:
    """{doc_id: raw text} → {doc_id: cleaned columns}; depends only on text and profile."""
    chosen = load_profile(profile)
    cleaned = {}
    for doc_id, raw in sorted(texts.items()):
        result = clean(raw, profile=chosen)
        unknown = set(result.edits) - set(EDIT_RULES)
        if unknown:
            raise ValueError(f"cleaner rules {sorted(unknown)} have no column in EDIT_RULES")
        cleaned[doc_id] = {
            "profile": result.profile,
            "text": result.text,
            "paragraphs": list(result.paragraphs),
            "markers": [marker.to_dict() for marker in result.markers],
            "edits": {rule: result.edits.get(rule) for rule in EDIT_RULES},
            **quality_metrics(result.text),
        }
    return cleaned


def build_row(page: Page, cleaned: dict, pipeline_version: str) -> dict:
    """One output row: the page's identity and metadata, its cleaned columns, no verdict yet."""
    return {
        "doc_id": page.doc_id,
        "source_path": page.source_path,
        "publication": page.metadata.get("publication"),
        "issue_date": page.metadata.get("issue_date"),
        "page": page.metadata.get("page"),
        "profile": cleaned["profile"],
        "pipeline_version": pipeline_version,
        "encoding": page.encoding,
        "raw_text": page.raw_text,
        **{k: v for k, v in cleaned.items() if k != "profile"},
        # Set by the validation step (expectations) once it lands; null means "not validated".
        "valid": None,
        "failed_expectations": [],
    }
