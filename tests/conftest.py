"""Shared fixtures. Flow tests use `prefect_harness`: one temporary Prefect API per session.

The tests never touch the user's Prefect: every PREFECT_* setting of the environment is
dropped, and Prefect's home (its database, and the local API that `qingyang run` started
in a subprocess shares, `qingyang.local_api`) is a folder of this session, removed at its
end with the local API stopped.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

for _name in [name for name in os.environ if name.startswith("PREFECT_")]:
    del os.environ[_name]
SESSION_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="qingyang-tests-prefect-"))
os.environ["PREFECT_HOME"] = str(SESSION_PREFECT_HOME)
os.environ["PREFECT_PROFILES_PATH"] = str(SESSION_PREFECT_HOME / "profiles.toml")
# The session stops the local API at its end; this stops it should the session be killed.
os.environ["QINGYANG_API_IDLE_SECONDS"] = "60"
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"


@pytest.fixture(scope="session", autouse=True)
def session_prefect_home():
    """The session's Prefect home; its local API (if a test started one) is stopped after."""
    from qingyang import local_api

    yield SESSION_PREFECT_HOME
    state = local_api.read_state(SESSION_PREFECT_HOME)
    if state is not None:
        local_api.stop_server(state)
    shutil.rmtree(SESSION_PREFECT_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_harness():
    """A real Prefect API on a temporary SQLite database for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
