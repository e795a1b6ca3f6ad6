"""Measure qingyang on one generated corpus, in one run, and print the table.

What it measures (every ratio from figures taken in this same run):

- cleaner throughput on one core: `cleaners.clean`, `jionlp.clean_text` and one
  `regex.sub` pass (the spacing rule's CJK-gap pattern) over the same pages;
- where `cleaners.clean` spends its time, rule by rule, and its hottest functions (cProfile);
- `qingyang run` end to end (read → clean → validate → Parquet) with the thread, process
  and Dask task runners at 1 and 2 workers, as a subprocess;
- the flow's overhead over bare `cleaners.clean` on the same pages (1 worker), and where
  the flow's CPU goes besides `clean`, phase by phase, without Prefect (`bench.phases`);
- peak resident memory of the `qingyang run` process tree on a small and a large input;
- Parquet write and DuckDB read-back of the pages written, and validation's share of a run;
- what scale-out gives: the coordinator's CPU share of a run (the `qingyang` process vs its
  process tree), the 2/1 worker speed-up per runner, and the speed-up Amdahl's law predicts
  at 16 and 64 workers from the measured serial share.

    python -m bench.run                      # full: 200 MB corpus, about 12 minutes on 2 cores
    python -m bench.run --memory-mb 50,500   # and the memory pair on 500 MB (about 25 minutes)
    python -m bench.run --quick              # quick: 20 MB corpus, about 4 minutes
    python -m bench.run --only runners --matrix-mb 20   # the runner matrix alone (~2 minutes)

Results go to bench/results/bench-<time>.json (and latest.json); nothing is committed.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

from bench import corpus as corpus_mod

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
QINGYANG = Path(sys.executable).parent / "qingyang"

# Sizes of each part, in MB of page text (UTF-8). Flow inputs are whole 5 MB shards.
MODES = {
    # The large memory run is the 200 MB overhead run itself (one run fewer: 50 → 200 MB shows
    # growth as well as 50 → 500 MB, and the full run stays within 15 minutes on 2 cores);
    # `--memory-mb 50,500` runs the pair (about 11 minutes more at today's flow speed).
    # The runner matrix runs 40 MB: on 10 MB the ~13 s of start-up every run pays (Prefect's
    # temporary server, imports) was most of each run, so 1 vs 2 workers measured start-up.
    "full": {
        "sample_mb": 20, "profile_mb": 2, "matrix_mb": 40,
        "overhead_mb": 200, "memory_mb": (50, 200),
    },
    "quick": {
        "sample_mb": 5, "profile_mb": 1, "matrix_mb": 5,
        "overhead_mb": 20, "memory_mb": (5, 20),
    },
}
RUNNERS = ("thread", "process", "dask")
# The runner of the overhead and memory runs: the cheapest one for one worker (no process
# start-up, no pickling), so they measure the flow rather than the runner.
OVERHEAD_RUNNER = "thread"

# The targets, each a ratio of two figures from the same run.
TARGETS = {
    "clean_vs_jionlp": ("≥", 1.5),
    "regex_floor_vs_clean": ("≤", 8.0),
    "flow_slowdown_vs_clean": ("≤", 1.2),
    "two_vs_one_worker": ("≥", 1.6),
    "memory_large_vs_small": ("≤", 1.2),
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- corpus -------------------------------------------------------------------------


@dataclass
class Corpus:
    path: Path
    manifest: dict

    def shards_for(self, mb: float) -> tuple[list[Path], int, int]:
        """The first shards holding at least `mb` MB of text: (files, pages, text bytes)."""
        files, pages, size = [], 0, 0
        for shard in self.manifest["shards"]:
            if size >= mb * 1e6:
                break
            files.append(self.path / shard["file"])
            pages += shard["pages"]
            size += shard["text_bytes"]
        return files, pages, size

    def pages(self, mb: float) -> list[str]:
        """Pages from the start of the corpus until `mb` MB of text."""
        out, size = [], 0
        for text in corpus_mod.iter_pages(self.path):
            if size >= mb * 1e6:
                break
            out.append(text)
            size += len(text.encode("utf-8"))
        return out


def nbytes(pages: list[str]) -> int:
    return sum(len(p.encode("utf-8")) for p in pages)


# -- cleaners -----------------------------------------------------------------------


def time_pages(function, pages: list[str]) -> float:
    """Seconds to call `function` on every page, after one warm-up call."""
    function(pages[0])
    started = time.perf_counter()
    for page in pages:
        function(page)
    return time.perf_counter() - started


def measure_cleaners(pages: list[str]) -> dict:
    from cleaners import clean
    from cleaners.spacing import GAP_BETWEEN_CJK

    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp
    size = nbytes(pages)
    out = {"sample_mb": size / 1e6, "pages": len(pages)}
    for name, function in (
        ("cleaners.clean", clean),
        ("jionlp.clean_text", jionlp.clean_text),
        ("regex.sub (one pass)", lambda page: GAP_BETWEEN_CJK.sub("", page)),
    ):
        seconds = time_pages(function, pages)
        out[name] = {"seconds": seconds, "mb_s": size / 1e6 / seconds}
        log(f"{name}: {size / 1e6 / seconds:.2f} MB/s")
    return out


def profile_cleaners(pages: list[str]) -> dict:
    """Seconds per rule of the plan, and cProfile's hottest functions of `cleaners.clean`."""
    from cleaners import build_plan, clean, load_profile
    from cleaners.markers import remove_jump_markers

    plan = build_plan(load_profile())
    seconds = {"jump_markers": 0.0} | {name: 0.0 for name, _ in plan}
    for page in pages:
        started = time.perf_counter()
        out, _, _ = remove_jump_markers(page)
        seconds["jump_markers"] += time.perf_counter() - started
        for name, rule in plan:
            started = time.perf_counter()
            out, _ = rule(out)
            seconds[name] += time.perf_counter() - started
    total = sum(seconds.values())
    rules = sorted(seconds.items(), key=lambda kv: -kv[1])
    profiler = cProfile.Profile()
    profiler.enable()
    for page in pages:
        clean(page)
    profiler.disable()
    stats = pstats.Stats(profiler)
    hot = []
    for (file, line, function), (_, calls, own, cumulative, _) in stats.stats.items():
        if "/cleaners/" in file:
            hot.append({"function": f"{Path(file).name}:{line}({function})", "calls": calls,
                        "own_s": own, "cumulative_s": cumulative})
    hot.sort(key=lambda h: -h["own_s"])
    return {
        "sample_mb": nbytes(pages) / 1e6,
        "rules": [{"rule": r, "seconds": s, "share": s / total} for r, s in rules],
        "slowest_rule": rules[0][0],
        "hot_functions": hot[:12],
    }


