"""The slow fault cases, each through the real `qingyang run` in a process of its own:
kill -9 at several points of a run, two runs at once, a read-only output folder, a full
disk, a truncated table. `make faults` runs them (marker `faults`) and prints the table.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from qingyang.dataset import part_files, read_manifest
from qingyang.exitcodes import Exit
from qingyang.outputdir import locked_output
from qingyang.watchdog import MARK

pytestmark = pytest.mark.faults

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
# The point of a run where the process kills itself: (module, attribute, when).
KILL_POINTS = {
    "staging": ("flows.pages_step", "write_parts", "after"),
    "write": ("qingyang.parquet_io", "_sync", "part-tmp"),
    # An issue's articles being built from staged parts, before the pages commit.
    "early-articles": ("flows.articles_step", "build_issues", "before"),
    "commit": ("flows.store", "write_manifest", "before"),  # parts moved in, no manifest yet
    "articles": ("flows.pipeline", "commit_issues", "before"),
    "reports": ("flows.pipeline", "check_articles_table.fn", "before"),  # a task run in a worker
}
KILLER = """
import os, signal, sys, importlib
module, name, when = sys.argv[1:4]
target = importlib.import_module(module)
owner, _, attr = name.rpartition(".")
holder = getattr(target, owner) if owner else target
original = getattr(holder, attr)
def die():
    os.kill(os.getpid(), signal.SIGKILL)
def patched(*args, **kwargs):
    if when == "before":
        die()
    if when == "part-tmp" and str(args[0]).rpartition("/")[2].startswith(".part-"):
        die()
    result = original(*args, **kwargs)
    if when == "after":
        die()
    return result
