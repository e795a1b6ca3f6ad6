"""The shared local Prefect API (`qingyang.local_api`): started once, used by the runs after,
a lease per run, stopped when idle, replaced when stale. Real servers, real processes."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qingyang import local_api

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_339827d637f5be4b.txt"
# A process that attaches to the local API under argv[1], prints its URL and the server's
# pid, then waits for a line on stdin (holding its lease) before it exits.
ATTACHER = """
import sys
from pathlib import Path
from qingyang import local_api
home = Path(sys.argv[1])
url = local_api.attach(home)
print(url, local_api.read_state(home)["pid"], flush=True)
sys.stdin.readline()
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A Prefect home of this module (its database migrated once); its server stopped after."""
    folder = tmp_path_factory.mktemp("prefect-home")
    yield folder
    state = local_api.read_state(folder)
    if state is not None:
        local_api.stop_server(state)


def attacher(home: Path, idle: str = "0") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", ATTACHER, str(home)], cwd=ROOT,
                            env={**os.environ, local_api.IDLE_ENV: idle},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def attached(process: subprocess.Popen) -> tuple[str, int]:
    url, pid = process.stdout.readline().split()
    return url, int(pid)


def wait_until(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_two_processes_starting_at_once_share_one_server_that_stops_when_both_end(home):
    first, second = attacher(home), attacher(home)
    (url_a, pid_a), (url_b, pid_b) = attached(first), attached(second)
    assert (url_a, pid_a) == (url_b, pid_b)
    assert local_api.live_leases(home) == 2
    first.communicate("\n", timeout=30)
    time.sleep(2 * local_api.POLL_SECONDS)
    assert local_api.pid_alive(pid_a)  # a lease is still held
    second.communicate("\n", timeout=30)
    assert wait_until(lambda: not local_api.pid_alive(pid_a)), "idle server did not stop"
    assert local_api.read_state(home) is None


def test_a_killed_holder_releases_its_lease(home):
    holder = attacher(home, idle="30")
    _, pid = attached(holder)
    assert local_api.live_leases(home) == 1
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert local_api.live_leases(home) == 0
    assert local_api.pid_alive(pid)  # idle for 30 s before it stops
    local_api.stop_server(local_api.read_state(home))
    assert not local_api.pid_alive(pid)


def test_a_stale_state_file_is_replaced_by_a_new_server(home):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    (home / local_api.STATE_FILE).write_text(json.dumps(
        {"pid": int(dead.stdout), "url": "http://127.0.0.1:9/api",
         "prefect": local_api.version("prefect")}), "utf-8")
    process = attacher(home)
    url, pid = attached(process)
    assert pid != int(dead.stdout) and url != "http://127.0.0.1:9/api"
    process.communicate("\n", timeout=30)


def test_a_second_run_uses_the_local_api_the_first_started(tmp_path, home):
    """Prefect's home stays (its database migrated once) and its server answers the next
    run: the second `qingyang run` starts no server."""
    env = {**os.environ, "PREFECT_HOME": str(home), local_api.IDLE_ENV: "30"}
    pids = []
    for name in ("a", "b"):
        done = subprocess.run(
            [sys.executable, "-m", "qingyang.cli", "run", str(SEED), "--output",
             str(tmp_path / name), "--no-progress"],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "INFO" not in done.stderr and "Traceback" not in done.stderr  # a quiet terminal
        pids.append(local_api.read_state(home)["pid"])
    assert pids[0] == pids[1]
    local_api.stop_server(local_api.read_state(home))


def test_prefect_home_is_the_users_cache_unless_prefect_home_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    home = local_api.use_persistent_home()
    assert home == tmp_path / "cache" / "qingyang" / "prefect" and home.is_dir()
    assert os.environ["PREFECT_HOME"] == str(home)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "mine"))
    assert local_api.use_persistent_home() == tmp_path / "mine"


def test_stop_command_stops_the_local_api(home):
    holder = attacher(home, idle="60")
    _, pid = attached(holder)
    holder.communicate("\n", timeout=30)
    done = subprocess.run([sys.executable, "-m", "qingyang.local_api", "stop"], cwd=ROOT,
                          env={**os.environ, "PREFECT_HOME": str(home)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "stopped the local Prefect API" in done.stderr
    assert not local_api.pid_alive(pid)


def test_a_server_that_does_not_answer_while_runs_use_it_is_not_doubled(tmp_path):
    # A live process named like the local API, on a port nothing answers at, and a run's
    # lease on its home: a second server on the same database would fight it for its SQLite
    # file, so attaching says so in one line instead of starting one.
    stand_in = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)",
                                 "qingyang.local_api"])
    try:
        (tmp_path / local_api.STATE_FILE).write_text(json.dumps(
            {"pid": stand_in.pid, "url": "http://127.0.0.1:9/api", "prefect": "0"}), "utf-8")
        holder = subprocess.Popen(
            [sys.executable, "-c", "import sys; from pathlib import Path; "
             "from qingyang import local_api; local_api.take_lease(Path(sys.argv[1])); "
             "print('held', flush=True); sys.stdin.readline()", str(tmp_path)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(local_api.LocalApiError, match=r"does not answer while 1 run"):
            local_api.attach(tmp_path, timeout=5)
        assert stand_in.poll() is None  # left alone: it is in use
        holder.communicate("\n", timeout=30)
    finally:
        stand_in.kill()
        stand_in.wait()


def test_a_state_file_that_is_no_object_counts_as_none(tmp_path):
    for text in ("[1, 2]", '{"pid": "x", "url": 3}', "not json"):
        (tmp_path / local_api.STATE_FILE).write_text(text, "utf-8")
        assert local_api.read_state(tmp_path) is None


def test_unused_ca_file_is_one_certificate_a_tls_context_loads(tmp_path):
    import ssl

    path = local_api.unused_ca_file(tmp_path / "home")
    assert path.read_text("ascii").count("BEGIN CERTIFICATE") == 1
    context = ssl.create_default_context(cafile=str(path))  # what Prefect's client does
    assert len(context.get_ca_certs()) == 1
    assert local_api.unused_ca_file(tmp_path / "home") == path  # made once, then reused
