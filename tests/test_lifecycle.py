"""Processes end: the validation worker, served runs, `qingyang serve` on a signal."""

import multiprocessing

from expectations import worker


def _use_the_validator_then_return() -> None:
    """What a served flow run does in the process Prefect spawns for it."""
    assert worker.in_validator(abs, -3) == 3


def test_a_spawned_process_that_used_the_validation_worker_exits():
    """Prefect runs a served flow in a spawned process; such a process joins its children
    before it shuts executors down, so it used to wait on the worker for ever."""
    child = multiprocessing.get_context("spawn").Process(
        target=_use_the_validator_then_return)
    child.start()
    child.join(timeout=90)
    hung = child.is_alive()
    if hung:
        child.kill()
        child.join()
    assert not hung, "the process stayed alive waiting on the validation worker"
    assert child.exitcode == 0


def test_shutdown_stops_the_worker_and_preload_starts_a_new_one():
    first = worker.preload()
    assert worker.in_validator(abs, -2) == 2
    processes = list(first._processes.values())
    worker.shutdown()
    assert all(not process.is_alive() for process in processes)
    worker.shutdown()  # twice is harmless
    assert worker.preload() is not first
    worker.shutdown()
