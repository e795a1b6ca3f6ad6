"""Bounded read-ahead: submit work a few items ahead of the one being collected, and
guided grouping: items in groups that shrink towards the end.

The flow hands batches to workers through `bounded_map`: enough are submitted to keep
every worker busy, few enough that the flow never holds the whole run's futures.
`guided_groups` makes a task of a few batches while many remain (a task run has a cost of
its own) and of one batch at the end (so no worker waits long on the last one).
"""

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def guided_groups(items: Sequence[T], largest: int, share: int) -> list[list[T]]:
    """Consecutive groups of `items`, in order: each holds a `share`-th of the items
    still left, at least one and at most `largest`.

    >>> [len(g) for g in guided_groups(range(16), largest=4, share=4)]
    [4, 3, 2, 1, 1, 1, 1, 1, 1, 1]
    >>> guided_groups("abc", largest=4, share=4)
    [['a'], ['b'], ['c']]
    """
    groups, start = [], 0
    while start < len(items):
        size = max(1, min(largest, (len(items) - start) // max(share, 1)))
        groups.append(list(items[start:start + size]))
        start += size
    return groups


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
