"""The long-lived heap frozen out of the garbage collector's walks (in a fresh interpreter:
the garbage collector's state is the process's)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECKS = """
import gc
from qingyang import heap
heap.freeze_long_lived()  # neither the CLI's process nor a worker: nothing frozen
assert gc.get_freeze_count() == 0 and gc.isenabled()
heap.defer_collection()
assert not gc.isenabled()
import pyarrow  # what a run imports meanwhile lives on
heap.freeze_long_lived()
frozen = gc.get_freeze_count()
assert gc.isenabled() and frozen > 1000, frozen
cycle = []
cycle.append(cycle)  # garbage made afterwards is collected as before
del cycle
assert gc.collect() >= 1
heap.freeze_long_lived()  # once per process
heap.defer_collection()
assert gc.get_freeze_count() == frozen and gc.isenabled()
"""


def test_deferred_then_frozen_once():
    done = subprocess.run([sys.executable, "-c", CHECKS], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


WORKER = """
import gc, multiprocessing
from qingyang import heap

def first_task(_):
    heap.freeze_long_lived()
    return gc.get_freeze_count()

if __name__ == "__main__":
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.map(first_task, [0])[0] > 1000
    assert gc.get_freeze_count() == 0
"""


def test_a_worker_process_freezes_at_its_first_task(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
