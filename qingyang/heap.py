"""The objects a process holds for its whole life, set aside from the garbage collector.

After start-up a run's processes hold a few hundred thousand objects that live until exit
(the modules of Prefect, pydantic, pandas, pyarrow and ours, their classes, settings and
compiled patterns). Python's full collections walk all of them every time: in a run they
came to ~100 ms each, four of them while the CLI imported its modules. So the CLI's run
defers collections while it starts (`defer_collection`), and `freeze_long_lived` collects
once, then moves what is left into the permanent generation (`gc.freeze`), which
collections skip; the pages' and articles' objects made afterwards are collected as before.
"""

import gc

_frozen = False


def defer_collection() -> None:
    """No garbage collections until `freeze_long_lived` (a process about to import the
    modules it keeps to its end: what it makes meanwhile lives on, or is freed by its
    reference count)."""
    if not _frozen:
        gc.disable()


def freeze_long_lived() -> None:
    """Collect, then freeze every object alive now; once per process (later calls do
    nothing). Call it when the process has imported what it works with: the CLI before the
    flow starts, a worker at its first task."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()
    gc.enable()
