"""Whether this tree's cleaner gives the same results as another revision's, page for page;
and, with `--time`, how much CPU each takes on the same sample (with `--instructions`, how many
instructions valgrind counts: steady on a shared machine, where CPU times vary by a few percent).

A safety net for work on the cleaner's speed: the output must stay byte-identical. The pages:
the gold, dev and held-out inputs (`*.txt`, not `*.gold.txt`), the seed pages, and generated
bench pages (`bench.corpus`, seeds 0-3, about 1 MB each, made once by the other revision's
code and cached, so both cleaners read the same bytes). For each page both trees report the
whole `CleanResult` (text, paragraphs, markers, edits, profile), the reflow step's evidence
(`line_features` rows) and roles (`infer_text_roles`) on the text reflow is given, and for the
small inputs also `clean(explain=True)` spans and `clean(paragraphs_given=True)`. The first
differing page is printed with the first field that differs.

    .venv/bin/python tools/compare_clean.py 5dd61f4
    .venv/bin/python tools/compare_clean.py 5dd61f4 --time   # CPU s, best of 3, 2 MB sample, cold and warm caches
    .venv/bin/python tools/compare_clean.py 5dd61f4 --time --corpus ../main/bench/corpus/200MB-s0
    .venv/bin/python tools/compare_clean.py 5dd61f4 --instructions   # valgrind: the same count every run

Each tree runs in its own interpreter with its root first on the path; the other revision is
checked out (once) as a detached git worktree under the temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "qingyang-compare-clean"

# Bench pages: one generated corpus of this many bytes per seed.
BENCH_SEEDS = (0, 1, 2, 3)
BENCH_BYTES = 1_000_000

# The timed sample: the first pages of a bench corpus (`make bench` builds it), up to this many bytes.
TIME_CORPUS = ROOT / "bench" / "corpus" / "200MB-s0"
TIME_BYTES = 2_000_000

# Run in each tree's interpreter: reads {"small": {...}, "bench": {...}} pages on stdin and
# writes one JSON line per page, in order.
_REPORT = r"""
import json, sys
from cleaners import build_plan, clean, load_profile
from cleaners.markers import remove_jump_markers
from cleaners.paragraphs import infer_text_roles, line_features

profile = load_profile(None)

def reflow_input(text):
    out, _, _ = remove_jump_markers(text)
    for name, rule in build_plan(profile):
        if name == "reflow":
            return out
        out = rule(out)[0]
    return None

def result(r):
    return {"text": r.text, "paragraphs": r.paragraphs, "markers": [m.to_dict() for m in r.markers],
            "edits": r.edits, "profile": r.profile,
            "spans": None if r.spans is None else [s.to_dict() for s in r.spans]}

def evidence(text):
    lines, f = line_features(text)
    return {"lines": lines, "features": [f.row(i) for i in range(len(f))],
            "roles": [str(r) for r in infer_text_roles(f, lines)]}

pages = json.load(sys.stdin)
for group, named in pages.items():
    for name, text in named.items():
        report = {"page": f"{group}:{name}", "clean": result(clean(text))}
        report["reflow"] = evidence(reflow_input(text))
        if group == "small":
            report["explain"] = result(clean(text, explain=True))
            report["given"] = result(clean(text, paragraphs_given=True))
        sys.stdout.write(json.dumps(report, ensure_ascii=False, sort_keys=True) + "\n")
"""

# Run in each tree's interpreter: CPU seconds of clean() over the pages on stdin, best of 3,
# cold (the cleaners' caches emptied before each run, as a corpus of pages seen once finds
# them) and warm (the caches kept from the run before: every line was seen).
_TIME = r"""
import json, sys, time
from cleaners import clean
caches = [obj for name, module in list(sys.modules.items()) if name.startswith("cleaners")
          for obj in vars(module).values() if hasattr(obj, "cache_clear") and hasattr(obj, "cache_info")]
pages = json.load(sys.stdin)
clean(pages[0])
best = {"cold": float("inf"), "warm": float("inf")}
for kind in ("cold", "cold", "cold", "warm", "warm", "warm"):
    if kind == "cold":
        for cache in caches:
            cache.cache_clear()
    started = time.process_time()
    for page in pages:
        clean(page)
    best[kind] = min(best[kind], time.process_time() - started)
