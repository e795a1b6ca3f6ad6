"""Every evaluation set scored by this tree and by another revision, and the page-cells that differ.

A cell is one page of one set's split read from one input (`text`, `paddleocr`, `hocr`, `alto`),
scored by `qingyang eval --json` (cleaned CER, paragraph F1, spaces kept, residual gaps). The
tool prints the mean of each set/split/input that changed, then every page-cell that changed,
`+` where it got better (lower CER, or the same CER and a higher F1, or the same F1 and more
spaces kept) and `-` where it got worse, then the counts. Use it before keeping a rule: the
cells a rule costs are the evidence against it.

    .venv/bin/python tools/compare_eval.py 98c6c20
    .venv/bin/python tools/compare_eval.py 98c6c20 --skip eval_thirteenth/heldout   # a split kept unseen

A split scored only at the end of a piece of work is left out with `--skip SET/SPLIT`. The other
revision is checked out (once) as a detached git worktree under the temporary folder; each tree
runs `qingyang` with its own root first on `PYTHONPATH`, two sets at a time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
QINGYANG = Path(sys.executable).with_name("qingyang")
WORKTREES = Path(tempfile.gettempdir()) / "qingyang-compare-eval"

# Each input and the file of a page that holds it.
INPUTS = {"text": ".txt", "paddleocr": ".paddle.json", "hocr": ".hocr", "alto": ".alto.xml"}
# The figures compared, as `qingyang eval --json` names them after `clean_`.
FIGURES = ("cer", "paragraph_f1", "spaces_kept", "residual_gaps")
# Two figures closer than this are the same.
SAME = 1e-9


def cells_to_score(skip: set[str]) -> list[tuple[str, str, str, Path]]:
    """(set, split, input, folder) for every split folder holding pages of that input."""
    jobs = []
    for folder in sorted(TESTS.glob("eval*/*/")):
        name, split = folder.parent.name, folder.name
        if f"{name}/{split}" in skip or not any(folder.glob("*.gold.txt")):
            continue
        for fmt, suffix in INPUTS.items():
            if any(p.name.endswith(suffix) and not p.name.endswith(".gold.txt") for p in folder.iterdir()):
                jobs.append((name, split, fmt, folder))
    return jobs


def score(tree: Path, skip: set[str]) -> dict[str, dict]:
    """Every page-cell's cleaned figures, keyed `set|split|input|page`, as `tree`'s code gives them."""
    env = {**os.environ, "PYTHONPATH": str(tree)}

    def run(job: tuple[str, str, str, Path]) -> list[tuple[str, dict]]:
        name, split, fmt, folder = job
        done = subprocess.run([str(QINGYANG), "eval", "--gold", str(folder), "--input", fmt, "--json"],
                              capture_output=True, text=True, env=env, check=False)
        rows = json.loads(done.stdout) if done.stdout.strip() else []
        return [(f"{name}|{split}|{fmt}|{row['page']}", {f: row[f"clean_{f}"] for f in FIGURES})
                for row in rows if row["page"] != "TOTAL"]

    with ThreadPoolExecutor(2) as pool:
        return {key: figures for rows in pool.map(run, cells_to_score(skip)) for key, figures in rows}


def worktree(revision: str) -> Path:
    """A detached worktree of `revision`, made once per commit (a name such as `HEAD` moves)."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{revision}^{{commit}}"],
                            capture_output=True, text=True, check=True).stdout.strip()
    path = WORKTREES / commit
    if not path.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), commit], check=True)
    return path


def better(before: dict, after: dict) -> bool | None:
    """Whether the cell got better (True), worse (False) or stayed (None)."""
    for figure, lower_is_better in (("cer", True), ("paragraph_f1", False), ("spaces_kept", False)):
        a, b = before[figure] or 0.0, after[figure] or 0.0
        if abs(a - b) > SAME:
            return (b < a) == lower_is_better
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revision", help="the revision to compare this tree with")
    parser.add_argument("--skip", action="append", default=[], metavar="SET/SPLIT",
                        help="a split to leave out (kept unseen), e.g. eval_thirteenth/heldout")
    args = parser.parse_args()
    skip = set(args.skip)
    before, after = score(worktree(args.revision), skip), score(ROOT, skip)
    keys = sorted(set(before) & set(after))
    groups: dict[tuple[str, str, str], list[str]] = {}
    for key in keys:
        groups.setdefault(tuple(key.split("|")[:3]), []).append(key)
    for group, members in sorted(groups.items()):
        means = [{f: mean(cells[k][f] or 0.0 for k in members) for f in FIGURES} for cells in (before, after)]
        if any(abs(means[0][f] - means[1][f]) > SAME for f in FIGURES):
            print(f"{'/'.join(group):40s} " + "  ".join(
                f"{f} {means[0][f] * (100 if f == 'cer' else 1):.3f} -> {means[1][f] * (100 if f == 'cer' else 1):.3f}"
                for f in FIGURES))
    counts = {True: 0, False: 0}
    for key in keys:
        verdict = better(before[key], after[key])
        if verdict is not None:
            counts[verdict] += 1
            a, b = before[key], after[key]
            print(f"  {'+' if verdict else '-'} {key:55s} CER {a['cer'] * 100:6.2f} -> {b['cer'] * 100:6.2f}"
                  f"  F1 {a['paragraph_f1'] or 0:.3f} -> {b['paragraph_f1'] or 0:.3f}"
                  f"  spaces {a['spaces_kept'] or 0:.2f} -> {b['spaces_kept'] or 0:.2f}")
    print(f"{len(keys)} page-cells: {counts[True]} better, {counts[False]} worse; mean CER "
          f"{mean(before[k]['cer'] for k in keys) * 100:.3f}% -> {mean(after[k]['cer'] for k in keys) * 100:.3f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
