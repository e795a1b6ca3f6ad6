"""The local Prefect API that `qingyang run` reports to when the user names none.

Prefect's own temporary API costs every run a server start (~2.5 s of CPU, more on a
fresh database, which it migrates first). Instead, the first run that needs an API starts
one here, in a process of its own, and the runs after it use the same one:

- It lives in Prefect's home (`prefect_home`: `PREFECT_HOME`, else the user's cache
  folder), so its SQLite database is created and migrated once, not per run.
- `attach` finds it through a state file the server writes (pid, address, Prefect
  version), checks that it answers, starts one when none does (or an old one is of
  another Prefect version, or hung), and takes a lease on it: a file this process holds an
  OS lock on until it exits, however it exits. All of that holds a lock file, so two runs
  starting at once start one server.
- The server stops itself when no lease has been held for `QINGYANG_API_IDLE_SECONDS`
  (600 by default; 0: as soon as the last run ends). It deletes its state file first,
  under the same lock, so a run never attaches to a server that is about to stop.

POSIX only (it needs `fcntl` locks); elsewhere, or where the home's file system refuses
locks, `attach` returns None and Prefect starts its temporary API as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no shared server
    fcntl = None

from qingyang.exitcodes import ApiUnreachable

IDLE_ENV = "QINGYANG_API_IDLE_SECONDS"
DEFAULT_IDLE_SECONDS = 600
STATE_FILE = "qingyang-api.json"
LOCK_FILE = "qingyang-api.lock"
LOG_FILE = "qingyang-api.log"
LEASES_DIR = "qingyang-api-leases"
# How often the server looks at its leases, and how long a health check may take.
POLL_SECONDS = 1.0
HEALTH_SECONDS = 5.0
# What Prefect's temporary server is told (`SubprocessASGIServer`): no UI, ephemeral
# services only, one app per process.
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
              "PREFECT__SERVER_FINAL": "1"}

_leases: dict[str, int] = {}  # this process's lease file per home, locked until it exits


class LocalApiError(ApiUnreachable):
    """The local API did not start; the message names its log file."""


def prefect_home() -> Path:
    """Prefect's home for qingyang's runs: `PREFECT_HOME` when set, else
    `$XDG_CACHE_HOME/qingyang/prefect` (`~/.cache/qingyang/prefect`)."""
    if os.environ.get("PREFECT_HOME"):
        return Path(os.environ["PREFECT_HOME"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "qingyang" / "prefect"


def unused_ca_file(home: Path) -> Path:
    """A CA file of one certificate (the first of certifi's bundle), in `home`, for
    PREFECT_API_SSL_CERT_FILE while the API is this module's plain-HTTP server.

    Prefect's client builds a TLS context for every client it makes (two per task run in
    a process or Dask worker), loading the whole CA bundle each time (~22 ms, one
    certificate: ~0.6 ms), whether or not the URL is https. Over http:// no certificate
    is ever checked, so which one the context holds does not matter.
    """
    import certifi

    path = home / "unused-ca.pem"
    if not path.is_file():
        bundle = Path(certifi.where()).read_text("ascii")
        end = "-----END CERTIFICATE-----"
        first = bundle[bundle.index("-----BEGIN CERTIFICATE-----"):bundle.index(end) + len(end)]
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=home, delete=False, suffix=".tmp") as out:
            out.write(first + "\n")
        os.replace(out.name, path)
    return path


def use_persistent_home() -> Path:
    """Set `PREFECT_HOME` to `prefect_home()` unless the user set it, and create it. The
    user's Prefect profiles (`~/.prefect/profiles.toml`) still apply: an API URL there is
    used as before. Must run before `prefect` is imported."""
    home = prefect_home()
    if not os.environ.get("PREFECT_HOME"):
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only cache folder: a private one under the temp folder
            home = _private_temp_home()
        profiles = Path.home() / ".prefect" / "profiles.toml"
        if profiles.is_file():
            os.environ.setdefault("PREFECT_PROFILES_PATH", str(profiles))
        os.environ["PREFECT_HOME"] = str(home)
    home.mkdir(parents=True, exist_ok=True)
    return home


def _private_temp_home() -> Path:
    """`qingyang-prefect-<uid>` under the temp folder when it is this user's alone (mode
    0700): another user could have made it first and planted a state file naming their
    server; else a fresh folder of its own."""
    user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    home = Path(tempfile.gettempdir()) / f"qingyang-prefect-{user}"
    try:
        home.mkdir(mode=0o700, exist_ok=True)
        info = home.lstat()
        if not home.is_symlink() and info.st_uid == os.getuid() and info.st_mode & 0o077 == 0:
            return home
    except (OSError, AttributeError):
        pass
    return Path(tempfile.mkdtemp(prefix="qingyang-prefect-"))


def idle_seconds() -> float:
    """How long the server waits, unused, before it stops (`QINGYANG_API_IDLE_SECONDS`)."""
    try:
        return max(0.0, float(os.environ.get(IDLE_ENV, DEFAULT_IDLE_SECONDS)))
    except ValueError:
        return float(DEFAULT_IDLE_SECONDS)


def attach(home: Path, timeout: float = 120.0, env: dict | None = None) -> str | None:
    """The URL of the local API under `home`, started when none answers, with a lease on
    it for this process's lifetime. None where leases cannot be held (no `fcntl`).

    `env`: the server's environment when one is started (default: this process's).
    """
    if fcntl is None:
        return None
    from filelock import FileLock

    try:
        home.mkdir(parents=True, exist_ok=True)
        with FileLock(home / LOCK_FILE):
            state = read_state(home)
            if state is None or not answers(state):
                if state is not None:
                    _stop_unless_used(home, state)
                state = start_server(home, timeout, env)
            take_lease(home)
    except OSError:  # no locks on this file system (some NFS set-ups), or no room
        return None
    return state["url"]


def _stop_unless_used(home: Path, state: dict) -> None:
    """Stop a server that does not answer (hung, or of another Prefect version), unless runs
    still use it: a second server on the same database would fight it for its SQLite file,
    so then the run stops with one line instead."""
    pid = state.get("pid", 0)
    users = live_leases(home)
    if users and pid_alive(pid) and _is_local_api(pid):
        raise LocalApiError(
            f"the local Prefect API at {state.get('url')} (pid {pid}) does not answer while "
            f"{users} run(s) use it; wait for them, or stop it with "
            f"`python -m qingyang.local_api stop` (log: {home / LOG_FILE})")
    stop_server(state)


def read_state(home: Path) -> dict | None:
    """The state file of the server under `home` (pid, url, prefect), if any (a file that
    is not such an object counts as none)."""
    try:
        state = json.loads((home / STATE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not isinstance(state.get("url"), str) \
            or not isinstance(state.get("pid"), int):
        return None
    return state


def answers(state: dict) -> bool:
    """Whether the server of `state` is alive, of this Prefect version, and healthy."""
    import httpx

    if state.get("prefect") != version("prefect") or not pid_alive(state.get("pid", 0)):
        return False
    try:
        return httpx.get(f"{state['url']}/health", timeout=HEALTH_SECONDS).status_code == 200
    except httpx.HTTPError:
        return False


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process now
        return False
    return True


def start_server(home: Path, timeout: float, env: dict | None = None) -> dict:
    """Start the server process (its own session: no terminal signal or watchdog reaches
    it) and wait until it has named itself in the state file and answers."""
    from qingyang.watchdog import MARK

    (home / STATE_FILE).unlink(missing_ok=True)
    log = home / LOG_FILE
    server_env = {k: v for k, v in (env or os.environ).items()
                  if k != MARK and k != "PREFECT_API_URL"}
    server_env.update(SERVER_ENV, PREFECT_HOME=str(home))
    server_env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no phoning home
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "qingyang.local_api", str(home)], env=server_env,
            stdin=subprocess.DEVNULL, stdout=output, stderr=output,
            start_new_session=True, cwd=home)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LocalApiError(f"the local Prefect API exited at start (code "
                                f"{process.returncode}); see {log}")
        state = read_state(home)
        if state is not None and state.get("pid") == process.pid and answers(state):
            return state
        time.sleep(0.1)
    process.kill()
    raise LocalApiError(f"the local Prefect API did not answer within {timeout:.0f} s; "
                        f"see {log}")


def stop_server(state: dict, wait: float = 10.0) -> None:
    """SIGTERM the server of `state` if it is a qingyang local API, and wait for it."""
    pid = state.get("pid", 0)
    if not pid_alive(pid) or not _is_local_api(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)


def _is_local_api(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as stream:
            return b"qingyang.local_api" in stream.read()
    except OSError:
        return sys.platform != "linux"  # no /proc to ask: trust the state file


def take_lease(home: Path) -> None:
    """A lease file locked by this process until it exits (the lock goes with it, even on
    kill -9). Locked before it gets its name, so the server never sees it unlocked. One per
    home: a long-lived process (`serve`) that attaches again holds the one it has."""
    if str(home) in _leases:
        return
    leases = home / LEASES_DIR
    leases.mkdir(exist_ok=True)
    name = f"{os.getpid()}-{time.time_ns()}"
    hidden = leases / f".{name}"
    fd = os.open(hidden, os.O_CREAT | os.O_WRONLY, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.rename(hidden, leases / name)
    _leases[str(home)] = fd


def live_leases(home: Path) -> int:
    """How many lease files under `home` are held; the others (their holders gone) are
    removed."""
    held = 0
    leases = home / LEASES_DIR
    for path in leases.iterdir() if leases.is_dir() else []:
        if path.name.startswith("."):
            continue
        try:
            fd = os.open(path, os.O_WRONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held += 1
        else:
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)
    return held


def write_state(home: Path, state: dict) -> None:
    """The state file, written whole (temporary name, then rename)."""
    temporary = home / f".{STATE_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(state), "utf-8")
    os.replace(temporary, home / STATE_FILE)


def release_if_idle(home: Path) -> bool:
    """Under the lock, with no lease held: remove this server's state file and say so
    (the server then stops). False when a run holds the lock or a lease."""
    from filelock import FileLock, Timeout

    try:
        with FileLock(home / LOCK_FILE, timeout=0):
            if live_leases(home):
                return False
            state = read_state(home)
            if state is not None and state.get("pid") == os.getpid():
                (home / STATE_FILE).unlink(missing_ok=True)
            return True
    except Timeout:
        return False


async def stop_when_idle(server, home: Path, idle: float) -> None:
    """Set `server.should_exit` once no lease has been held for `idle` seconds."""
    last_used = time.monotonic()
    while not server.should_exit:
        await asyncio.sleep(POLL_SECONDS)
        if live_leases(home):
            last_used = time.monotonic()
        elif time.monotonic() - last_used >= idle and release_if_idle(home):
            server.should_exit = True


async def serve(home: Path) -> None:
    """The server process: Prefect's API app on a free port of 127.0.0.1, named in the
    state file, until it has been idle long enough or is sent SIGTERM."""
    import uvicorn

    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(
        "prefect.server.api.server:create_app", factory=True, log_level="error",
        lifespan="on"))
    write_state(home, {"pid": os.getpid(), "url": f"http://127.0.0.1:{port}/api",
                       "prefect": version("prefect")})
    watcher = asyncio.create_task(stop_when_idle(server, home, idle_seconds()))
    try:
        await server.serve(sockets=[listening])
    finally:
        watcher.cancel()
        with contextlib.suppress(Exception):
            state = read_state(home)
            if state is not None and state.get("pid") == os.getpid():
                (home / STATE_FILE).unlink(missing_ok=True)


def stop_command() -> int:
    """`python -m qingyang.local_api stop`: stop the local API of `prefect_home()`, if one
    runs (before removing the home to reset it)."""
    state = read_state(prefect_home())
    if state is None or not pid_alive(state.get("pid", 0)):
        print("qingyang: no local Prefect API is running", file=sys.stderr)
        return 0
    stop_server(state)
    print(f"qingyang: stopped the local Prefect API at {state['url']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        sys.exit(stop_command())
    asyncio.run(serve(Path(sys.argv[1])))