setattr(holder, attr, patched)
from qingyang.cli import main
sys.exit(main(sys.argv[4:]))
"""


def qingyang(cwd: Path, *args: str, kill: str | None = None, env: dict | None = None,
             wait: bool = True):
    """`qingyang ARGS` in `cwd`, optionally killing itself at KILL_POINTS[kill]."""
    command = [sys.executable, "-c", KILLER, *KILL_POINTS[kill]] if kill else [
        sys.executable, "-m", "qingyang.cli"]
    process = subprocess.Popen([*command, *args, "--no-progress"], cwd=cwd,
                               env={**os.environ, **(env or {})}, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if not wait:
        return process
    out, err = process.communicate(timeout=600)
    return process.returncode, out, err


def inputs(tmp_path: Path, count: int = len(SEEDS)) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for seed in SEEDS[:count]:
        shutil.copy(seed, folder / seed.name)
    return folder


def table_rows(out: Path) -> int:
    """Rows of the committed pages table: of the parts its manifest names."""
    batches = read_manifest(out / "pages").get("batches", {})
    return sum(pq.read_metadata(out / "pages" / part["path"]).num_rows
               for entry in batches.values() for part in entry["parts"])


def orphans(pid: int) -> list[int]:
    """Processes still carrying the mark of run `pid` (its children, if the watchdog failed)."""
    prefix = f"{MARK}={pid}-".encode()
    found = []
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            environ = Path(f"/proc/{name}/environ").read_bytes()
            state = Path(f"/proc/{name}/stat").read_text().split()[2]
        except OSError:
            continue
        if state != "Z" and any(v.startswith(prefix) for v in environ.split(b"\0")):
            found.append(int(name))
    return found


def litter(out: Path) -> list[Path]:
    staging = out / ".cache" / "staging"
    return [*out.rglob(".*.tmp"), *(staging.iterdir() if staging.is_dir() else [])]


def outputs(out: Path) -> dict[str, bytes]:
    """Every file of the pages, articles and quarantine tables, by path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for folder in ("pages", "articles",
            "quarantine") for p in sorted((out / folder).rglob("*")) if p.is_file()}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_kill_9_then_rerun_gives_the_same_bytes(tmp_path, point, pages_lost):
    work, out = tmp_path, tmp_path / "killed"
    # The output holds an older table of three pages; the killed run adds two.
    staged = work / "in"
    staged.mkdir()
    for seed in SEEDS[:3]:
        shutil.copy(seed, staged / seed.name)
    first = qingyang(work, "run", "in", "--output", str(out))
    assert first[0] == Exit.OK, first[2]
    for seed in SEEDS[3:]:
        shutil.copy(seed, staged / seed.name)

    process = qingyang(work, "run", "in", "--output", str(out), kill=point, wait=False)
    process.communicate(timeout=600)
    assert process.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 20
    while orphans(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert orphans(process.pid) == []  # the temporary server and workers died with it
    rows = table_rows(out)
    assert rows in (3, 5)  # the old table whole, or the new one: never a part
    report = out / "reports" / "pages_validation.json"
    if report.exists():  # a report only with the table it describes
        assert json.loads(report.read_text())["summary"]["rows"] == rows

    code, _, err = qingyang(work, "run", "in", "--output", str(out))
    assert code == Exit.OK, err
    assert litter(out) == []
    # Same inputs, same bytes: compare with an undisturbed run over the same path.
    undisturbed = work / "undisturbed"
    code, _, err = qingyang(work, "run", "in", "--output", str(undisturbed))
    assert code == Exit.OK, err
    pages_lost(table_rows(undisturbed) - table_rows(out))
    assert outputs(out) == outputs(undisturbed)
    assert json.loads((out / "reports" / "pages_validation.json").read_text())[
        "summary"]["rows"] == len(SEEDS)


WAITING = "another qingyang run is writing here; waiting for it to finish"


def test_two_runs_at_once_lose_no_rows(tmp_path, pages_lost):
    """Two runs into one folder, made to overlap: the test holds the folder's lock until
    both say they wait, then lets go; one writes, then the other, and no row is lost."""
    first, second, out = tmp_path / "a", tmp_path / "b", tmp_path / "out"
    first.mkdir()
    second.mkdir()
    for index, seed in enumerate(SEEDS):
        shutil.copy(seed, (first if index < 3 else second) / seed.name)
    said: list[list[str]] = [[], []]
    with locked_output(out):
        runs = [qingyang(tmp_path, "run", folder.name, "--output", "out", wait=False)
                for folder in (first, second)]
        readers = [threading.Thread(target=lambda s=stream, lines=said[i]: lines.extend(s))
                   for i, run in enumerate(runs) for stream in (run.stdout, run.stderr)]
        for reader in readers:
            reader.start()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not all(
                any(WAITING in line for line in lines) for lines in said):
            if any(run.poll() is not None for run in runs):
                break
            time.sleep(0.2)
    codes = [run.wait(600) for run in runs]
    for reader in readers:
        reader.join(60)
    assert all(any(WAITING in line for line in lines) for lines in said), said
    assert codes == [Exit.OK, Exit.OK], said
    assert pages_lost(len(SEEDS) - table_rows(out)) == 0


@contextmanager
def tmpfs(where: Path, options: str, what: str):
    """A tmpfs mounted at `where` for the block, unmounted after; the test is skipped, with
    the reason, where this machine cannot mount one."""
    where.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount {what} here: {result.stderr.strip() or 'mount failed'}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_read_only_output_folder(tmp_path):
    with tmpfs(tmp_path / "ro", "ro,size=1m", "a read-only tmpfs") as folder:
        inputs(tmp_path, 1)
        code, _, err = qingyang(tmp_path, "run", "in", "--output", str(folder / "out"))
    assert code == Exit.CANNOT_WRITE
    assert _one_line(err) == f"qingyang: {folder / 'out'}: cannot write: Read-only file system"


def test_disk_full_one_line_and_nothing_half_written(tmp_path):
    with tmpfs(tmp_path / "full", "size=96k", "a small tmpfs") as folder:
        inputs(tmp_path)
        code, _, err = qingyang(tmp_path, "run", "in", "--output", str(folder / "out"))
        left = litter(folder / "out")
        records = [json.loads(p.read_text("utf-8"))  # whole, or not there
                   for p in (folder / "out" / ".cache" / "batches").glob("*")]
    assert code == Exit.NO_SPACE
    line = _one_line(err)
    assert line.startswith(f"qingyang: {folder / 'out'}/") and line.endswith(
        ": no space left on device")
    assert left == [] and all("parts" in record for record in records)


def test_truncated_table_one_line_and_its_code(tmp_path):
    inputs(tmp_path, 2)
    code, _, err = qingyang(tmp_path, "run", "in", "--output", "out")
    assert code == Exit.OK, err
    table = part_files(tmp_path / "out" / "pages")[0]
    table.write_bytes(table.read_bytes()[:1000])
    code, _, err = qingyang(tmp_path, "run", "in", "--output", "out")
    assert code == Exit.CORRUPT_PARQUET
    assert _one_line(err).startswith(
        f"qingyang: out/pages/{table.relative_to(tmp_path / 'out' / 'pages')}: "
        "not a readable Parquet")
