"""The output folder's housekeeping: one writer at a time, and no litter from a killed run.

`locked_output` holds an exclusive lock on `OUTPUT/.qingyang.lock` (`filelock`: an OS
lock, freed by the kernel when its process dies, even by kill -9) for a whole run; a
second run into the same folder waits for it, saying so. Holding the lock, it sweeps what
a killed run left: temporary files (`.NAME.PID.tmp`, written then renamed by
`qingyang.parquet_io.atomic_target`) and the staging folder `OUTPUT/.cache/staging/`.
"""

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from qingyang.exitcodes import write_error

LOCK_NAME = ".qingyang.lock"
STAGING_DIR = Path(".cache") / "staging"
# Seconds between the "waiting" message and the next look at the lock.
POLL_SECONDS = 0.5


def stale_files(output_dir: Path) -> list[Path]:
    """Temporary files and staging entries under `output_dir` (stale when no run holds the lock)."""
    output_dir = Path(output_dir)
    found = [p for p in output_dir.rglob(".*.tmp") if p.is_file()]
    staging = output_dir / STAGING_DIR
    if staging.is_dir():
        found += sorted(staging.iterdir())
    return found


def sweep_stale(output_dir: Path) -> list[Path]:
    """Remove what `stale_files` finds; returns what was removed. Call it holding the lock."""
    removed = stale_files(output_dir)
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return removed


@contextmanager
def locked_output(output_dir: Path, on_wait: Callable[[str], None] | None = None
                  ) -> Iterator[list[Path]]:
    """Hold the output folder's lock (waiting, after `on_wait(message)`, while another run
    holds it), sweep stale temporaries; yields the swept paths."""
    output_dir = Path(output_dir)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(output_dir / LOCK_NAME)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait is not None:
                on_wait(f"{output_dir}: another qingyang run is writing here; "
                        "waiting for it to finish")
            lock.acquire(poll_interval=POLL_SECONDS)
    except OSError as err:
        raise (write_error(output_dir, err) or err) from err
    try:
        yield sweep_stale(output_dir)
    finally:
        lock.release()
