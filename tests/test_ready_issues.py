"""Issues handed out for their articles while batches still run (`flows.ready_issues`)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.articles_step import IssueRef, plan_issues
from flows.ready_issues import ReadyIssues

A, B = ("报", "2024-01-01"), ("报", "2024-01-02")


def entry(*parts: tuple[str, list]) -> dict:
    """A manifest entry: parts as (path, [(publication, day, pages)])."""
    return {"parts": [{"path": path, "issues": issues} for path, issues in parts]}


def test_an_issue_waits_for_every_batch_that_may_hold_it():
    ready = ReadyIssues()
    ready.expect(0, frozenset({A}))
    ready.expect(1, frozenset({B}))
    ready.expect(2, frozenset({A}))
    assert ready.done(0, [entry(("p0", [(*A, 3)]))]) == []  # batch 2 may hold A too
    assert ready.done(1, [entry(("p1", [(*B, 2)]))]) == [IssueRef(*B, ("p1",))]
    assert ready.pending == 1
    (issue,) = ready.done(2, [entry(("p2", [(*A, 1)]))])
    assert issue == IssueRef(*A, ("p0", "p2")) and issue.pages == 4


def test_pages_of_no_issue_are_ready_with_their_part():
    ready = ReadyIssues()
    ready.expect(0, None)
    ready.expect(1, None)
    (loose,) = ready.done(0, [entry(("p0", [(None, None, 5), (*A, 1)]))])
    assert loose == IssueRef(None, None, ("p0",), loose=True) and loose.pages == 5


def test_a_batch_of_unknown_issues_holds_back_every_issue_until_it_is_done():
    ready = ReadyIssues()
    ready.expect(0, frozenset({A}))
    ready.expect(1, None)  # JSONL: its rows may name any issue
    assert ready.done(0, [entry(("p0", [(*A, 1)]))]) == []
    assert ready.done(1, [entry(("p1", [(*B, 1)]))]) == [IssueRef(*A, ("p0",)),
                                                          IssueRef(*B, ("p1",))]


def test_stored_issues_are_ready_at_once_unless_a_batch_may_add_to_them():
    ready = ReadyIssues()
    ready.expect(0, frozenset({B}))
    stored = [entry(("s0", [(*A, 2), (*B, 1)]))]
    assert ready.done(None, stored) == [IssueRef(*A, ("s0",))]
    assert ready.done(0, [entry(("p0", [(*B, 1)]))]) == [IssueRef(*B, ("p0", "s0"))]


def test_an_issue_only_one_batch_can_hold_is_that_batch_s_alone():
    ready = ReadyIssues()
    ready.expect(0, frozenset({A, B}))
    ready.expect(1, frozenset({B}))
    assert ready.alone(0) == {A} and ready.alone(1) == set()
    ready.done(None, [entry(("s0", [(*A, 1)]))])  # the table holds a page of A already
    assert ready.alone(0) == set()
    ready.expect(2, None)
    assert ready.alone(1) == set()  # batch 2 may hold any issue


ISSUES = st.sampled_from([A, B, ("报", "2024-01-03"), (None, None)])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(ISSUES, max_size=3), st.lists(ISSUES, max_size=2),
                          st.booleans()), min_size=1, max_size=8),
       st.randoms(use_true_random=False))
def test_each_issue_is_handed_out_once_all_its_batches_are_done_as_the_table_plans_it(
        batches, random):
    """Batches holding random issues, each expected with those issues and maybe more (or
    unknown), finishing in any order: every issue of the table is handed out exactly once,
    as `plan_issues` plans it from all the batches, and only after every batch with a page
    of it is done."""
    ready, entries = ReadyIssues(), {}
    for index, (holds, extra, unknown) in enumerate(batches):
        issues = [(*issue, 1) for issue in holds]
        entries[index] = entry(*[(f"p{index}-{n}", [issue]) for n, issue in enumerate(issues)])
        known = frozenset(i for i in holds + extra if i[0])
        ready.expect(index, None if unknown else known)
    order = list(entries)
    random.shuffle(order)
    handed, done = [], set()
    for index in order:
        done.add(index)
        for ref in ready.done(index, [entries[index]]):
            holders = {i for i, e in entries.items() for part in e["parts"]
                       for pub, day, _ in part["issues"]
                       if (ref.loose and part["path"] in ref.parts)
                       or (not ref.loose and (pub, day) == (ref.publication, ref.issue_date))}
            assert holders <= done
            handed.append(ref)
    planned = plan_issues({str(i): e for i, e in entries.items()})
    assert sorted(handed, key=repr) == sorted(planned, key=repr)
