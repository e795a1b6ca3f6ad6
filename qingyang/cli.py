"""The `qingyang` command: clean, eval, run, validate, serve."""

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from qingyang.exitcodes import Exit, QingyangError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = Exit.OK, Exit.FAILED, Exit.USAGE


def _read_input(name: str) -> str:
    from qingyang.textio import decode_bytes, read_text_file

    if name == "-":
        return decode_bytes(sys.stdin.buffer.read(), "<stdin>").text
    return read_text_file(name).text


def clean_command(args: argparse.Namespace) -> int:
    from cleaners import ProfileError, clean, load_profile
    from qingyang.textio import UnreadableInput

    try:
        profile = load_profile(args.profile)
    except ProfileError as err:
        print(f"qingyang: {err}", file=sys.stderr)
        return EXIT_USAGE
    status = EXIT_OK
    for name in args.files or ["-"]:
        try:
            text = _read_input(name)
        except UnreadableInput as err:
            print(f"qingyang: {err}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        result = clean(text, profile=profile)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            print(result.text)
    return status


def eval_command(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from qingyang.evaluation import evaluate_pair, gold_pairs, totals
    from qingyang.textio import UnreadableInput, read_text_file

    directory = Path(args.gold)
    pairs = gold_pairs(directory) if directory.is_dir() else []
    if not pairs:
        print(f"qingyang: {directory}: no NAME.txt / NAME.gold.txt pairs", file=sys.stderr)
        return EXIT_USAGE
    pages = []
    for name, source, gold in pairs:
        try:
            pages.append(evaluate_pair(name, read_text_file(source).text,
                                       read_text_file(gold).text, args.profile))
        except UnreadableInput as err:
            print(f"qingyang: {err}", file=sys.stderr)
            return EXIT_FAILED
    rows = [(p.name, p.raw, p.cleaned) for p in pages]
    rows.append(("TOTAL", totals(pages, "raw"), totals(pages, "cleaned")))
    if args.json:
        print(json.dumps([
            {"page": name, **{f"{side}_{k}": v for side, s in (("raw", raw), ("clean", done))
                              for k, v in (("cer", s.cer), ("residual_gaps", s.residual_gaps),
                                           ("ascii_punct_beside_han", s.ascii_punct_beside_han),
                                           ("leftover_markers", s.leftover_markers),
                                           ("paragraph_f1", s.paragraph_f1))}}
            for name, raw, done in rows
        ], ensure_ascii=False, indent=1))
        return EXIT_OK
    table = Table(title=f"qingyang eval --gold {directory}  (raw → cleaned)")
    for column in ("page", "CER %", "CJK gaps", "ASCII punct", "markers", "para F1"):
        table.add_column(column, justify="left" if column == "page" else "right")
    for name, raw, done in rows:
        table.add_row(
            name,
            f"{raw.cer:.2%} → {done.cer:.2%}".replace("%", ""),
            f"{raw.residual_gaps} → {done.residual_gaps}",
            f"{raw.ascii_punct_beside_han} → {done.ascii_punct_beside_han}",
            f"{raw.leftover_markers} → {done.leftover_markers}",
            f"{raw.paragraph_f1:.3f} → {done.paragraph_f1:.3f}",
        )
    Console(width=120).print(table)
    return EXIT_OK


def _flow_command(name: str):
    def run(args: argparse.Namespace) -> int:
        from flows import commands

        return getattr(commands, name)(args)

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qingyang", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("clean", help="print cleaned text (or JSON) for files or stdin")
    p.add_argument("files", nargs="*", metavar="FILE", help="files to clean; - or none for stdin")
    p.add_argument("--json", action="store_true", help="one JSON object per file")
    p.add_argument("--profile", default=None, help="profile name or FILE.toml:NAME")
    p.set_defaults(func=clean_command)

    p = sub.add_parser("eval", help="score the cleaner on NAME.txt / NAME.gold.txt pairs")
    p.add_argument("--gold", required=True, metavar="DIR")
    p.add_argument("--profile", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=eval_command)

    p = sub.add_parser("run", help="the Prefect flow: inputs to validated Parquet")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or globs")
    p.add_argument("--output", default="output", metavar="DIR")
    p.add_argument("--profile", default=None)
    p.add_argument("--task-runner", choices=["thread", "process", "dask"], default="thread")
    p.add_argument("--dask-address", default=None, metavar="tcp://HOST:PORT")
    p.add_argument("--workers", type=int, default=2, metavar="N")
    p.add_argument("--batch-size", type=int, default=64, metavar="PAGES")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--on-invalid", choices=["warn", "fail"], default="warn",
                   help="rows failing validation: warn (fail only above --max-invalid-share) "
                        "or fail the run")
    p.add_argument("--max-invalid-share", type=float, default=0.10, metavar="SHARE",
                   help="with --on-invalid warn: the share of failing rows that fails the run")
    p.set_defaults(func=_flow_command("run_command"))

    p = sub.add_parser("validate", help="run the expectation suites on existing Parquet")
    p.add_argument("output_dir", metavar="OUTPUT_DIR")
    p.set_defaults(func=_flow_command("validate_command"))

    p = sub.add_parser("serve", help="serve a scheduled deployment of the flow")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--cron", required=True, help='e.g. "0 2 * * *"')
    p.add_argument("--output", default="output", metavar="DIR")
    p.add_argument("--profile", default=None)
    p.add_argument("--name", default="qingyang-nightly", help="deployment name")
    p.set_defaults(func=_flow_command("serve_command"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except QingyangError as err:  # a full disk, a corrupt Parquet file, a dead API: one line
        print(f"qingyang: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return Exit.INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
