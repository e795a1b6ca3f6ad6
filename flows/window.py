"""Bounded read-ahead: submit work a few items ahead of the one being collected.

The flow hands batches to workers through `bounded_map`: enough are submitted to keep
every worker busy, few enough that the flow never holds the whole run's futures.
"""

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def bounded_map(submit: Callable[[T], Any], items: Iterable[T], ahead: int) -> Iterator[Any]:
    """`submit(item).result()` for each item, in the items' order: `ahead` (at least one)
    are submitted at first, and the next one each time one is being collected, so at most
    `ahead` wait besides the one collected. Items are taken only as they are submitted.

    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as pool:
    ...     list(bounded_map(lambda n: pool.submit(pow, n, 2), range(5), ahead=2))
    [0, 1, 4, 9, 16]
    """
    items = iter(items)
    pending: deque = deque()

    def submit_next() -> None:
        for item in items:
            pending.append(submit(item))
            return

    for _ in range(max(ahead, 1)):
        submit_next()
    while pending:
        future = pending.popleft()
        submit_next()  # keep `ahead` in flight while this one is collected
        yield future.result()
