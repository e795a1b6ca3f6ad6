"""The quality metrics: the one-look-up counts agree with the regex definitions."""

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.metrics import (
    ascii_punct_beside_han,
    character_counts,
    han_ratio,
    quality_metrics,
    residual_gaps,
)

# Han (BMP and an extension beyond it), compatibility ideographs, radicals, every kind of
# space the cleaner meets, ASCII and CJK punctuation, Latin, digits, U+FFFD.
ALPHABET = [*"核酸检测居民许昌〇々⺀豈", "\U00020000", "\U0002a6d6", *" \t\u3000\u00a0\u2028\u200b\n",
            *",;:!?()", *"，。（）“”", *"AbZ09", "\ufffd"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join) | st.text(max_size=40))
def test_character_counts_are_the_regex_metrics(text):
    assert character_counts(text) == (han_ratio(text), ascii_punct_beside_han(text))


def test_a_page_of_han_and_punctuation():
    metrics = quality_metrics("安全,惠济区(市)\n核 酸")
    assert metrics["han_ratio"] == 8 / 11
    assert metrics["ascii_punct_beside_han"] == 3
    assert metrics["chars"] == 13


def test_empty_and_blank_texts():
    assert character_counts("") == (0.0, 0)
    assert character_counts(" \n\u3000") == (0.0, 0)


def test_the_space_between_editor_credits_is_no_residual_gap():
    # the cleaner puts it back (`restore_dropped_spaces`), so the pages check must not flag it
    assert residual_gaps("责任编辑：柏青 美编：罗一禾") == 0
    assert residual_gaps("责任编辑：桑榆 版式：乔木\n核 酸 检 测") == 3
