"""The validation worker: a process of its own where Great Expectations runs.

Great Expectations costs ~3 s of CPU to import; in its own process that runs beside the
caller's work on another core instead of taking turns with it for the GIL.

The worker is shut down when its caller ends, however that caller was started: at
interpreter exit (a `qingyang run`), and also at the end of a multiprocessing child (a run
that `qingyang serve` started, which Prefect runs in a spawned process). Such a child joins
its own children *before* the interpreter shuts executors down, so without a finalizer of
its own the child waited for the worker and the worker for the child, for ever.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import multiprocessing
import multiprocessing.util
from concurrent.futures import ProcessPoolExecutor

from expectations.runner import warm_up

_validator: ProcessPoolExecutor | None = None

# Finalizers with a higher priority run first; this one has nothing to wait for.
_SHUTDOWN_PRIORITY = 100


def _start_validator() -> None:
    """The validation worker's start: import Great Expectations and `warm_up` while the
    caller starts Prefect and cleans pages; make the worker's exit quick.

    At exit the interpreter's last garbage collections walk every object Great Expectations
    created (~2 s); the caller waits for that when it shuts the worker down. `gc.freeze` at
    exit leaves them out of those collections (registered first, it runs last).
    """
    atexit.register(gc.freeze)
    importlib.import_module("great_expectations")
    warm_up()


def preload() -> ProcessPoolExecutor:
    """The validation worker, started once (later calls return it, until `shutdown`): it
    imports Great Expectations and warms up as soon as it starts. Run suites there with
    `in_validator`.
    """
    global _validator
    if _validator is None:
        _validator = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_validator)
        _validator.submit(int)  # the pool starts its process on the first job: now
        # Run by multiprocessing before a child process joins its children, and at exit.
        multiprocessing.util.Finalize(None, shutdown, exitpriority=_SHUTDOWN_PRIORITY)
    return _validator


def shutdown() -> None:
    """Stop the validation worker, if one runs, and wait for its process to exit. Safe to
    call more than once; a later `preload` starts a new worker."""
    global _validator
    validator, _validator = _validator, None
    if validator is not None:
        validator.shutdown(wait=True, cancel_futures=True)


def in_validator(function, *args):
    """`function(*args)` run in the validation worker (see `preload`); its result."""
    return preload().submit(function, *args).result()
