"""Where a small run's seconds go: `python -m bench.startup [--runs N] [--timeline]`.

Without options: `qingyang run seeds/` into a new output folder N times (default 3), the
first on a fresh Prefect home (its database is created and migrated, the local API
started), the others on the same home (the local API answers); wall seconds of each, with
the load average. `--timeline`: one run of this checkout's `qingyang run` in this process
with a time stamp at each phase (imports, validation worker ready, Prefect API ready, flow
body, exit), printed to stderr. BENCHMARKS.md ("Start-up") quotes both.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
_STARTED = time.perf_counter()


def mark(what: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:6.2f} s] {what}", file=sys.stderr, flush=True)


def wall_runs(runs: int) -> None:
    """`qingyang run seeds/` into new folders on one fresh Prefect home; wall seconds each."""
    work = Path(tempfile.mkdtemp(prefix="qingyang-startup-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(work / "prefect-home"), PYTHONPATH=str(ROOT),
               QINGYANG_API_IDLE_SECONDS="60")
    for number in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "qingyang.cli", "run", str(SEEDS),
                               "--output", str(work / f"out{number}"), "--no-progress"],
                              env=env, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - started
        home = "fresh" if number == 0 else "warm"
        print(f"run {number + 1} ({home} Prefect home): {wall:.2f} s wall, exit "
              f"{done.returncode}, load {os.getloadavg()[0]:.2f}")
    from qingyang import local_api

    state = local_api.read_state(work / "prefect-home")
    if state is not None:
        local_api.stop_server(state)
    shutil.rmtree(work, ignore_errors=True)


def timeline() -> None:
    """One `qingyang run seeds/` in this process, phases stamped (the functions that start
    them wrapped)."""
    mark("interpreter up; importing the CLI")
    from flows import commands
    from qingyang import cli, local_api

    def wrap(owner, name, before, after=None):
        original = getattr(owner, name)

        def stamped(*args, **kwargs):
            mark(before)
            result = original(*args, **kwargs)
            if after:
                mark(after)
            return result

        setattr(owner, name, stamped)

    wrap(commands, "configure_environment", "importing Prefect", "Prefect imported")
    wrap(local_api, "attach", "attaching to the local API", "local API answers")
    wrap(local_api, "start_server", "starting the local API (none answers)")
    connect = commands.connect_api

    def connect_stamped():
        from flows import pipeline

        mark("flows.pipeline imported")
        wrap(pipeline, "clean_batches", "flow body starts", "pages cleaned and written")
        wrap(pipeline, "articles_per_issue", "articles per issue", "articles written")
        wrap(pipeline, "publish_summary", "publishing the summary", "summary published")
        return connect()

    commands.connect_api = connect_stamped
    output = tempfile.mkdtemp(prefix="qingyang-timeline-")
    code = cli.main(["run", str(SEEDS), "--output", output, "--no-progress"])
    mark(f"main returned {code}; the interpreter exits (workers shut down)")
    shutil.rmtree(output, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeline", action="store_true")
    args = parser.parse_args()
    if args.timeline:
        timeline()
    else:
        wall_runs(args.runs)


if __name__ == "__main__":
    main()
