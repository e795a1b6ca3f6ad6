"""Children die with their parent: a watchdog process that outlives `qingyang run`'s
process for as long as it takes to kill what that process started.

`qingyang run` starts children it does not control the start of: the validation worker,
multiprocessing's resource tracker, Dask workers (and Prefect's temporary API server where
the shared local API cannot run, `qingyang.local_api`, which is left alone). If the
run is killed with SIGKILL, no handler of its own runs, and they would live on (~800 MB).
So `start()` marks the run's environment (every child inherits it) and starts this module
as a process of its own session (Ctrl-C and the terminal's hang-up do not reach it). It
polls its parent; once the parent is gone, for whatever reason, it kills every process
still carrying the mark, then exits. Linux only (it reads /proc); elsewhere it is off.
"""

import os
import signal
import subprocess
import sys
import time

MARK = "QINGYANG_RUN_MARK"
POLL_SECONDS = 0.5


def start() -> subprocess.Popen | None:
    """Mark this process's environment and start its watchdog (None where /proc is not,
    or when this process has one already). A mark inherited from a parent is replaced:
    this process gets a watchdog of its own."""
    if not os.path.isdir("/proc/self") or \
            os.environ.get(MARK, "").startswith(f"{os.getpid()}-"):
        return None
    mark = f"{os.getpid()}-{time.time_ns()}"
    os.environ[MARK] = mark
    env = {k: v for k, v in os.environ.items() if k != MARK}
    return subprocess.Popen(
        [sys.executable, "-m", "qingyang.watchdog", str(os.getpid()), mark],
        env=env, start_new_session=True, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def marked(mark: str) -> list[int]:
    """The processes whose environment carries `mark` (not this one)."""
    wanted = f"{MARK}={mark}".encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as stream:
                environ = stream.read()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if wanted in environ.split(b"\0"):
            found.append(int(name))
    return found


def kill_marked(mark: str) -> list[int]:
    """SIGKILL every process carrying `mark`, twice over (a child may start one more)."""
    killed = []
    for _ in range(2):
        for pid in marked(mark):
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except ProcessLookupError:
                continue
        time.sleep(POLL_SECONDS)
    return killed


def watch(parent: int, mark: str) -> None:
    """Wait for `parent` to go (this process is then adopted by another), then kill its
    children."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    kill_marked(mark)


if __name__ == "__main__":
    watch(int(sys.argv[1]), sys.argv[2])
