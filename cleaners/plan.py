"""The one ordered plan that composes the cleaners, and `clean()`.

Order, and why:
1. jump markers    - first, on the text as given, so each marker's offset indexes raw_text;
                     a marker that ended a line leaves a hard paragraph break.
2. unicode         - NFC, one kind of line break, no invisible or control characters.
3. fullwidth alnum - `ＧＤＰ２０２２` → `GDP2022` before any rule reads digits.
4. script          - OpenCC, before rules compare glyphs (doubled lines).
5. doubled lines   - whole OCR lines written twice, before reflow merges lines.
6. page dates      - a page date's weekday read as a line of its own goes back on its line.
   run-in leads     - a brief's dateline run in after its title (`■标题 本报讯 …`) starts a line.
   credits          - a photo credit the engine ran onto a caption's last line gets its own
                     line, before reflow, which then sees a credit and joins the caption's
                     rows (after it, the credit was glued to the next caption).
7. reflow          - reads evidence later rules erase: letter-spacing, indentation, `#` marks.
   doubled again    - a doubled line that OCR wrapped over lines is one paragraph only now.
8. punctuation     - after reflow, so bracket and quote pairs split over lines are whole.
9. spacing         - after punctuation, so `，` and `（` are known as CJK punctuation.
   dropped spaces   - then the spaces OCR dropped in bylines and after datelines come back
                      (after the removals, which would take them again).
10. layout marks   - last: indentation and Markdown `#` marks go, the lines stay.

The composer records an edit count for a rule only when that rule changed the text;
asked to explain, it also keeps each changed text for `cleaners.explain` to turn into spans.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from cleaners.anchors import anchor_markers
from cleaners.artifacts import remove_doubled_lines
from cleaners.charclasses import CELL_GAP
from cleaners.explain import FINAL_STEP, Edit, explain_chain
from cleaners.hygiene import normalize_unicode, strip_column_rules, strip_layout_marks
from cleaners.markers import HARD_BREAK, JumpMarker, remove_jump_markers
from cleaners.paragraphs import (
    join_split_page_dates,
    reflow_paragraphs,
    separate_header_items,
    separate_run_in_leads,
    separate_trailing_credits,
)
from cleaners.profiles import Profile, load_profile
from cleaners.punctuation import fold_fullwidth_alphanumerics, repair_punctuation_width
from cleaners.script import convert_script
from cleaners.spacing import repair_intercharacter_spacing, restore_dropped_spaces

Rule = Callable[[str], tuple[str, int]]


@dataclass(frozen=True)
class CleanResult:
    """What `clean` returns: the cleaned text and how it got there."""

    raw: str
    text: str
    paragraphs: list[str]
    markers: list[JumpMarker]
    edits: dict[str, int] = field(default_factory=dict)
    profile: str = ""
    spans: list[Edit] | None = None  # only from clean(..., explain=True)

    def to_json(self) -> dict:
        out = {
            "text": self.text,
            "paragraphs": self.paragraphs,
            "markers": [m.to_dict() for m in self.markers],
            "edits": self.edits,
        }
        if self.spans is not None:
            out["spans"] = [span.to_dict() for span in self.spans]
        return out


def build_plan(profile: Profile) -> list[tuple[str, Rule]]:
    """The rules after jump markers, in order, as (edit-count name, function)."""
    plan: list[tuple[str, Rule]] = [
        ("unicode", normalize_unicode),
        ("fullwidth_alnum", fold_fullwidth_alphanumerics),
    ]
    if profile.opencc:
        plan.append(("script", lambda text: convert_script(text, profile.opencc)))
    if profile.doubled_lines:
        plan.append(("doubled_lines", remove_doubled_lines))
    plan.append(("page_dates", join_split_page_dates))  # laid-out paragraphs too: the engine split the row
    plan.append(("page_dates", separate_header_items))  # laid-out paragraphs too: the engine joined two items
    plan.append(("run_in_leads", separate_run_in_leads))  # laid-out paragraphs too: a brief's title and text
    plan.append(("credits", separate_trailing_credits))  # laid-out paragraphs too: an engine runs a credit on
    if profile.reflow:
        plan.append(("reflow", reflow_paragraphs))
        if profile.doubled_lines:
            plan.append(("doubled_paragraphs", remove_doubled_lines))
    plan.append(("layout_marks", strip_column_rules))  # before punctuation: the glyphs a rule parted meet
    if profile.punctuation:
        plan.append(("punctuation", repair_punctuation_width))
    if profile.spacing:
        plan.append(("spacing", repair_intercharacter_spacing))
        plan.append(("dropped_spaces", restore_dropped_spaces))
    plan.append(("layout_marks", strip_layout_marks))
    return plan


@lru_cache(maxsize=16)
def _plan_of(profile: Profile) -> tuple[tuple[str, Rule], ...]:
    """`build_plan(profile)`, built once per profile (a profile is immutable)."""
    return tuple(build_plan(profile))


def _cell_gaps(text: str, paragraphs_given: bool) -> tuple[str, int]:
    """The text with a laid-out table row's tabs between its cells (`layout.tables`) made the
    cell gap reflow sets for a row read one cell a line (`CELL_GAP`: spacing keeps it as one
    space); in other text that private character is a space, and how many of them there were.

    >>> _cell_gaps("鹤屿\\t晴\\t18~24℃", True)[0] == f"鹤屿{CELL_GAP}晴{CELL_GAP}18~24℃", _cell_gaps(f"核{CELL_GAP}酸", False)
    (True, ('核 酸', 1))
    """
    if paragraphs_given:
        return (text.replace("\t", CELL_GAP), 0) if "\t" in text else (text, 0)
    if CELL_GAP in text:
        return text.replace(CELL_GAP, " "), text.count(CELL_GAP)
    return text, 0


def clean(text: str, profile: str | Profile | None = None, explain: bool = False,
          paragraphs_given: bool = False) -> CleanResult:
    """Clean one OCR'd page under `profile` (default `zh-Hans-newspaper`). With `explain`,
    `spans` lists every edit (rule, raw and clean offsets, before, after; cleaners.explain).

    `paragraphs_given`: the text is already one paragraph per line (laid out from an OCR
    engine's geometry, `layout`), so reflow does not run; every other rule does.

    >>> r = clean("本报讯（记者 高伟山）5 月 12 日\\n是国际护士节,也是许昌战“疫”最紧\\n"
    ...           "张的时候。市委书记史根治到中心\\n城区调研疫情防控工作。 （下转第二版）")
    >>> r.text
    '本报讯（记者 高伟山）5月12日是国际护士节，也是许昌战“疫”最紧张的时候。市委书记史根治到中心城区调研疫情防控工作。'
    >>> [(m.kind, m.page) for m in r.markers], sorted(r.edits)
    ([('continued_to', '2')], ['jump_markers', 'punctuation', 'reflow', 'spacing'])
    >>> [(s.rule, s.before, s.after) for s in clean("5 月 12 日,晴", explain=True).spans]
    [('spacing', ' ', ''), ('spacing', ' ', ''), ('spacing', ' ', ''), ('punctuation', ',', '，')]
    """
    chosen = load_profile(profile)
    if paragraphs_given and chosen.reflow:
        chosen = replace(chosen, reflow=False)
    edits: dict[str, int] = {}
    markers: list[JumpMarker] = []
    steps: list[tuple[str, str]] | None = [] if explain else None
    out = text
    if chosen.jump_markers:  # first: a laid-out table's tab is a space to them (`要闻\t2版`)
        out, count, markers = remove_jump_markers(out)
        if count:
            edits["jump_markers"] = count
            if steps is not None:
                steps.append(("jump_markers", out))
    gapped, cells = _cell_gaps(out, paragraphs_given)
    if cells:
        edits["unicode"] = cells
    if steps is not None and gapped != out:
        steps.append(("unicode", gapped))
    out = gapped
    for name, rule in _plan_of(chosen):
        changed, count = rule(out)
        if changed != out:
            edits[name] = edits.get(name, 0) + max(count, 1)  # (layout_marks runs twice)
            if steps is not None:
                steps.append((name, changed))
        out = changed
    out = out.replace(HARD_BREAK, "")  # left by markers when reflow is off
    paragraphs = [line for line in out.split("\n") if line.strip()]
    if steps is not None:
        steps.append((FINAL_STEP, "\n".join(paragraphs)))
    return CleanResult(
        raw=text,
        text="\n".join(paragraphs),
        paragraphs=paragraphs,
        markers=anchor_markers(text, markers, paragraphs) if markers else markers,
        edits=edits,
        profile=chosen.name,
        spans=explain_chain(text, steps) if steps is not None else None,
    )