print(json.dumps(best))
"""


def checkout(rev: str) -> Path:
    """A detached worktree of `rev` under the temporary folder (made once)."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], check=True,
                            capture_output=True, text=True).stdout.strip()
    tree = CACHE / f"tree-{commit[:12]}"
    if not (tree / "cleaners").is_dir():
        tree.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
                       check=True, capture_output=True)
    return tree


def main_checkout() -> Path:
    """The main working tree of this repository (the one whose `.git` the worktrees share)."""
    common = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--path-format=absolute", "--git-common-dir"],
                            check=True, capture_output=True, text=True).stdout.strip()
    return Path(common).parent


def in_tree(tree: Path, code: str, stdin: str) -> str:
    """Run `code` in an interpreter with `tree` first on the path; its stdout."""
    done = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True,
                          cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})
    if done.returncode:
        raise SystemExit(f"{tree}: exit {done.returncode}\n{done.stderr}")
    return done.stdout


def small_pages() -> dict[str, str]:
    """The gold, dev, held-out and seed inputs, by path."""
    folders = [ROOT / "tests" / "gold", ROOT / "tests" / "eval" / "dev", ROOT / "tests" / "eval" / "heldout",
               ROOT / "tests" / "eval_fresh" / "dev", ROOT / "tests" / "eval_fresh" / "heldout",
               ROOT / "tests" / "eval_third" / "dev", ROOT / "tests" / "eval_third" / "heldout",
               ROOT / "seeds"]
    return {str(p.relative_to(ROOT)): p.read_text("utf-8-sig") for folder in folders
            for p in sorted(folder.glob("*.txt")) if not p.name.endswith(".gold.txt")}


_GENERATE = r"""
import json, sys
from bench.corpus import generate, load_material
material = load_material()
pages = {}
asked = json.load(sys.stdin)
for seed in asked["seeds"]:
    for page_id, text in generate(asked["bytes"], seed, material):
        pages[page_id] = text
print(json.dumps(pages, ensure_ascii=False))
"""


def bench_pages(old_tree: Path) -> dict[str, str]:
    """Generated bench pages, made by the other revision's code (cached per revision)."""
    cached = CACHE / f"bench-{old_tree.name}.json"
    if not cached.exists():
        cached.write_text(in_tree(old_tree, _GENERATE, json.dumps({"seeds": BENCH_SEEDS, "bytes": BENCH_BYTES})), "utf-8")
    return json.loads(cached.read_text("utf-8"))


def first_difference(a, b, path: str = "") -> str:
    """Where two JSON values first differ, as a path with both sides."""
    if type(a) is not type(b):
        return f"{path}: {a!r:.200} != {b!r:.200}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{path}.{key}")
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
    return f"{path}: {a!r:.200} != {b!r:.200}"


def shared_features(a: dict, b: dict) -> tuple[dict, dict]:
    """Two reports with each line's features cut to the fields both trees compute (a change
    that adds a feature compares what the old tree has)."""
    rows_a, rows_b = a["reflow"]["features"], b["reflow"]["features"]
    if rows_a and rows_b and rows_a[0].keys() != rows_b[0].keys():
        keys = rows_a[0].keys() & rows_b[0].keys()
        a["reflow"]["features"] = [{k: row[k] for k in keys} for row in rows_a]
        b["reflow"]["features"] = [{k: row[k] for k in keys} for row in rows_b]
    return a, b


def compare(old_tree: Path) -> int:
    pages = {"small": small_pages(), "bench": bench_pages(old_tree)}
    stdin = json.dumps(pages, ensure_ascii=False)
    old = in_tree(old_tree, _REPORT, stdin).splitlines()
    new = in_tree(ROOT, _REPORT, stdin).splitlines()
    counts = {group: len(named) for group, named in pages.items()}
    if len(old) != len(new):
        print(f"{len(old)} reports from the old tree, {len(new)} from this one")
        return 1
    for same, (a, b) in enumerate(zip(old, new, strict=True)):
        if a != b:
            ra, rb = shared_features(json.loads(a), json.loads(b))
            if ra == rb:
                continue  # a feature one tree has and the other lacks: the rest is the same
            print(f"differs: {ra['page']}  {first_difference(ra, rb)}")
            print(f"({same} of {len(new)} pages identical before it)")
            return 1
    print(f"identical: {len(new)} pages ({counts['small']} gold/eval/seed inputs, "
          f"{counts['bench']} bench pages), {sum(map(len, new)) / 1e6:.1f} MB of reports")
    return 0


