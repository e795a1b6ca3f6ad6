"""`qingyang run` and `qingyang serve` against a real `prefect server start` (with its UI):
INFO logs of a run reach the server, the run's URL is printed, `serve` stops on a signal
and the processes of its runs end."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from uuid import UUID

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_339827d637f5be4b.txt"
PREFECT = Path(sys.executable).parent / "prefect"
# How long `qingyang serve` may take to exit after SIGINT or SIGTERM.
STOP_SECONDS = 15


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    return None


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    """`prefect server start` on a free port with a Prefect home of its own; its API URL."""
    import httpx

    home = tmp_path_factory.mktemp("server-home")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home),
           "PREFECT_PROFILES_PATH": str(home / "profiles.toml")}
    with open(home / "server.log", "wb") as log:
        server = subprocess.Popen([str(PREFECT), "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port)], env=env, stdout=log, stderr=log,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"

    def healthy() -> bool:
        try:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        if not wait_until(healthy, 240):
            pytest.fail(f"prefect server start did not answer: "
                        f"{(home / 'server.log').read_text()[-2000:]}")
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def against(api_url: str) -> dict:
    return {**os.environ, "PREFECT_API_URL": api_url}


def info_logs(api_url: str, flow_run_id: UUID) -> list[str]:
    """The INFO (and higher) log messages the server holds for the flow run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId, LogFilterLevel
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api_url}), \
            get_client(sync_client=True) as client:
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]),
                                          level=LogFilterLevel(ge_=20)))
    return [log.message for log in logs]


def test_a_run_sends_its_info_logs_to_the_server_and_prints_its_url(tmp_path, prefect_server):
    done = subprocess.run(
        [sys.executable, "-m", "qingyang.cli", "run", str(SEED), "--output",
         str(tmp_path / "out"), "--no-progress"],
        capture_output=True, text=True, env=against(prefect_server), cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    ui = prefect_server.removesuffix("/api")
    link = re.search(rf"{re.escape(ui)}/runs/flow-run/([0-9a-f-]{{36}})", done.stdout)
    assert link, done.stdout
    messages = wait_until(lambda: [m for m in info_logs(prefect_server, UUID(link[1]))
                                   if "found 1 inputs" in m], 30)
    assert messages, "the flow's INFO logs did not reach the server"
    assert "INFO" not in done.stderr  # the terminal stays quiet


def serve(tmp_path: Path, api_url: str, name: str) -> subprocess.Popen:
    """`qingyang serve` of the seeds, output in files under tmp_path; returns once it serves."""
    process = subprocess.Popen(
        [sys.executable, "-m", "qingyang.cli", "serve", str(SEEDS), "--output",
         str(tmp_path / "out"), "--cron", "0 2 * * *", "--name", name],
        stdout=open(tmp_path / "serve.out", "w"), stderr=open(tmp_path / "serve.err", "w"),
        env=against(api_url), cwd=ROOT)
    ready = wait_until(lambda: name in (tmp_path / "serve.out").read_text()
                       or process.poll() is not None, 180)
    assert ready and process.poll() is None, (tmp_path / "serve.err").read_text()[-2000:]
    return process


def stopped_within(process: subprocess.Popen, signum: int, seconds: float) -> bool:
    process.send_signal(signum)
    try:
        process.wait(timeout=seconds)
        return True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False


def spawned_children(pid: int) -> list[int]:
    """Child processes of `pid` that multiprocessing spawned to run code (not its resource
    tracker): a served flow run's process."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    found = []
    for child in map(int, children):
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
        except OSError:
            continue
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_on_a_signal_within_seconds(tmp_path, prefect_server, signum):
    process = serve(tmp_path, prefect_server, f"stop-{signum.name.lower()}")
    assert stopped_within(process, signum, STOP_SECONDS), "serve did not stop"
    errors = (tmp_path / "serve.err").read_text()
    assert process.returncode == 0, errors[-2000:]
    assert "never awaited" not in errors and "Traceback" not in errors


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_served_runs_process_exits_and_its_logs_reach_the_server(tmp_path, prefect_server):
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    process = serve(tmp_path, prefect_server, "served-run")
    try:
        with temporary_settings(updates={PREFECT_API_URL: prefect_server}):
            flow_run = run_deployment("clean-pages/served-run", timeout=300)
        assert flow_run.state.is_completed(), flow_run.state
        assert (tmp_path / "out" / "reports" / "index.html").exists()
        gone = wait_until(lambda: not spawned_children(process.pid), 30)
        assert gone, "the served run's process stayed alive"
        assert wait_until(lambda: [m for m in info_logs(prefect_server, flow_run.id)
                                   if "found 5 inputs" in m], 30)
    finally:
        stopped = stopped_within(process, signal.SIGTERM, STOP_SECONDS)
    assert stopped, "serve did not stop after a run"
