"""The `qingyang clean` and `qingyang eval` commands, run as a user runs them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaners import clean
from qingyang.evaluation import evaluate_pair, gold_pairs, totals

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_339827d637f5be4b.txt"


def qingyang(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qingyang.cli", *args], input=stdin,
                          capture_output=True, cwd=ROOT, timeout=120)


def test_clean_prints_the_cleaned_text():
    done = qingyang("clean", str(SEED))
    assert done.returncode == 0
    assert done.stdout.decode() == clean(SEED.read_text("utf-8")).text + "\n"


def test_clean_json_has_text_paragraphs_markers_and_edits():
    done = qingyang("clean", "--json", str(SEED))
    record = json.loads(done.stdout)
    assert set(record) == {"source", "text", "paragraphs", "markers", "edits"}
    assert record["source"] == str(SEED)
    assert record["markers"][0] == {"kind": "continued_to", "page": "2",
                                    "raw": "（下转第二版）", "offset": 4181, "paragraph": 29}
    assert record["edits"]["spacing"] > 0


def test_clean_reads_stdin():
    done = qingyang("clean", "-", stdin="核 酸 检 测,居民".encode())
    assert done.stdout.decode() == "核酸检测，居民\n"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_clean_detects_encodings(tmp_path, encoding):
    page = tmp_path / "page.txt"
    page.write_bytes("核 酸 检 测,第一期".encode(encoding))
    done = qingyang("clean", str(page))
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == "核酸检测，第一期\n"


def test_binary_input_gets_one_line_error_naming_the_file(tmp_path):
    broken = tmp_path / "scan.txt"
    broken.write_bytes(bytes(range(256)) * 4)
    good = tmp_path / "good.txt"
    good.write_text("核 酸", "utf-8")
    done = qingyang("clean", str(broken), str(good))
    assert done.returncode == 1
    assert done.stderr.decode().strip() == f"qingyang: {broken}: binary data, not text"
    assert done.stdout.decode() == "核酸\n"  # the good file is still cleaned


def test_unknown_profile_is_a_usage_error():
    done = qingyang("clean", "--profile", "nope", str(SEED))
    assert done.returncode == 2
    assert "unknown profile 'nope'" in done.stderr.decode()


def test_eval_prints_raw_and_cleaned_figures():
    done = qingyang("eval", "--gold", "tests/gold", "--json")
    rows = json.loads(done.stdout)
    total = rows[-1]
    assert total["page"] == "TOTAL"
    assert total["clean_cer"] < total["raw_cer"]


def test_eval_scores_an_unreadable_engine_file_as_an_empty_page_and_goes_on(tmp_path):
    """A proof-reader's set with one broken engine file: the error names it, the other pages
    are scored, the broken one counts as no text (what a user would get), the exit is partial."""
    for name in ("a", "b"):
        (tmp_path / f"{name}.gold.txt").write_text("核酸检测\n复工复产\n", encoding="utf-8")
    (tmp_path / "a.paddle.json").write_text(json.dumps({"rec_texts": ["核酸检测", "复工复产"], "rec_scores": [0.9, 0.9],
                                                        "rec_boxes": [[0, 0, 80, 20], [0, 30, 80, 50]]}), encoding="utf-8")
    (tmp_path / "b.paddle.json").write_text('{"rec_texts": ["核酸"', encoding="utf-8")
    done = qingyang("eval", "--gold", str(tmp_path), "--input", "paddleocr", "--json")
    assert done.returncode == 3
    assert "b.paddle.json" in done.stderr.decode() and "scored as an empty page" in done.stderr.decode()
    rows = {row["page"]: row for row in json.loads(done.stdout)}
    assert rows["a"]["clean_cer"] == 0.0 and rows["b"]["clean_cer"] == 1.0 and rows["TOTAL"]["clean_cer"] == 0.5


def test_gold_pages_meet_the_contract_targets():
    pages = [evaluate_pair(name, src.read_text("utf-8"), gold.read_text("utf-8"))
             for name, src, gold in gold_pairs(ROOT / "tests" / "gold")]
    assert len(pages) >= 11
    for page in pages:
        assert page.cleaned.residual_gaps == 0, page.name
        assert page.cleaned.ascii_punct_beside_han == 0, page.name
        assert page.cleaned.leftover_markers == 0, page.name
    # Where the only faults are the ones the contract repairs, CER stays under 0.5%.
    for page in pages:
        if page.name.startswith("synth_"):
            assert page.cleaned.cer < 0.005, (page.name, page.cleaned.cer)
    assert totals(pages, "cleaned").paragraph_f1 >= 0.85


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--workers", "0", "must be at least 1, not 0"),
    ("--batch-size", "0", "must be at least 1, not 0"),
    ("--batch-size", "x", "'x' is not a whole number"),
    ("--max-invalid-share", "1.5", "must be within [0, 1], not 1.5"),
    ("--max-invalid-share", "-0.1", "must be within [0, 1], not -0.1"),
    ("--dask-address", "localhost:8786", "is not a scheduler address like tcp://HOST:PORT"),
    ("--dask-address", "tcp://host", "is not a scheduler address like tcp://HOST:PORT"),
])
def test_run_rejects_bad_arguments_in_one_line_before_starting(tmp_path, option, value, says):
    done = qingyang("run", str(SEED), "--output", str(tmp_path / "out"), option, value)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 2
    assert lines == [f"qingyang: argument {option}: {lines[0].split(': ', 2)[2]}"]
    assert says in lines[0] and "qingyang run --help" in lines[0]
    assert not (tmp_path / "out").exists()  # nothing started


@pytest.mark.parametrize("spec", ["missing-folder/page.txt", "nowhere/*.txt", "{empty}/*"])
def test_run_with_an_input_that_matches_nothing_says_so_before_starting(tmp_path, spec):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_bytes(b"%PDF")  # not an input kind
    spec = str(tmp_path / spec.format(empty="empty"))
    done = qingyang("run", spec, "--output", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        f"qingyang: {spec}: no such file, folder or matching input file"]
    assert not (tmp_path / "out").exists()  # nothing started


def test_the_commands_input_check_agrees_with_discover(tmp_path):
    from flows.inputs import NoInputs, check_inputs, discover

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.txt").write_text("核酸检测", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.pdf").write_bytes(b"%PDF")
    for spec in ["a", "a/*.txt", "*", "b/*", "b", "c", "**/*.txt", "*/x.pdf"]:
        inputs = [str(tmp_path / spec)]
        try:
            discover(inputs)
        except NoInputs as err:
            with pytest.raises(NoInputs, match="no such file"):
                check_inputs(inputs)
            assert str(err).startswith(str(tmp_path))
        else:
            check_inputs(inputs)


def test_run_accepts_a_well_formed_dask_address():
    from qingyang.cli import build_parser

    args = build_parser().parse_args(["run", "x", "--dask-address", "tcp://10.0.0.5:8786"])
    assert args.dask_address == "tcp://10.0.0.5:8786" and args.workers == 2


def test_every_option_has_help_with_its_default():
    from qingyang.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, command in commands.items():
        for action in command._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, f"{name} {action.option_strings[0]} has no help"
        text = command.format_help()
        for action in command._actions:
            if action.default not in (None, False) and action.dest != "help":
                assert f"(default: {action.default})" in " ".join(text.split()), \
                    f"{name} {action.option_strings} does not show its default"


def test_version_and_python_dash_m():
    from qingyang import __version__

    done = subprocess.run([sys.executable, "-m", "qingyang", "--version"],
                          capture_output=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and done.stdout.decode().strip() == f"qingyang {__version__}"
    done = subprocess.run([sys.executable, "-m", "qingyang", "clean", "-"], input="核 酸".encode(),
                          capture_output=True, cwd=ROOT, timeout=60)
    assert done.stdout.decode() == "核酸\n"


def test_an_output_folder_of_the_old_one_file_layout_is_one_line_and_exit_2(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    old = tmp_path / "out" / "pages" / "pages.parquet"
    old.parent.mkdir(parents=True)
    pq.write_table(pa.table({"doc_id": ["x"]}), old)
    done = qingyang("run", str(ROOT / "seeds"), "--output", str(tmp_path / "out"), "--no-progress")
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode().strip().splitlines() == [
        f"qingyang: {old}: a pages table of an older qingyang (one file, no parts); "
        "move it away or write to a new output folder"]
    assert old.is_file()  # left as it was
