"""The flow on a Dask cluster, and a scheduled deployment on the test-harness Prefect API."""

from pathlib import Path

import pytest

from flows.commands import make_task_runner
from flows.pipeline import clean_pages

pytestmark = pytest.mark.usefixtures("prefect_harness")

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def unhashable(*args, **kwargs):
    raise AssertionError("a task run's call was hashed to name it")


def test_dask_local_cluster_of_two_workers(tmp_path, monkeypatch):
    # Task runs go to Dask as impure calls: their key is fresh, not a hash of the task,
    # its parameters and Prefect's context (`flows.dask_runner`).
    monkeypatch.setattr("distributed.client.tokenize", unhashable)
    runner = make_task_runner("dask", workers=2)
    assert runner.cluster_kwargs["n_workers"] == 2
    dask_out, thread_out = tmp_path / "dask", tmp_path / "thread"
    summary = clean_pages.with_options(task_runner=runner)(
        [str(SEEDS)], str(dask_out), batch_size=1)
    assert summary["ok"] and summary["batches"] == 5 and summary["rows_in_table"] == 5
    clean_pages([str(SEEDS)], str(thread_out), batch_size=1)
    def files(out):
        return {p.relative_to(out): p.read_bytes() for p in sorted((out / "pages").rglob("*"))
                if p.is_file()}

    assert files(dask_out) == files(thread_out)  # the same parts, byte for byte


def test_cron_deployment_has_scheduled_runs():
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    deployment = clean_pages.to_deployment(
        name="qingyang-test-nightly", cron="0 2 * * *",
        parameters={"inputs": [str(SEEDS)], "output_dir": "/tmp/qingyang-test-out"})
    deployment_id = deployment.apply()
    with get_client(sync_client=True) as client:
        stored = client.read_deployment(deployment_id)
        [schedule] = stored.schedules
        assert schedule.schedule.cron == "0 2 * * *" and schedule.active
        assert stored.parameters["inputs"] == [str(SEEDS)]
        # what the scheduler service does every few seconds on a real server
        response = client._client.post(f"/deployments/{deployment_id}/schedule",
                                       json={"min_runs": 3, "max_runs": 3})
        response.raise_for_status()
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=10)
    scheduled = sorted(run.expected_start_time for run in runs if run.state.is_scheduled())
    assert len(scheduled) >= 3
    assert all((t.hour, t.minute) == (2, 0) for t in scheduled)


STARTS_DASK_WORKERS = """
import sys
from flows.commands import make_task_runner
with make_task_runner("dask", workers=1) as runner:
    workers = len(runner.client.scheduler_info()["workers"])
print(workers, "pandas" in sys.modules)
"""


def test_starting_local_dask_workers_imports_no_pandas_here():
    """The local workers fork from a template that imports what they need; the process
    starting them (the CLI's) imports none of it on Dask's behalf."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", STARTS_DASK_WORKERS], capture_output=True,
                          text=True, timeout=300, cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "False"]