def bare_clean(files: list[Path]) -> dict:
    """`cleaners.clean` over the pages of `files`, one core, timing only the calls."""
    from cleaners import clean

    seconds, size, pages = 0.0, 0, 0
    for file in files:
        with open(file, encoding="utf-8") as handle:
            texts = [json.loads(line)["text"] for line in handle]
        started = time.perf_counter()
        for text in texts:
            clean(text)
        seconds += time.perf_counter() - started
        size += nbytes(texts)
        pages += len(texts)
    return {"seconds": seconds, "mb": size / 1e6, "pages": pages, "mb_s": size / 1e6 / seconds}


# -- the flow, as a subprocess --------------------------------------------------------


class TreeSampler(threading.Thread):
    """Peak RSS of a process and all its descendants (summed), sampled every 200 ms."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak_tree = 0
        self.peak_single = 0
        self.peak_processes = 0
        self.timeline: list[tuple[float, float, float]] = []  # (s since start, root MB, tree MB)
        self.root_cpu = 0.0  # CPU seconds of the root process alone, at the last sample
        # CPU seconds of each process of the tree at its last sample: counts the processes
        # that `getrusage` misses (a forkserver's children are not the run's to wait for).
        self.cpu_by_pid: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        started = time.perf_counter()
        while not self.stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                times = self.root.cpu_times()
                self.root_cpu = times.user + times.system
            rss = []
            for proc in procs:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    rss.append(proc.memory_info().rss)
                    times = proc.cpu_times()
                    self.cpu_by_pid[proc.pid] = times.user + times.system
            if rss:
                self.timeline.append((round(time.perf_counter() - started, 1),
                                      round(rss[0] / 1e6), round(sum(rss) / 1e6)))
                self.peak_tree = max(self.peak_tree, sum(rss))
                self.peak_single = max(self.peak_single, max(rss))
                self.peak_processes = max(self.peak_processes, len(rss))
            self.stop.wait(0.2)


def run_flow(files: list[Path], size: int, runner: str, workers: int, keep: Path | None = None) -> dict:
    """`qingyang run` on `files`; wall time, throughput, peak memory of its process tree."""
    output = Path(tempfile.mkdtemp(prefix="qingyang-bench-"))
    command = [str(QINGYANG), "run", *map(str, files), "--output", str(output),
               "--task-runner", runner, "--workers", str(workers), "--no-progress",
               "--on-invalid", "warn", "--max-invalid-share", "1"]
    env = os.environ | {"GX_ANALYTICS_ENABLED": "False", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                        "COLUMNS": "200", "PYTHONPATH": str(ROOT)}  # this checkout's flows, not another
    started, children_before = time.perf_counter(), _children_cpu()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                               cwd=ROOT, text=True)
    sampler = TreeSampler(process.pid)
    sampler.start()
    stdout, _ = process.communicate()
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    tree_cpu = max(_children_cpu() - children_before, sum(sampler.cpu_by_pid.values()))
    result = {
        "runner": runner, "workers": workers, "mb": size / 1e6, "files": len(files),
        "exit": process.returncode, "wall_s": wall, "mb_s": size / 1e6 / wall,
        "peak_rss_tree_mb": sampler.peak_tree / 1e6, "peak_rss_single_mb": sampler.peak_single / 1e6,
        "processes": sampler.peak_processes, "flow_body_s": _flow_body_seconds(stdout),
        # CPU of the `qingyang` process (the coordinator: flow, commit; with the thread runner
        # the workers too) and of its whole tree (workers, Prefect's server, the validator).
        "cpu_coordinator_s": sampler.root_cpu, "cpu_tree_s": tree_cpu,
        "coordinator_cpu_share": sampler.root_cpu / tree_cpu if tree_cpu else None,
        # Where the peak falls: RSS of the `qingyang` process and of its tree, every ~2 s.
        "rss_timeline_mb": sampler.timeline[::10],
    }
    if process.returncode not in (0, 1):
        result["output_tail"] = stdout[-3000:]
        log(f"qingyang run exited {process.returncode}:\n{stdout[-3000:]}")
    log(f"flow {runner}×{workers} on {size / 1e6:.0f} MB: {wall:.1f} s, {result['mb_s']:.2f} MB/s, "
        f"peak tree RSS {sampler.peak_tree / 1e6:.0f} MB (exit {process.returncode})")
    if keep is not None:
        shutil.rmtree(keep, ignore_errors=True)
        shutil.move(str(output), keep)
    else:
        shutil.rmtree(output, ignore_errors=True)
    return result


def _children_cpu() -> float:
    """CPU seconds of this process's finished children and their waited-for descendants."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def amdahl_speedup(serial_share: float, workers: int) -> float:
    """Speed-up of `workers` over one when `serial_share` of one worker's time cannot be
    shared out (Amdahl's law).

    >>> round(amdahl_speedup(0.1, 16), 2), amdahl_speedup(0.0, 64)
    (6.4, 64.0)
    """
    return 1.0 / (serial_share + (1.0 - serial_share) / workers)


