"""The long-lived heap frozen out of the garbage collector's walks (in a fresh interpreter:
the garbage collector's state is the process's)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECKS = """
import gc
from qingyang import heap
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
