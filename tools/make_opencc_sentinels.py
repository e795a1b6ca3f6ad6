"""Write cleaners/opencc_sentinels.txt: for an OpenCC config (`t2s`), the characters of which a
line must hold one for OpenCC to change it, read from the installed OpenCC's dictionaries.

    .venv/bin/python tools/make_opencc_sentinels.py          # t2s, the simplified profiles' config
    .venv/bin/python tools/make_opencc_sentinels.py --check  # exit 1 when the file is stale

OpenCC replaces a dictionary key found in the text by its value (the longest key first); a key
that maps to itself changes nothing. So a line changes only where it holds a changing key, and
a line without any character of this set holds none: every changing key of one character is in
the set, and of every longer changing key the characters where it and its value differ (all of
them when the value's length differs). `cleaners.script` converts only the lines holding one,
when the installed OpenCC is the version named in the file (other versions: the whole page).

The dictionaries (`.ocd2`, marisa tries) are read through `opencc_dict`, the tool the OpenCC
wheel carries, which writes them out as text.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "cleaners" / "opencc_sentinels.txt"


def _share_and_tool() -> tuple[Path, Path, dict]:
    import opencc

    clib = Path(opencc.__file__).parent / "clib"
    env = {**os.environ, "LD_LIBRARY_PATH": str(clib / "lib64")}
    return clib / "share" / "opencc", clib / "bin" / "opencc_dict", env


def _dict_files(node) -> list[str]:
    """The dictionary files a config's `dict` entry names (a group names several)."""
    if node.get("type") == "group":
        return [name for child in node["dicts"] for name in _dict_files(child)]
    return [node["file"]]


def config_entries(config: str) -> list[dict[str, str]]:
    """Every (key -> first value) of the dictionaries the config reads, one mapping per file."""
    share, tool, env = _share_and_tool()
    spec = json.loads((share / f"{config}.json").read_text("utf-8"))
    files = [name for step in spec.get("normalization", []) + spec["conversion_chain"]
             for name in _dict_files(step["dict"])]
    tables = []
    with tempfile.TemporaryDirectory() as folder:
        for name in files:
            text = Path(folder) / f"{name}.txt"
            subprocess.run([str(tool), "-i", str(share / name), "-o", str(text), "-f", "ocd2", "-t", "text"],
                           check=True, capture_output=True, env=env)
            table = {}
            for line in text.read_text("utf-8").splitlines():
                key, _, values = line.partition("\t")
                table[key] = values.split(" ")[0]
            tables.append(table)
    return tables


def sentinels(config: str) -> str:
    """The characters a line must hold one of for `config` to change it, in code point order."""
    tables = config_entries(config)
    single = {key for table in tables for key, value in table.items() if len(key) == 1 and value != key}
    found = set(single)
    for table in tables:
        for key, value in table.items():
            if len(key) > 1 and value != key and not single.intersection(key):
                differ = [a for a, b in zip(key, value, strict=True) if a != b] if len(key) == len(value) else key
                found.update(differ)
    return "".join(sorted(found))


def render(config: str) -> str:
    import opencc

    return f"opencc {opencc.__version__} {config}\n{sentinels(config)}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="t2s")
    parser.add_argument("--check", action="store_true", help="exit 1 when the file differs")
    args = parser.parse_args(argv)
    text = render(args.config)
    if args.check:
        same = OUT.is_file() and OUT.read_text("utf-8") == text
        print("up to date" if same else f"{OUT} is stale: run tools/make_opencc_sentinels.py")
        return 0 if same else 1
    OUT.write_text(text, "utf-8")
    print(f"{OUT}: {len(text.splitlines()[1])} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
