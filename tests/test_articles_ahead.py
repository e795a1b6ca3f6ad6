"""Articles built while later batches still run: an issue's task starts once its pages
are written, and the articles table is the one built after the last batch."""

import shutil
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from flows import pipeline
from flows.pipeline import clean_pages
from qingyang.dataset import part_files
from qingyang.schema import ARTICLES_DIR

pytestmark = pytest.mark.usefixtures("prefect_harness")

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def issue_spanning_batches(folder: Path, second_page: str = "z.txt") -> Path:
    """Five seed pages read in batches of one page: a front page (`a.txt`) and the page it
    jumps to (`second_page`: read last, or next) one issue, three other issues besides."""
    folder.mkdir()
    names = {"000_339827d637f5be4b.txt": "a.txt", "002_c19e41a243658389.txt": "c.txt",
             "003_d94d03168ebcdc99.txt": "d.txt", "004_8883ae6c5903f225.txt": "e.txt",
             "001_def52c3993fb5bee.txt": second_page}
    for seed, name in names.items():
        shutil.copy(SEEDS / seed, folder / name)
    (folder / "manifest.csv").write_text(
        "file,publication,issue_date,page\n"
        f"a.txt,许昌日报,2022-05-13,1\n{second_page},许昌日报,2022-05-13,2\n"
        "c.txt,郑州日报,,\nd.txt,郑州日报,2022-01-14,1\ne.txt,郑州日报,2021-11-08,1\n", "utf-8")
    return folder


def task_runs(state) -> dict[str, list]:
    """The flow run's task runs by task name, in their start order."""
    flow_run = FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=flow_run)
    named: dict[str, list] = {}
    for run in sorted(runs, key=lambda run: run.start_time):
        named.setdefault(run.name.rsplit("-", 1)[0], []).append(run)  # "process-batches-1a2"
    return named


def articles_parts(out: Path) -> dict[str, bytes]:
    root = out / ARTICLES_DIR
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in part_files(root)}


def test_an_issue_s_articles_start_before_the_last_batch_ends(tmp_path, monkeypatch):
    """The two-page issue is built by a task of its own once its second batch is done,
    while later batches run; each issue inside one batch is built by that batch's task."""
    inputs = issue_spanning_batches(tmp_path / "in", second_page="b.txt")
    monkeypatch.setattr(pipeline, "BATCHES_AHEAD", 1)  # the next batch waits for this one
    state = clean_pages([str(inputs)], str(tmp_path / "out"), batch_size=1, return_state=True)
    summary = state.result()
    runs = task_runs(state)
    batches, articles = runs["process-batches"], runs["build-issues-articles"]
    assert len(batches) == 5 and summary["batches"] == 5
    assert len(articles) == 1  # the two-page issue; the other three with their pages
    assert articles[0].start_time < batches[-1].end_time  # built beside the later batches
    assert summary["issues"] == summary["issues_built"] == 4

    # The same articles, byte for byte, as one batch of every page builds after it.
    monkeypatch.undo()
    whole = clean_pages([str(inputs)], str(tmp_path / "whole"), batch_size=10**6)
    assert whole["batches"] == 1
    assert articles_parts(tmp_path / "out") == articles_parts(tmp_path / "whole")
    figures = ("articles", "issues", "articles_stitched", "unmatched_jumps")
    assert [summary[k] for k in figures] == [whole[k] for k in figures]
    assert summary["articles_stitched"] >= 1  # the front page's story goes on on page 2


def test_an_issue_in_the_first_and_last_batch_is_built_from_both(tmp_path):
    inputs = issue_spanning_batches(tmp_path / "in")
    state = clean_pages([str(inputs)], str(tmp_path / "out"), batch_size=1, return_state=True)
    summary = state.result()
    (articles,) = task_runs(state)["build-issues-articles"]
    assert articles.start_time > task_runs(state)["process-batches"][-1].start_time
    whole = clean_pages([str(inputs)], str(tmp_path / "whole"), batch_size=10**6)
    assert articles_parts(tmp_path / "out") == articles_parts(tmp_path / "whole")
    assert summary["articles_stitched"] == whole["articles_stitched"] >= 1


def test_a_rerun_builds_no_issue_and_a_changed_page_rebuilds_its_issue_only(tmp_path):
    inputs = issue_spanning_batches(tmp_path / "in")
    out = tmp_path / "out"
    clean_pages([str(inputs)], str(out), batch_size=1)
    before = articles_parts(out)
    again = clean_pages([str(inputs)], str(out), batch_size=1)
    assert again["issues_built"] == 0 and articles_parts(out) == before
    with (inputs / "z.txt").open("a", encoding="utf-8") as page:
        page.write("\n本报讯 郑州市召开会议。\n")
    changed = clean_pages([str(inputs)], str(out), batch_size=1)
    assert changed["issues_built"] == 1 and changed["issues"] == 4


def test_a_batch_s_rows_are_the_rows_its_parts_read_back(tmp_path):
    """An issue built in its batch's task takes its rows from the batch's table: the same
    rows, in the same order, as reading them back from the parts gives."""
    from flows.articles_step import issues_rows, issues_rows_in
    from flows.batch_task import own_issues
    from flows.inputs import discover
    from flows.pages_step import build_batch_rows

    inputs = issue_spanning_batches(tmp_path / "in")
    (inputs / "f.txt").write_text("本报讯 没有刊名的一页。\n", "utf-8")  # no publication
    outcome, table = build_batch_rows(discover([str(inputs)]), None, None, tmp_path / "out")
    issues = {(pub, day) for part in outcome.parts for pub, day, _ in part.issues if pub and day}
    refs = own_issues(outcome, frozenset(issues))
    assert sum(ref.loose for ref in refs) == 2 and len(refs) == 5  # two loose parts, 3 issues
    assert issues_rows_in(table, refs) == issues_rows(tmp_path / "out", refs)