def serial_share_from_speedup(speedup: float, workers: int = 2) -> float:
    """The serial share that Amdahl's law reads from a measured speed-up of `workers`
    over one (clamped to [0, 1]).

    >>> round(serial_share_from_speedup(amdahl_speedup(0.25, 2)), 6)
    0.25
    """
    share = (workers / speedup - 1.0) / (workers - 1)
    return min(max(share, 0.0), 1.0)


def scale_out(matrix: list[dict]) -> dict:
    """Per runner with 1 and 2 worker runs: the coordinator's CPU share, the 2/1 speed-up,
    and the speed-up Amdahl predicts at 16 and 64 workers from two serial shares: the
    coordinator's CPU share (its work does not spread over workers; optimistic: Prefect's
    server and start-up do not spread either) and the one the measured 2/1 speed-up implies."""
    out = {}
    for runner in sorted({run["runner"] for run in matrix}):
        runs = {run["workers"]: run for run in matrix if run["runner"] == runner}
        if 1 not in runs or 2 not in runs:
            continue
        speedup = runs[1]["wall_s"] / runs[2]["wall_s"]
        shares = {"coordinator_cpu": runs[2].get("coordinator_cpu_share"),
                  "from_two_vs_one": serial_share_from_speedup(speedup)}
        out[runner] = {
            "two_vs_one": speedup,
            "coordinator_cpu_share": {n: runs[n].get("coordinator_cpu_share") for n in (1, 2)},
            "predicted": {name: {n: amdahl_speedup(share, n) for n in (16, 64)}
                          for name, share in shares.items() if share is not None},
        }
    return out