def sample_pages(corpus: Path) -> list[str]:
    """The first pages of the corpus, up to TIME_BYTES of UTF-8."""
    pages, size = [], 0
    for line in (corpus / "shard-0000.jsonl").open(encoding="utf-8"):
        if size >= TIME_BYTES:
            break
        pages.append(json.loads(line)["text"])
        size += len(pages[-1].encode("utf-8"))
    return pages


def time_both(old_tree: Path, rev: str, corpus: Path, rounds: int) -> int:
    pages = sample_pages(corpus)
    size = sum(len(page.encode("utf-8")) for page in pages)
    stdin = json.dumps(pages, ensure_ascii=False)
    # The trees take turns, `rounds` times: on a shared machine the best of each is steadier.
    best = {(label, kind): float("inf") for label in (rev, "this tree") for kind in ("cold", "warm")}
    for _ in range(rounds):
        for label, tree in ((rev, old_tree), ("this tree", ROOT)):
            for kind, seconds in json.loads(in_tree(tree, _TIME, stdin)).items():
                best[label, kind] = min(best[label, kind], seconds)
    print(f"{len(pages)} pages, {size / 1e6:.2f} MB; CPU s, best of {3 * rounds}")
    for kind in ("cold", "warm"):
        old, new = best[rev, kind], best["this tree", kind]
        print(f"{kind} caches: {rev} {old:.3f} s, this tree {new:.3f} s, speed-up {old / new:.2f}x")
    return 0


# Run under valgrind in each tree: clean() over the first `n` pages of the timed sample (read
# on stdin) after one warm-up call; two runs (n pages and none) give the pages' instructions.
_INSTRUCTIONS = r"""
import json, sys
from cleaners import clean
pages = json.load(sys.stdin)
clean(pages[0])
for page in pages[1 : 1 + int(sys.argv[1])]:
    clean(page)
"""

# Pages counted by --instructions (valgrind runs some 50 times slower than the machine).
INSTRUCTION_PAGES = 120


def instructions(tree: Path, stdin: str, pages: int) -> int:
    """Instructions valgrind counts for `_INSTRUCTIONS` over `pages` pages in `tree`: the same on
    every run (hash seed fixed, OpenBLAS on one thread: its idle threads spin for varying times)."""
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, "-c", _INSTRUCTIONS, str(pages)], input=stdin, capture_output=True, text=True,
        cwd=tree, env={**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"})
    refs = [line for line in done.stderr.splitlines() if "I   refs:" in line or "I refs:" in line]
    if done.returncode or not refs:
        raise SystemExit(f"{tree}: valgrind failed\n{done.stderr[-2000:]}")
    return int(refs[-1].split()[-1].replace(",", ""))


def count_both(old_tree: Path, rev: str, corpus: Path) -> int:
    pages = sample_pages(corpus)[: INSTRUCTION_PAGES + 1]
    stdin = json.dumps(pages, ensure_ascii=False)
    counted = {}
    for label, tree in ((rev, old_tree), ("this tree", ROOT)):
        counted[label] = instructions(tree, stdin, INSTRUCTION_PAGES) - instructions(tree, stdin, 0)
        print(f"{label:>10}: {counted[label] / 1e6:.0f} M instructions for {INSTRUCTION_PAGES} pages")
    print(f"fewer instructions: {counted[rev] / counted['this tree']:.2f}x")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev", help="the revision to compare with, e.g. 5dd61f4")
    parser.add_argument("--time", action="store_true", help="CPU time of both on the 2 MB sample instead")
    parser.add_argument("--corpus", type=Path, default=TIME_CORPUS, help=f"timed corpus (default {TIME_CORPUS})")
    parser.add_argument("--rounds", type=int, default=3, help="turns each tree takes (default 3)")
    parser.add_argument("--instructions", action="store_true",
                        help=f"instructions of clean() over the sample's first {INSTRUCTION_PAGES} pages (valgrind)")
    args = parser.parse_args(argv)
    if args.corpus == TIME_CORPUS and not TIME_CORPUS.is_dir():
        args.corpus = main_checkout() / TIME_CORPUS.relative_to(ROOT)  # a worktree has no corpus of its own
    old_tree = checkout(args.rev)
    if args.instructions:
        return count_both(old_tree, args.rev, args.corpus)
    return time_both(old_tree, args.rev, args.corpus, args.rounds) if args.time else compare(old_tree)


if __name__ == "__main__":
    sys.exit(main())
