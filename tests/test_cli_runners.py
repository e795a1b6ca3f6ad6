"""`qingyang run` with worker processes and no Prefect server: one local API for all."""

import os
import subprocess
import sys
from pathlib import Path

import polars as pl

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_process_workers_report_to_the_one_local_api(tmp_path):
    env = {**os.environ, "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "INFO"}
    done = subprocess.run(
        [sys.executable, "-m", "qingyang.cli", "run", str(SEEDS), "--output",
         str(tmp_path / "out"), "--task-runner", "process", "--workers", "2",
         "--batch-size", "1", "--no-progress"],
        capture_output=True, text=True, env=env, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-2000:]
    # a spawned worker without the API's URL would start (and log) a server of its own
    assert "Starting temporary server" not in output, output[-2000:]
    assert pl.read_parquet(tmp_path / "out" / "pages" / "**" / "*.parquet").height == 5