def _flow_body_seconds(stdout: str) -> float | None:
    """The run summary's `flow body` seconds, when it prints one."""
    import regex

    # The summary line `time │ 18.5 s (flow body 6.05 s)`; absent if the summary changes.
    found = regex.search(r"flow body\s+([0-9.]+)\s*s", stdout)
    return float(found.group(1)) if found else None


def flow_phases(files: list[Path]) -> dict:
    """`bench.phases` on `files` in a process of its own: CPU seconds of bare `clean` and
    of the flow's work without Prefect, and each phase's own."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bench.phases", *map(str, files), "--json"],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    phases = json.loads(done.stdout)
    log(f"flow work without Prefect: {phases['work_s']:.1f} s CPU, bare clean "
        f"{phases['bare_s']:.1f} s")
    return phases


# -- Parquet, DuckDB, validation ------------------------------------------------------


def parquet_and_duckdb(output: Path) -> dict:
    """Rewrite the pages Parquet with pyarrow (zstd) and read it back with DuckDB."""
    import duckdb
    import pyarrow.parquet as pq

    files = sorted((output / "pages").rglob("*.parquet"))
    write_s, rows, size = 0.0, 0, 0
    scratch = Path(tempfile.mkdtemp(prefix="qingyang-bench-pq-"))
    for i, file in enumerate(files):
        table = pq.read_table(file)
        started = time.perf_counter()
        pq.write_table(table, scratch / f"{i}.parquet", compression="zstd")
        write_s += time.perf_counter() - started
        rows += table.num_rows
        size += (scratch / f"{i}.parquet").stat().st_size
    shutil.rmtree(scratch, ignore_errors=True)
    con = duckdb.connect()
    glob = str(output / "pages" / "**" / "*.parquet")
    started = time.perf_counter()
    count, chars, paragraphs = con.sql(
        f"SELECT count(*), sum(length(text)), sum(len(paragraphs)) FROM read_parquet('{glob}')"
    ).fetchall()[0]
    read_s = time.perf_counter() - started
    return {"files": len(files), "rows": rows, "parquet_mb": size / 1e6, "write_s": write_s,
            "duckdb_read_s": read_s, "duckdb_rows": count, "duckdb_chars": chars,
            "duckdb_paragraphs": paragraphs}


def validation_time(output: Path) -> dict:
    """Seconds to validate the pages written (the suite, as the flow runs it), file by file."""
    import pyarrow.parquet as pq

    started = time.perf_counter()
    import great_expectations  # noqa: F401  (its import is timed apart: the flow overlaps it)

    from expectations.runner import validate_pages

    import_s = time.perf_counter() - started
    seconds, rows = 0.0, 0
    for file in sorted((output / "pages").rglob("*.parquet")):
        table = pq.read_table(file)
        started = time.perf_counter()
        validate_pages(table, None, None)
        seconds += time.perf_counter() - started
        rows += table.num_rows
    return {"seconds": seconds, "import_s": import_s, "rows": rows}


# -- the report -----------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for package in ("prefect", "great_expectations", "pyarrow", "duckdb", "regex", "opencc", "jionlp", "dask"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[package] = version(package.replace("_", "-"))
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": psutil.virtual_memory().total / 1e9,
            "python": platform.python_version(), "platform": platform.platform(),
            "load_avg_start": os.getloadavg(), "versions": versions}


def ratios(r: dict) -> dict:
    c = r["cleaners"]
    out = {
        "clean_vs_jionlp": c["cleaners.clean"]["mb_s"] / c["jionlp.clean_text"]["mb_s"],
        "regex_floor_vs_clean": c["regex.sub (one pass)"]["mb_s"] / c["cleaners.clean"]["mb_s"],
    }
    if "overhead" in r:
        flow, bare = r["overhead"]["flow"], r["overhead"]["bare"]["seconds"]
        out["flow_slowdown_vs_clean"] = flow["wall_s"] / bare
        if flow.get("flow_body_s"):
            out["flow_body_slowdown_vs_clean"] = flow["flow_body_s"] / bare
    if "matrix" in r:
        best = {}
        for run in r["matrix"]:
            best.setdefault(run["runner"], {})[run["workers"]] = run["mb_s"]
        out["two_vs_one_worker_by_runner"] = {k: v[2] / v[1] for k, v in best.items() if 1 in v and 2 in v}
        if out["two_vs_one_worker_by_runner"]:
            out["two_vs_one_worker"] = max(out["two_vs_one_worker_by_runner"].values())
        body = {}
        for run in r["matrix"]:
            if run.get("flow_body_s"):
                body.setdefault(run["runner"], {})[run["workers"]] = run["flow_body_s"]
        out["two_vs_one_worker_body_by_runner"] = {k: v[1] / v[2] for k, v in body.items() if 1 in v and 2 in v}
        out["scale_out"] = scale_out(r["matrix"])
    if "memory" in r:
        small, large = r["memory"]
        out["memory_large_vs_small"] = large["peak_rss_tree_mb"] / small["peak_rss_tree_mb"]
    return out


def verdicts(rs: dict) -> dict:
    out = {}
    for name, (sense, target) in TARGETS.items():
        if name in rs:
            value = rs[name]
            out[name] = {"value": value, "target": f"{sense} {target}",
                         "met": value >= target if sense == "≥" else value <= target}
    return out


def table(r: dict) -> str:
    rows: list[tuple[str, str]] = []
    c = r["cleaners"]
    rows.append(("corpus", f"{r['corpus']['text_bytes'] / 1e6:.0f} MB, {r['corpus']['pages']} pages, seed {r['corpus']['seed']}"))
    for name in ("cleaners.clean", "jionlp.clean_text", "regex.sub (one pass)"):
        rows.append((f"{name}, 1 core", f"{c[name]['mb_s']:.2f} MB/s (on {c['sample_mb']:.0f} MB)"))
    p = r["profile"]
    top = ", ".join(f"{x['rule']} {x['share']:.0%}" for x in p["rules"][:4])
    rows.append(("clean: time by rule", top))
    rows.append(("clean: hottest function", f"{p['hot_functions'][0]['function']} {p['hot_functions'][0]['own_s']:.2f} s own"))
    for run in r.get("matrix", []):
        rows.append((f"qingyang run {run['runner']} ×{run['workers']}",
                     f"{run['mb_s']:.2f} MB/s ({run['wall_s']:.1f} s on {run['mb']:.0f} MB"
                     + (f"; flow body {run['flow_body_s']:.1f} s" if run.get("flow_body_s") else "") + ")"))
    if "overhead" in r:
        o = r["overhead"]
        rows.append(("bare clean, 1 core", f"{o['bare']['seconds']:.1f} s on {o['bare']['mb']:.0f} MB ({o['bare']['mb_s']:.2f} MB/s)"))
        rows.append((f"qingyang run {o['flow']['runner']} ×1 (same pages)", f"{o['flow']['wall_s']:.1f} s on {o['flow']['mb']:.0f} MB ({o['flow']['mb_s']:.2f} MB/s)"
                     + (f"; flow body {o['flow']['flow_body_s']:.1f} s" if o['flow'].get("flow_body_s") else "")))
    if "phases" in r:
        ph = r["phases"]
        clean_s = ph["phases"].get("batch: clean", {}).get("own_s", 0.0)
        top = sorted(((name, v["own_s"]) for name, v in ph["phases"].items()
                      if name not in ("batch: clean", "batch")), key=lambda kv: -kv[1])[:4]
        rows.append(("flow work without Prefect (CPU)",
                     f"{ph['work_s'] / ph['bare_s']:.2f}x bare clean ({ph['work_s']:.1f} / "
                     f"{ph['bare_s']:.1f} s on {ph['pages']} pages; besides clean "
                     f"{ph['work_s'] - clean_s:.1f} s: " + ", ".join(f"{n} {s:.2f}" for n, s in top)
                     + ")"))
    for run in r.get("memory", []):
        rows.append((f"peak RSS, {run['mb']:.0f} MB input",
                     f"{run['peak_rss_tree_mb']:.0f} MB tree ({run['processes']} processes; largest {run['peak_rss_single_mb']:.0f} MB); {run['runner']} ×{run['workers']}, {run['wall_s']:.0f} s"))
    if "parquet" in r:
        q = r["parquet"]
        rows.append(("Parquet write (pyarrow, zstd)", f"{q['write_s']:.2f} s for {q['rows']} rows, {q['parquet_mb']:.0f} MB"))
        rows.append(("DuckDB read-back", f"{q['duckdb_read_s']:.2f} s (count, sum length(text), paragraphs)"))
    if "validation" in r:
        v = r["validation"]
        rows.append(("validation (GX suite)", f"{v['seconds']:.1f} s for {v['rows']} rows = {v['share']:.0%} of that run ({v['run_wall_s']:.0f} s); GX import {v['import_s']:.1f} s"))
    rows.append(("", ""))
    for name, v in r["verdicts"].items():
        rows.append((name, f"{v['value']:.2f} (target {v['target']}): {'met' if v['met'] else 'MISSED'}"))
    if "flow_body_slowdown_vs_clean" in r["ratios"]:
        rows.append(("  flow body / bare clean", f"{r['ratios']['flow_body_slowdown_vs_clean']:.2f} (without start-up and shut-down)"))
    if "two_vs_one_worker_by_runner" in r["ratios"]:
        rows.append(("  2/1 workers by runner", ", ".join(f"{k} {v:.2f}" for k, v in r["ratios"]["two_vs_one_worker_by_runner"].items()) + " (wall)"))
        rows.append(("", ", ".join(f"{k} {v:.2f}" for k, v in r["ratios"]["two_vs_one_worker_body_by_runner"].items()) + " (flow body)"))
    for runner, figures in r["ratios"].get("scale_out", {}).items():
        shares = figures["coordinator_cpu_share"]
        rows.append((f"  {runner}: coordinator CPU share", " / ".join(
            f"{shares[n]:.0%} at {n} worker{'s' if n > 1 else ''}" if shares[n] is not None
            else f"n/a at {n}" for n in (1, 2))))
        for name, predicted in figures["predicted"].items():
            rows.append((f"  {runner}: Amdahl ({name.replace('_', ' ')})",
                         f"×{predicted[16]:.1f} at 16 workers, ×{predicted[64]:.1f} at 64"))
    width = max(len(a) for a, _ in rows)
    return "\n".join(f"{a:<{width}}  {b}".rstrip() for a, b in rows)


# -- main -----------------------------------------------------------------------------


def runners_only(corpus: Corpus, mb: float, runners: list[str], results: dict,
                 out: Path | None) -> int:
    """The runner matrix alone (1 and 2 workers per runner) and its scale-out figures."""
    files, _, size = corpus.shards_for(mb)
    results["matrix"] = [run_flow(files, size, runner, workers)
                         for runner in runners for workers in (1, 2)]
    results["scale_out"] = scale_out(results["matrix"])
    results["machine"]["load_avg_end"] = os.getloadavg()
    lines = [f"{run['runner']} ×{run['workers']}: {run['wall_s']:.1f} s wall, flow body "
             f"{run['flow_body_s'] or 0:.1f} s, coordinator {run['cpu_coordinator_s']:.1f} s "
             f"of {run['cpu_tree_s']:.1f} s CPU ({run['coordinator_cpu_share'] or 0:.0%})"
             for run in results["matrix"]]
    body = {(run["runner"], run["workers"]): run["flow_body_s"] for run in results["matrix"]}
    for runner, figures in results["scale_out"].items():
        one, two = body.get((runner, 1)), body.get((runner, 2))
        lines.append(f"{runner} 2/1: {figures['two_vs_one']:.2f} wall"
                     + (f", {one / two:.2f} flow body" if one and two else ""))
    lines.append(f"load {results['machine']['load_avg_start'][0]:.2f} -> "
                 f"{results['machine']['load_avg_end'][0]:.2f}")
    results["table"] = "\n".join(lines)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = out or RESULTS / f"bench-runners-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n", "utf-8")
    print(results["table"])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 MB corpus, small runs (~3 min)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=("cleaners", "flows", "runners"),
                        help="skip the other parts (runners: the runner matrix alone)")
    parser.add_argument("--runners", default=",".join(RUNNERS), help="task runners of the matrix")
    parser.add_argument("--matrix-mb", type=float, help="MB of the runner matrix's input")
    parser.add_argument("--memory-mb", help="SMALL,LARGE inputs of the memory runs, e.g. 50,500")
    parser.add_argument("--out", type=Path, help="JSON file (default bench/results/bench-<time>.json)")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    sizes = dict(MODES[mode])
    if args.memory_mb:
        sizes["memory_mb"] = tuple(int(x) for x in args.memory_mb.split(","))
    if args.matrix_mb:
        sizes["matrix_mb"] = args.matrix_mb
    sizes["corpus_mb"] = max(sizes["sample_mb"], sizes["matrix_mb"], sizes["overhead_mb"],
                             *sizes["memory_mb"])
    started = time.perf_counter()
    results: dict = {"mode": mode, "started": datetime.now(UTC).isoformat(timespec="seconds"),
                     "machine": machine(), "sizes": sizes,
                     "command": " ".join([Path(sys.executable).name, "-m", "bench.run", *(argv or sys.argv[1:])])}

    path = ROOT / "bench" / "corpus" / f"{sizes['corpus_mb']}MB-s{args.seed}"
    log(f"corpus {path} ({sizes['corpus_mb']} MB)")
    manifest = corpus_mod.ensure(int(sizes["corpus_mb"] * 1e6), path, args.seed)
    corpus = Corpus(path, manifest)
    results["corpus"] = {k: manifest[k] for k in ("seed", "pages", "text_bytes", "degradations")}

    if args.only == "runners":
        return runners_only(corpus, sizes["matrix_mb"], args.runners.split(","), results,
                            args.out)

    if args.only != "flows":
        sample = corpus.pages(sizes["sample_mb"])
        results["cleaners"] = measure_cleaners(sample)
        results["profile"] = profile_cleaners(corpus.pages(sizes["profile_mb"]))
        log(f"slowest rule: {results['profile']['slowest_rule']}")
        del sample

    if args.only != "cleaners":
        files, _, size = corpus.shards_for(sizes["matrix_mb"])
        results["matrix"] = [run_flow(files, size, runner, workers)
                             for runner in args.runners.split(",") for workers in (1, 2)]

        files, _, size = corpus.shards_for(sizes["overhead_mb"])
        bare = bare_clean(files)
        log(f"bare clean on {bare['mb']:.0f} MB: {bare['seconds']:.1f} s")
        kept = Path(tempfile.mkdtemp(prefix="qingyang-bench-out-"))
        flow = run_flow(files, size, OVERHEAD_RUNNER, 1, keep=kept)
        results["overhead"] = {"bare": bare, "flow": flow}
        results["phases"] = flow_phases(corpus.shards_for(sizes["sample_mb"])[0])
        results["parquet"] = parquet_and_duckdb(kept)
        shutil.rmtree(kept, ignore_errors=True)

        results["memory"] = []
        for i, mb in enumerate(sizes["memory_mb"]):
            if mb == sizes["overhead_mb"] and i:  # the overhead run was this run: same pages, runner
                results["memory"].append(flow)
                continue
            files, _, size = corpus.shards_for(mb)
            keep = kept if i == 0 else None  # the small run's pages: validation is timed on them
            results["memory"].append(run_flow(files, size, OVERHEAD_RUNNER, 1, keep=keep))
        validation = validation_time(kept)
        validation["run_wall_s"] = results["memory"][0]["wall_s"]
        validation["share"] = validation["seconds"] / validation["run_wall_s"]
        results["validation"] = validation
        shutil.rmtree(kept, ignore_errors=True)

    if "cleaners" not in results:  # flows only: ratios need the cleaner figures too
        results["cleaners"] = measure_cleaners(corpus.pages(sizes["sample_mb"]))
        results["profile"] = profile_cleaners(corpus.pages(sizes["profile_mb"]))
    results["ratios"] = ratios(results)
    results["verdicts"] = verdicts(results["ratios"])
    results["machine"]["load_avg_end"] = os.getloadavg()
    results["seconds"] = time.perf_counter() - started
    results["table"] = table(results)

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = args.out or RESULTS / f"bench-{mode}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n", "utf-8")
    shutil.copyfile(out, RESULTS / "latest.json")
    print(results["table"])
    print(f"\n{mode} run, {results['seconds'] / 60:.1f} min; JSON: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
