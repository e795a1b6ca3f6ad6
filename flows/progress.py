"""Progress events from a flow run to whoever listens in the same process.

The flow reports from its own process (never from tasks), so this works with every task
runner. Listeners: the CLI's progress bar, and `PrefectProgress`, which mirrors progress
into a progress artifact on the flow run (the bar in the Prefect UI). With no listener,
reporting does nothing.
"""

from collections.abc import Callable

Listener = Callable[[str, int, int], None]

_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def report(stage: str, done: int, total: int) -> None:
    """Tell listeners that `done` of `total` units of `stage` are finished."""
    for listener in list(_listeners):
        listener(stage, done, total)


class PrefectProgress:
    """A listener that keeps a Prefect progress artifact up to date, every STEP percent
    at most (each update is an API call)."""

    STEP = 5.0

    def __init__(self, key: str = "qingyang-progress"):
        from prefect.artifacts import create_progress_artifact

        self.artifact_id = create_progress_artifact(
            0.0, key=key, description="share of input files read and cleaned")
        self.shown = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        from prefect.artifacts import update_progress_artifact

        percent = 100.0 * done / total if total else 100.0
        if percent - self.shown >= self.STEP or (percent == 100.0 and self.shown < 100.0):
            update_progress_artifact(self.artifact_id, percent)
            self.shown = percent
