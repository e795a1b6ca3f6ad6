"""The objects a process holds for its whole life, set aside from the garbage collector.

After start-up a run's processes hold a few hundred thousand objects that live until exit
(the modules of Prefect, pydantic, pandas, pyarrow and ours, their classes, settings and
compiled patterns). Python's full collections walk all of them every time: in a run they
came to ~100 ms each, four of them while the CLI imported its modules. So the CLI's run
defers collections while it starts (`defer_collection`), and when the flow starts
`freeze_long_lived` collects once, then moves what is left into the permanent generation
(`gc.freeze`), which collections skip; the pages' and articles' objects made afterwards
are collected as before. A worker process a process or Dask runner starts does the same at
its first task.

Only processes qingyang owns are frozen: the CLI's and those workers. A flow called from
a user's own Python (a notebook, the tests) leaves that process's collector alone: objects
frozen there would never be collected, were they garbage later.
"""

import gc
import multiprocessing

_owned = False  # the CLI's process: `defer_collection` was called
_frozen = False


def defer_collection() -> None:
    """No garbage collections until `freeze_long_lived`, which will freeze this process:
    the CLI's, about to import the modules it keeps to its end (what it makes meanwhile
    lives on, or is freed by its reference count)."""
    global _owned
    if not _frozen:
        _owned = True
        gc.disable()


def freeze_long_lived() -> None:
    """Collect, then freeze every object alive now, once per process, in a process of
    qingyang's: the CLI's (`defer_collection`) or a worker process a task runner started;
    elsewhere, and on later calls, nothing. Called when the flow starts and at a task's."""
    global _frozen
    if _frozen or not (_owned or multiprocessing.parent_process() is not None):
        return
    _frozen = True
    gc.collect()
    gc.freeze()
    gc.enable()
