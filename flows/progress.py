"""Progress events from a flow run to whoever listens in the same process (the CLI's bar).

The flow reports from its own process (never from tasks), so this works with every task
runner. With no listener, reporting does nothing.
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
