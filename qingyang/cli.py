"""The `qingyang` command: clean, eval, ocr, run, validate, proof, serve."""

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from qingyang import __version__

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from qingyang.exitcodes import Exit, QingyangError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = Exit.OK, Exit.FAILED, Exit.USAGE, Exit.PARTIAL


def _read_input(name: str) -> str:
    from qingyang.textio import decode_bytes, read_text_file

    if name == "-":
        return decode_bytes(sys.stdin.buffer.read(), "<stdin>").text
    return read_text_file(name).text


def _clean_input(name: str, profile):
    """One input cleaned: an OCR engine's file (or page image) through its geometry, text as
    text."""
    from cleaners import clean
    from readers import read_ocr_file, sniff_format

    if name != "-":
        try:
            with open(name, "rb") as handle:
                head = handle.read(4096)
        except OSError:  # unreadable: the text reader names the file and the problem
            return clean(_read_input(name), profile=profile)
        fmt = sniff_format(name, head)
        if fmt is not None:
            from layout.compose import clean_ocr_page

            return clean_ocr_page(read_ocr_file(name, fmt=fmt), profile)[0]
    return clean(_read_input(name), profile=profile)


def clean_command(args: argparse.Namespace) -> int:
    from cleaners import ProfileError, load_profile
    from qingyang.textio import UnreadableInput
    from readers import OcrFormatError

    try:
        profile = load_profile(args.profile)
    except ProfileError as err:
        print(f"qingyang: {err}", file=sys.stderr)
        return EXIT_USAGE
    status = EXIT_OK
    for name in args.files or ["-"]:
        try:
            result = _clean_input(name, profile)
        except (UnreadableInput, OcrFormatError) as err:
            print(f"qingyang: {err}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        if args.json:
            print(json.dumps({"source": name, **result.to_json()}, ensure_ascii=False))
        else:
            print(result.text)
    return status


def eval_command(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from qingyang.evaluation import (
        evaluate_engine_file,
        evaluate_pair,
        gold_pairs,
        page_kinds,
        totals,
        unreadable_page,
    )
    from qingyang.textio import UnreadableInput, read_text_file
    from readers import OcrFormatError

    directory = Path(args.gold)
    pairs = gold_pairs(directory, args.input) if directory.is_dir() else []
    if not pairs:
        print(f"qingyang: {directory}: no NAME.txt / NAME.gold.txt pairs", file=sys.stderr)
        return EXIT_USAGE
    pages, unread = [], 0
    for name, source, gold in pairs:
        try:
            gold_text = read_text_file(gold).text
        except UnreadableInput as err:  # nothing to score against: the page is left out
            print(f"qingyang: {err}; {name} left out", file=sys.stderr)
            unread += 1
            continue
        try:
            if args.input == "text":
                pages.append(evaluate_pair(name, read_text_file(source).text, gold_text, args.profile))
            else:
                pages.append(evaluate_engine_file(name, source, gold_text, args.profile))
        except (UnreadableInput, OcrFormatError) as err:
            # the page a user would lose: scored as no text at all, the other pages still scored
            print(f"qingyang: {err}; {name} scored as an empty page", file=sys.stderr)
            pages.append(unreadable_page(name, gold_text))
            unread += 1
    if not pages:
        return EXIT_FAILED
    rows = [(p.name, p.raw, p.cleaned) for p in pages]
    kinds = page_kinds(directory)
    for kind in sorted(set(kinds.get(p.name, "") for p in pages) - {""}):
        group = [p for p in pages if kinds.get(p.name) == kind]
        rows.append((f"TOTAL {kind}", totals(group, "raw"), totals(group, "cleaned")))
    rows.append(("TOTAL", totals(pages, "raw"), totals(pages, "cleaned")))
    if args.json:
        print(json.dumps([
            {"page": name, **{f"{side}_{k}": v for side, s in (("raw", raw), ("clean", done))
                              for k, v in (("cer", s.cer), ("residual_gaps", s.residual_gaps),
                                           ("ascii_punct_beside_han", s.ascii_punct_beside_han),
                                           ("leftover_markers", s.leftover_markers),
                                           ("paragraph_f1", s.paragraph_f1),
                                           ("spaces_kept", s.spaces_kept_share))}}
            for name, raw, done in rows
        ], ensure_ascii=False, indent=1))
        return EXIT_PARTIAL if unread else EXIT_OK
    table = Table(title=f"qingyang eval --gold {directory}  (raw → cleaned)")
    for column in ("page", "CER %", "CJK gaps", "ASCII punct", "markers", "para F1", "spaces kept"):
        table.add_column(column, justify="left" if column == "page" else "right")
    for name, raw, done in rows:
        table.add_row(
            name,
            f"{raw.cer:.2%} → {done.cer:.2%}".replace("%", ""),
            f"{raw.residual_gaps} → {done.residual_gaps}",
            f"{raw.ascii_punct_beside_han} → {done.ascii_punct_beside_han}",
            f"{raw.leftover_markers} → {done.leftover_markers}",
            f"{raw.paragraph_f1:.3f} → {done.paragraph_f1:.3f}",
            f"{raw.spaces_kept_share:.2f} → {done.spaces_kept_share:.2f}",
        )
    Console(width=140).print(table)
    return EXIT_PARTIAL if unread else EXIT_OK


def validate_command(args: argparse.Namespace) -> int:
    from qingyang.validate_command import validate_command as validate

    return validate(args.output_dir)


def ocr_command(args: argparse.Namespace) -> int:
    from qingyang.ocr_command import ocr_command as recognise

    return recognise(args.images, args.output)


def proof_command(args: argparse.Namespace) -> int:
    from qingyang.proof_command import proof_command as write

    return write(args.target, args.output, args.profile)


def _flow_command(name: str):
    def run(args: argparse.Namespace) -> int:
        from flows import commands

        return getattr(commands, name)(args)

    return run


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2), before anything starts."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"qingyang: {message} (see {self.prog} --help)\n")


def at_least_one(value: str) -> int:
    """`--workers`, `--batch-size`: an integer >= 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def share(value: str) -> float:
    """`--max-invalid-share`: a number within [0, 1]."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be within [0, 1], not {value}")
    return number


