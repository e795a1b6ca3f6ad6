"""A fingerprint of the code that makes a page's cleaned columns: the source of the packages
between the raw bytes and the row (cleaners, readers, layout) and the versions of the
libraries whose data decides it too (OpenCC's dictionaries, jieba's words, Unicode's tables
in `regex`). A cache keyed on it re-cleans exactly when a rule changes, not only when the
version number does."""

import hashlib
from functools import lru_cache
from pathlib import Path

# The packages whose source decides what a page cleans to.
CLEANING_PACKAGES = ("cleaners", "readers", "layout")
# The libraries whose data decides it too: an upgrade of one re-cleans.
CLEANING_LIBRARIES = ("opencc", "rjieba", "regex", "lxml")


def source_fingerprint(folders: list[Path]) -> str:
    """sha256 over every .py and .toml file under `folders`, by relative path and content.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     rule = Path(tmp, "pkg", "rule.py"); rule.parent.mkdir(); _ = rule.write_text("A = 1")
    ...     before = source_fingerprint([rule.parent]); _ = rule.write_text("A = 2")
    ...     before != source_fingerprint([rule.parent])
    True
    """
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.suffix in (".py", ".toml")):
            digest.update(path.relative_to(Path(folder).parent).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def cleaning_fingerprint() -> str:
    """The fingerprint of the installed cleaning packages (read once per process)."""
    import importlib
    from importlib.metadata import version

    source = source_fingerprint([Path(importlib.import_module(name).__file__).parent
                                 for name in CLEANING_PACKAGES])
    libraries = " ".join(f"{name}=={version(name)}" for name in CLEANING_LIBRARIES)
    return hashlib.sha256(f"{source} {libraries}".encode()).hexdigest()
