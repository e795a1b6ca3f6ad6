"""Processes end: `qingyang serve` on a signal (served runs: tests/test_prefect_server.py)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def test_serve_without_a_server_uses_the_local_api_and_stops_on_sigterm(tmp_path):
    """No PREFECT_API_URL: `qingyang serve` serves on the shared local API (no second
    server on its database), says the schedule needs a real server, and SIGTERM stops it."""
    root = Path(__file__).resolve().parents[1]
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with open(out, "w") as stdout, open(err, "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "qingyang.cli", "serve", str(root / "seeds"), "--output",
             str(tmp_path / "out"), "--cron", "0 2 * * *", "--name", "local"],
            stdout=stdout, stderr=stderr, cwd=root, env=dict(os.environ))
    deadline = time.monotonic() + 180
    while "clean-pages/local" not in out.read_text() and process.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.2)
    assert process.poll() is None, err.read_text()[-2000:]
    assert "serving on the local Prefect API" in err.read_text()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError("serve did not stop within 15 s of SIGTERM") from None
    assert process.returncode == 0, err.read_text()[-3000:]
    assert "never awaited" not in err.read_text() and "Traceback" not in err.read_text()
