"""Prefect's Dask task runner, submitting each task run under a key of its own.

`distributed.Client.submit` names a call by hashing it unless told the call is not pure:
the function and every argument, which for a Prefect task run are the task itself
(pickled to be hashed), its parameters and Prefect's serialised context (every setting).
The hash cost the flow's process about a quarter of each submit's CPU. A task run is never
the same call twice (each carries its own run id), so a fresh key loses nothing.
"""

from prefect_dask import DaskTaskRunner
from prefect_dask.task_runners import PrefectDaskFuture


class UnhashedDaskTaskRunner(DaskTaskRunner):
    """`DaskTaskRunner` whose task runs go to Dask as impure calls (no hash of the call)."""

    def submit(self, task, parameters, wait_for=None, dependencies=None):
        if not self._started:
            raise RuntimeError("The task runner must be started before submitting work.")
        future = self.client.submit(
            task, parameters=self._optimize_futures(parameters),
            wait_for=self._optimize_futures(wait_for) if wait_for else None,
            dependencies=dependencies, return_type="state", pure=False)
        return PrefectDaskFuture(wrapped_future=future, task_run_id=future.task_run_id)