DASK_SCHEMES = ("tcp", "tls", "ucx", "ws", "wss")


def dask_address(value: str) -> str:
    """`--dask-address`: SCHEME://HOST:PORT of a Dask scheduler (tcp://10.0.0.5:8786)."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        port, parts = None, None
    if (parts is None or parts.scheme not in DASK_SCHEMES or not parts.hostname
            or port is None or parts.path not in ("", "/")):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a scheduler address like tcp://HOST:PORT")
    return value


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's help ends with its default, unless it has none to show."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default in (None, False, argparse.SUPPRESS) or action.required:
            return action.help or ""
        return super()._get_help_string(action)


def _add_parser(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help_text, description=help_text,
                          formatter_class=_HelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="qingyang", description=__doc__)
    parser.add_argument("--version", action="version", version=f"qingyang {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    profile_help = "cleaning profile: a name in cleaners/profiles.toml or FILE.toml:NAME " \
                   "(default: zh-Hans-newspaper)"

    p = _add_parser(sub, "clean", "print cleaned text (or JSON) for files or stdin")
    p.add_argument("files", nargs="*", metavar="FILE", help="files to clean; - or none for stdin")
    p.add_argument("--json", action="store_true",
                   help='one JSON object per file: {"source", "text", "paragraphs", "markers", '
                        '"edits"}')
    p.add_argument("--profile", default=None, help=profile_help)
    p.set_defaults(func=clean_command)

    p = _add_parser(sub, "eval", "score the cleaner on NAME.txt / NAME.gold.txt pairs")
    p.add_argument("--gold", required=True, metavar="DIR",
                   help="folder of NAME.txt / NAME.gold.txt pairs (required)")
    p.add_argument("--input", choices=["text", "hocr", "alto", "paddleocr"], default="text",
                   help="which input of each gold page to clean: NAME.txt (default) or the OCR "
                        "engine's own file (NAME.hocr, NAME.alto.xml, NAME.paddle.json)")
    p.add_argument("--profile", default=None, help=profile_help)
    p.add_argument("--json", action="store_true", help="figures as JSON, not a table")
    p.set_defaults(func=eval_command)

    p = _add_parser(sub, "run", "the Prefect flow: inputs to validated Parquet")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or globs")
    p.add_argument("--output", default="output", metavar="DIR",
                   help="folder for pages/, articles/, reports/, quarantine/")
    p.add_argument("--profile", default=None, help=profile_help)
    p.add_argument("--task-runner", choices=["thread", "process", "dask"], default="thread",
                   help="where batches are cleaned: threads, processes or a Dask cluster")
    p.add_argument("--dask-address", type=dask_address, default=None, metavar="tcp://HOST:PORT",
                   help="with --task-runner dask: a running scheduler (none: a local cluster)")
    p.add_argument("--workers", type=at_least_one, default=2, metavar="N",
                   help="worker threads or processes (local Dask cluster: workers)")
    # ~3 MB of pages a task: a task run costs ~0.12 s of CPU in a process or Dask worker
    # (Prefect's settings, client and context per task), ~1/8 of cleaning that much.
    p.add_argument("--batch-size", type=at_least_one, default=256, metavar="PAGES",
                   help="pages per cleaning task")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (default: a bar on the terminal)")
    p.add_argument("--on-invalid", choices=["warn", "fail"], default="warn",
                   help="rows failing validation: warn (fail only above --max-invalid-share) "
                        "or fail the run")
    p.add_argument("--max-invalid-share", type=share, default=0.10, metavar="SHARE",
                   help="with --on-invalid warn: the share of failing rows that fails the run")
    p.set_defaults(func=_flow_command("run_command"))

    p = _add_parser(sub, "validate", "run the expectation suites on existing Parquet")
    p.add_argument("output_dir", metavar="OUTPUT_DIR", help="a folder `qingyang run` wrote")
    p.set_defaults(func=validate_command)

    p = _add_parser(sub, "ocr", "page images to PaddleOCR-style JSON (needs the ocr extra)")
    p.add_argument("images", nargs="+", metavar="IMAGE", help="PNG, JPEG or TIFF pages")
    p.add_argument("--output", default=None, metavar="DIR",
                   help="folder for NAME.paddle.json (default: beside each image)")
    p.set_defaults(func=ocr_command)

    p = _add_parser(sub, "proof", "write the proof view of one page: what the cleaner did")
    p.add_argument("target", metavar="FILE|DOC_ID",
                   help="an input file, or a doc_id (8+ leading hex digits) of a page in DIR")
    p.add_argument("--output", default="output", metavar="DIR",
                   help="the run's output folder: pages are looked up in DIR/pages, the "
                        "view is written to DIR/reports/proofs/")
    p.add_argument("--profile", default=None, help=profile_help)
    p.set_defaults(func=proof_command)

    p = _add_parser(sub, "serve", "serve a scheduled deployment of the flow")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or globs")
    p.add_argument("--cron", required=True, help='schedule, e.g. "0 2 * * *" (required)')
    p.add_argument("--output", default="output", metavar="DIR",
                   help="folder for pages/, articles/, reports/, quarantine/")
    p.add_argument("--profile", default=None, help=profile_help)
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
