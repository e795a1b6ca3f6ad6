"""Output faults (issue 15, cases 3, 5 and 7), without a Prefect run: the lock, the sweep
of a killed run's litter, named write and read errors, the exit codes, the watchdog."""

import errno
import os
import subprocess
import sys
import threading
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.store import retire_folder
from qingyang import watchdog
from qingyang.cli import main
from qingyang.exitcodes import CannotWrite, CorruptParquet, Exit, NoSpace, write_error
from qingyang.outputdir import LOCK_NAME, STAGING_DIR, locked_output, stale_files
from qingyang.parquet_io import atomic_target, row_groups, write_parquet_atomic


def test_a_second_writer_waits_for_the_first_and_says_so(tmp_path):
    events, messages = [], []
    first_holds, release = threading.Event(), threading.Event()

    def first():
        with locked_output(tmp_path):
            events.append("first in")
            first_holds.set()
            release.wait(10)
            events.append("first out")

    def second():
        first_holds.wait(10)
        with locked_output(tmp_path, on_wait=messages.append):
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_holds.wait(10)
    deadline = time.monotonic() + 10
    while not messages and time.monotonic() < deadline:
        time.sleep(0.05)
    release.set()
    for thread in threads:
        thread.join(10)
    assert events == ["first in", "first out", "second in"]
    assert messages == [f"{tmp_path}: another qingyang run is writing here; "
                        "waiting for it to finish"]
    assert (tmp_path / LOCK_NAME).exists()


def test_the_lock_is_freed_when_its_process_is_killed(tmp_path):
    code = ("import sys, time; from qingyang.outputdir import locked_output\n"
            "with locked_output(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait(10)
    waited = []
    with locked_output(tmp_path, on_wait=waited.append):
        pass
    assert waited == []


def test_a_killed_runs_temporaries_are_swept_under_the_lock(tmp_path):
    (tmp_path / "pages").mkdir()
    litter = [tmp_path / "pages" / ".pages.parquet.4242.tmp",
              tmp_path / STAGING_DIR / "staged-4242.parquet",
              tmp_path / STAGING_DIR / "reports" / "pages_validation.json"]
    for path in litter:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    kept = tmp_path / "pages" / "pages.parquet"
    kept.write_bytes(b"whole")
    with locked_output(tmp_path) as swept:
        assert sorted(map(str, swept)) == sorted(map(str, [
            litter[0], litter[1], litter[2].parent]))
    assert not any(path.exists() for path in litter) and kept.read_bytes() == b"whole"
    assert stale_files(tmp_path) == []


def test_a_failed_write_leaves_no_temporary_and_the_old_file_whole(tmp_path):
    target = tmp_path / "pages.parquet"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_target(target) as temporary:
        temporary.write_bytes(b"new, half")
        raise RuntimeError("killed mid-write")
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize(("code", "kind", "message"), [
    (errno.ENOSPC, NoSpace, "out/p.parquet: no space left on device"),
    (errno.EROFS, CannotWrite, "out/p.parquet: cannot write: Read-only file system"),
])
def test_write_errors_are_named_with_the_path(code, kind, message):
    error = write_error("out/p.parquet", OSError(code, os.strerror(code)))
    assert isinstance(error, kind) and str(error) == message


def test_pyarrow_disk_full_is_named(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] "
                      "No space left on device")

    monkeypatch.setattr(pq, "write_table", full)
    target = tmp_path / "pages" / "pages.parquet"
    with pytest.raises(NoSpace, match=r"pages\.parquet: no space left on device"):
        write_parquet_atomic(pa.table({"a": [1]}), target)
    assert list(target.parent.iterdir()) == []


def truncated_parquet(path):
    pq.write_table(pa.table({"a": list(range(5000))}), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_truncated_parquet_is_named(tmp_path):
    path = tmp_path / "pages.parquet"
    truncated_parquet(path)
    with pytest.raises(CorruptParquet, match=rf"^{path}: not a readable Parquet file \("):
        list(row_groups(path))


def test_validate_on_a_truncated_table_one_line_and_its_exit_code(tmp_path, capsys):
    (tmp_path / "pages").mkdir()
    truncated_parquet(tmp_path / "pages" / "pages.parquet")
    assert main(["validate", str(tmp_path)]) == Exit.CORRUPT_PARQUET
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"qingyang: {tmp_path}/pages/pages.parquet: "
                                               "not a readable Parquet file")


def test_exit_codes_are_distinct():
    assert len({int(code) for code in Exit}) == len(Exit)


def test_reports_leave_before_the_data_changes(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "pages_validation.json").write_text("old")
    retire_folder(reports)
    assert not reports.exists() and not any((tmp_path / STAGING_DIR).iterdir())


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="the watchdog reads /proc (Linux)")
def test_watchdog_is_started_once_per_process_and_a_childs_own(monkeypatch):
    monkeypatch.setenv(watchdog.MARK, f"{os.getpid()}-1")
    assert watchdog.start() is None  # this process has one
    monkeypatch.setenv(watchdog.MARK, "1-1")  # inherited from a parent: a new one
    guard = watchdog.start()
    try:
        assert guard is not None and os.environ[watchdog.MARK].startswith(f"{os.getpid()}-")
    finally:
        guard.kill()
        guard.wait(10)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="the watchdog reads /proc (Linux)")
def test_watchdog_kills_the_children_of_a_killed_parent(tmp_path):
    """A parent starts the watchdog and a child that would outlive it; kill -9 the parent."""
    code = ("import subprocess, sys, time; from qingyang import watchdog\n"
            "watchdog.start()\n"
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
            "print(child.pid, flush=True); time.sleep(120)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert os.path.exists(f"/proc/{child}")
    parent.kill()
    parent.wait(10)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.1)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().split()[2] != "Z"  # a zombie is dead, awaiting its reaper
    except OSError:
        return False


def test_dead_prefect_api_url_one_line_and_its_code(tmp_path):
    page = tmp_path / "a.txt"
    page.write_text("许昌日报专讯（记者 毛迎）5月12日，市委书记到建安区调研。", "utf-8")
    dead = "http://127.0.0.1:9/api"  # port 9 (discard): nothing listens
    result = subprocess.run(
        [sys.executable, "-m", "qingyang.cli", "run", str(page), "--output",
         str(tmp_path / "out"), "--no-progress"],
        env={**os.environ, "PREFECT_API_URL": dead}, capture_output=True, text=True, timeout=300)
    assert result.returncode == Exit.API_UNREACHABLE
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"qingyang: PREFECT_API_URL {dead}: no Prefect API answers (")
    assert not (tmp_path / "out").exists()  # nothing written before the check
