"""`clean(text, explain=True)`: the spans replay the raw text into the clean text."""

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from cleaners import clean
from cleaners.explain import FINAL_STEP, replay
from qingyang.schema import EDIT_RULES
from qingyang.textio import read_text_file
from tests.test_properties import texts

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p for p in (ROOT / "tests" / "gold").glob("*.txt")
               if not p.name.endswith(".gold.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
RULES = {*EDIT_RULES, FINAL_STEP}  # every rule of the plan, and the composer's last step


def check_spans(raw: str) -> list:
    result = clean(raw, explain=True)
    spans = result.spans
    assert replay(raw, spans) == result.text
    for span in spans:
        assert raw[span.raw_start:span.raw_end] == span.before
        assert result.text[span.clean_start:span.clean_end] == span.after
        assert span.before != span.after
        assert set(span.rule.split("+")) <= RULES
    for first, second in pairwise(spans):
        assert first.raw_end <= second.raw_start and first.clean_end <= second.clean_start
    return spans


def test_pages_are_here():
    assert len(PAGES) >= 20


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_spans_replay_to_the_clean_text_on_every_gold_and_seed_page(page):
    raw = read_text_file(page).text
    spans = check_spans(raw)
    assert spans  # every one of these pages needs cleaning
    rules = {rule for span in spans for rule in span.rule.split("+")}
    assert rules - {"blank_lines"} <= set(clean(raw).edits)  # spans only of rules that acted


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_spans_replay_to_the_clean_text(text):
    check_spans(text)


def test_spans_say_what_each_rule_did():
    raw = "核 酸 检 测,居民\n（下转第二版）"
    spans = clean(raw, explain=True).spans
    by_rule = {(s.rule, s.before, s.after) for s in spans}
    assert ("spacing", " ", "") in by_rule
    assert ("punctuation", ",", "，") in by_rule
    marker = [s for s in spans if s.rule == "jump_markers"]
    assert marker and "（下转第二版）" in marker[0].before and marker[0].after == ""


def test_no_spans_unless_asked():
    assert clean("核 酸").spans is None
    assert "spans" not in clean("核 酸").to_json()
