"""`qingyang run | validate | serve`: the CLI side of the flows (progress bar, summary, exit)."""

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from pathlib import Path

from qingyang import heap, local_api, watchdog
from qingyang.exitcodes import ApiUnreachable, Exit, QingyangError, write_error

# How long the check of a user's PREFECT_API_URL waits for an answer.
API_CHECK_SECONDS = 10
# How long `qingyang serve` waits for its runner to stop after a signal.
SERVE_STOP_SECONDS = 10

# What Prefect's temporary local API says while it shuts down; not the user's problem.
_SHUTDOWN_NOISE = ("database is locked", "CancelledError", "Event loop is closed",
                   "Still processing items")


class _DropShutdownNoise(logging.Filter):
    """Drops Prefect's shutdown noise, and its tracebacks of the named errors that the
    CLI prints as one line (`qingyang.exitcodes`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, asyncio.CancelledError | QingyangError):
            return False
        if isinstance(exc, OSError) and write_error("", exc) is not None:
            return False  # a full disk met while Prefect writes the cache: the run says it
        text = record.getMessage() + (f" {exc!r}" if exc else "")
        if any(f"{name}(" in text or f"{name}:" in text for name in _named_errors()):
            return False  # "Finished in state Failed('… CorruptParquet: …')"
        return not any(noise in text for noise in _SHUTDOWN_NOISE)


def _named_errors() -> list[str]:
    return [kind.__name__ for kind in QingyangError.__subclasses__()]


def configure_environment(verbose: bool = False) -> None:
    """Prefect's home made persistent (`qingyang.local_api`); no phoning home; the terminal
    shows Prefect's warnings and up only (its INFO logs still reach the API, and so the UI
    of a server); shutdown noise filtered out.

    Must run before `prefect` is imported: Prefect reads these settings at import.
    """
    local_api.use_persistent_home()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect waits 20 s for its temporary server; on a busy 2-core machine its start-up
    # (~7 s of CPU) has taken longer, and the run failed before reading a page.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "ERROR")
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # read at its import
    import prefect  # noqa: F401  (sets up Prefect's logging, which the filter attaches to)

    quiet = _DropShutdownNoise()
    # The run loggers exist only once a run starts; their records carry the tracebacks.
    names = {*logging.root.manager.loggerDict, "prefect.flow_runs", "prefect.task_runs",
             "EventsWorker"}  # its "Still processing items" at exit after a failed run
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in sorted(names))]
    for logger in loggers:
        logger.addFilter(quiet)
        for handler in logger.handlers:
            handler.addFilter(quiet)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    logging.getLogger("great_expectations").setLevel(logging.WARNING if not verbose else
                                                     logging.INFO)


def make_task_runner(kind: str, workers: int, dask_address: str | None = None):
    """The task runner for `--task-runner`: threads, processes, or Dask (address or local)."""
    if kind == "thread":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "process":
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=workers)
    if kind == "dask":
        from flows.dask_runner import UnhashedDaskTaskRunner

        if dask_address:
            return UnhashedDaskTaskRunner(address=dask_address)
        start_dask_worker_template()
        return UnhashedDaskTaskRunner(cluster_kwargs={"n_workers": workers,
                                                      "threads_per_worker": 1,
                                                      "dashboard_address": None})
    raise ValueError(f"unknown task runner {kind!r}")


# What the process local Dask workers fork from imports: Dask's worker, and the work
# the workers would each do before their first task (`flows.worker_template`).
DASK_WORKER_PRELOAD = ("distributed", "prefect_dask", "flows.worker_template")
# How often each worker's nanny, in this process, reads its worker's memory (Dask: 100 ms).
DASK_MEMORY_MONITOR_INTERVAL = "1s"


def start_dask_worker_template() -> None:
    """Local Dask workers forked from one template process that has imported the flow's
    modules (multiprocessing's forkserver), started now: the imports (~2 s of CPU) are
    paid once, beside this process's start-up, not by each worker at its first task.
    Also, the nannies (in this process) read their workers' memory every second.

    Dask, at its first worker, would set the template's preload to its own list, and to
    make it import here each package it names (pandas among them: ~0.3 s of this
    process's CPU, which never needs pandas); told its preload is set, it leaves ours."""
    import multiprocessing.forkserver

    import dask
    import distributed.utils

    dask.config.set({"distributed.worker.multiprocessing-method": "forkserver",
                     "distributed.worker.memory.monitor-interval":
                         DASK_MEMORY_MONITOR_INTERVAL})
    if hasattr(distributed.utils, "_forkserver_preload_set"):
        distributed.utils._forkserver_preload_set = True
    else:  # another distributed: its own list first, then ours over it
        distributed.utils.get_mp_context()
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(DASK_WORKER_PRELOAD))
    multiprocessing.forkserver.ensure_running()


def connect_api() -> str | None:
    """The Prefect API of this run. The user's (PREFECT_API_URL, or their profile's), checked
    first: its URL is returned. Else the shared local API (`qingyang.local_api`), started if
    none is up, named in PREFECT_API_URL for this process and its workers: None. Where that
    cannot be (no `fcntl`), Prefect's temporary API, shared with the workers: None.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    if PREFECT_API_URL.value():
        check_api()
        return PREFECT_API_URL.value()
    url = local_api.attach(local_api.prefect_home(),
                           timeout=PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    if url is None:
        share_temporary_api()
        return None
    from prefect.context import refresh_global_settings_context

    os.environ["PREFECT_API_URL"] = url
    if url.startswith("http://"):  # no TLS: the CA bundle Prefect loads per client is unused
        os.environ.setdefault("PREFECT_API_SSL_CERT_FILE",
                              str(local_api.unused_ca_file(local_api.prefect_home())))
    refresh_global_settings_context()  # Prefect read its settings at import
    return None


def flow_run_link(api_url: str | None, state) -> str | None:
    """The address of the run's page in Prefect's UI, when the run reported to a server
    that has a UI (the user's; the local API has none): Prefect Cloud, a PREFECT_UI_URL the
    user set, or a server whose UI answers."""
    import httpx
    from prefect.settings import PREFECT_CLOUD_API_URL, PREFECT_UI_URL

    flow_run_id = getattr(state.state_details, "flow_run_id", None)
    ui_url = PREFECT_UI_URL.value()
    if not api_url or not ui_url or flow_run_id is None:
        return None
    has_ui = api_url.startswith(PREFECT_CLOUD_API_URL.value()) or "PREFECT_UI_URL" in os.environ
    if not has_ui:
        try:
            has_ui = httpx.get(f"{ui_url.rstrip('/')}/ui-settings",
                               timeout=API_CHECK_SECONDS).status_code == 200
        except httpx.HTTPError:
            has_ui = False
    return f"{ui_url.rstrip('/')}/runs/flow-run/{flow_run_id}" if has_ui else None


def check_api() -> None:
    """A PREFECT_API_URL that nothing answers at is named in one line (ApiUnreachable),
    before any work; only a failed connection counts, not what a server answers."""
    import httpx
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        return
    try:
        httpx.get(f"{url.rstrip('/')}/health", timeout=API_CHECK_SECONDS)
    except httpx.TransportError as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ApiUnreachable(f"PREFECT_API_URL {url}: no Prefect API answers ({reason})"
                             ) from err


def failure_of(state) -> QingyangError | None:
    """The named error a failed flow run ended with, if it is one (disk full, corrupt
    Parquet, a lost API), else None."""
    try:
        error = state.result(raise_on_failure=False)
    except Exception:  # the result itself cannot be read back
        return None
    if isinstance(error, QingyangError):
        return error
    import httpx

    if isinstance(error, httpx.TransportError):
        from prefect.settings import PREFECT_API_URL

        return ApiUnreachable(f"PREFECT_API_URL {PREFECT_API_URL.value()}: the Prefect API "
                              f"stopped answering ({type(error).__name__})")
    return None


def share_temporary_api() -> None:
    """Where the shared local API cannot be (no `fcntl`): start Prefect's temporary local
    API now and name it in PREFECT_API_URL, so that worker processes (process and Dask
    runners) report to it. Without this, each spawned worker finds no API URL and starts a
    temporary server of its own, and its task runs are missing from the run. A user's own
    PREFECT_API_URL is left as it is.
    """
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return
    server = SubprocessASGIServer()
    server.start()  # Prefect stops it at exit
    os.environ["PREFECT_API_URL"] = server.api_url


def _summary_table(summary: dict, wall: float):
    """The run summary as a terminal table: the lines of `flows.summary.summary_rows`, the
    ones the Prefect artifact shows."""
    from rich.table import Table

    from flows.summary import summary_rows

    table = Table(title="qingyang run", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    for what, value in summary_rows(summary, wall):
        shown = f"[red]{value}[/red]" if what == "quarantined" and summary["quarantined"] else value
        table.add_row(what, shown)
    return table


def run_command(args: argparse.Namespace) -> int:
    heap.defer_collection()  # until the flow starts, after the imports (`qingyang.heap`)
    from rich.console import Console

    from cleaners import ProfileError, load_profile
    from expectations import Policy
    from flows.inputs import NoInputs, check_inputs

    console, errors = Console(), Console(stderr=True, soft_wrap=True)
    try:
        load_profile(args.profile)
        Policy(args.on_invalid, args.max_invalid_share)
        check_inputs(args.inputs)
    except (ProfileError, NoInputs, ValueError) as err:
        errors.print(f"qingyang: {err}", markup=False, highlight=False)
        return Exit.USAGE
    watchdog.start()  # the children started from here on die with this process
    configure_environment()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from flows import progress
    from flows.pipeline import clean_pages

    user_api = connect_api()
    runner = make_task_runner(args.task_runner, args.workers, args.dask_address)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   console=console, transient=True, disable=args.no_progress)
    job = bar.add_task("starting Prefect", total=None)

    def on_progress(stage: str, done: int, total: int) -> None:
        bar.update(job, description=f"cleaning {stage}", completed=done, total=total)

    started = time.perf_counter()
    progress.subscribe(on_progress)
    try:
        with bar:
            state = clean_pages.with_options(task_runner=runner)(
                inputs=list(args.inputs), output_dir=args.output, profile=args.profile,
                batch_size=args.batch_size, on_invalid=args.on_invalid,
                max_invalid_share=args.max_invalid_share, return_state=True)
    finally:
        progress.unsubscribe(on_progress)
    wall = time.perf_counter() - started
    summary = state.result(raise_on_failure=False)
    link = flow_run_link(user_api, state)
    if not isinstance(summary, dict):  # the flow itself failed: no summary to show
        if link:
            errors.print(f"qingyang: the flow run in Prefect's UI: {link}", markup=False,
                         highlight=False)
        named = failure_of(state)
        if named is not None:
            raise named
        errors.print(f"qingyang: run failed: {state.message}", markup=False, highlight=False)
        return Exit.FAILED
    console.print(_summary_table(summary, wall))
    if link:
        console.print(f"flow run in Prefect's UI: {link}", markup=False, highlight=False,
                      soft_wrap=True)
    if summary["validation_failed"]:
        errors.print(f"qingyang: pages {summary['validation']}; articles "
                     f"{summary['articles_validation']}; see {summary['reports_path']}",
                     markup=False, highlight=False)
    if summary["quarantined"]:
        for item in summary["quarantined"]:
            errors.print(f"qingyang: quarantined {item['source_path']}: {item['reason']}",
                         markup=False, highlight=False)
        errors.print(f"qingyang: partial run: {len(summary['quarantined'])} input(s) "
                     f"quarantined, see {summary['quarantine_path']}",
                     markup=False, highlight=False)
    if summary["validation_failed"]:
        return Exit.FAILED
    return Exit.PARTIAL if summary["quarantined"] else Exit.OK


def serve_command(args: argparse.Namespace) -> int:
    """Serve `clean_pages` as a deployment on `--cron` until SIGINT or SIGTERM.

    Without a server of the user's it serves on the local API (`connect_api`), which runs
    no scheduler: runs started by hand run, the cron schedule does not; it says so.
    """
    configure_environment(verbose=True)
    if connect_api() is None:
        print(f"qingyang: no PREFECT_API_URL: serving on the local Prefect API at "
              f"{os.environ.get('PREFECT_API_URL', '(temporary)')}, which runs no scheduler: "
              f"runs started with `prefect deployment run` (PREFECT_API_URL set to that "
              f"address) run, the cron schedule needs a `prefect server start`",
              file=sys.stderr)
    from flows.pipeline import clean_pages

    parameters = {
        "inputs": [str(Path(spec).absolute()) for spec in args.inputs],
        "output_dir": str(Path(args.output).absolute()),
        "profile": args.profile,
    }
    stopped_by = asyncio.run(serve_until_signalled(clean_pages, args.name, args.cron,
                                                   parameters))
    print(f"qingyang: serve stopped ({stopped_by})", file=sys.stderr)
    return Exit.OK


async def serve_until_signalled(flow, name: str, cron: str, parameters: dict) -> str:
    """Serve `flow` as the deployment `name` on `cron` until SIGINT or SIGTERM; then stop
    the runner (its runs are cancelled, its schedule paused) and return the signal's name.

    Not `flow.serve`: Prefect's runner answers SIGTERM by calling its sync `stop` inside
    the running event loop, which only makes a coroutine that nobody awaits ("coroutine
    'Runner.astop' was never awaited"), and the process hung. Here both signals resolve a
    future in the loop, and the runner is stopped with `astop`.
    """
    from prefect.runner import Runner

    loop = asyncio.get_running_loop()
    received: asyncio.Future[str] = loop.create_future()

    def on_signal(signum: signal.Signals) -> None:
        if not received.done():
            received.set_result(signum.name)

    def take_signals() -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, on_signal, signum)

    runner = Runner(name=name, pause_on_shutdown=True)
    await runner.aadd_flow(flow, name=name, cron=cron, parameters=parameters)
    take_signals()
    serving = asyncio.ensure_future(runner.start())
    await asyncio.sleep(0)  # `start` puts its own SIGTERM handler in place first: replace it
    take_signals()
    while not (runner.started or serving.done() or received.done()):
        await asyncio.sleep(0.05)  # until it serves: `astop` refuses a runner not started
    if runner.started and not received.done():
        print(f"Serving {flow.name}/{name} on {cron!r}; stop with Ctrl-C or SIGTERM "
              f"(run it now: prefect deployment run '{flow.name}/{name}')", flush=True)
    await asyncio.wait([serving, received], return_when=asyncio.FIRST_COMPLETED)
    if serving.done():
        serving.result()  # the runner's error, if it ended with one
        return "the runner ended"
    if runner.started:
        await runner.astop()
    else:  # signalled while starting: nothing runs yet
        serving.cancel()
    with contextlib.suppress(TimeoutError, asyncio.CancelledError):
        await asyncio.wait_for(serving, SERVE_STOP_SECONDS)  # cancelled when it times out
    return received.result()
