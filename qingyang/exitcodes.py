"""The exit codes of `qingyang`, and the errors that end a command with one of them.

One definition: the CLI, the flow commands and `qingyang validate` use these, and the
README's table lists them. Each error's message is one line naming the file or address
and the problem; the CLI prints it as `qingyang: MESSAGE` and exits with its code.
"""

import errno
from enum import IntEnum


class Exit(IntEnum):
    OK = 0  # done; every input read, every expectation the policy counts passed
    FAILED = 1  # validation failed (the policy fails the run), `clean` could not read a file, or `eval` no page
    USAGE = 2  # bad arguments: an unknown profile or policy, an input that names nothing
    PARTIAL = 3  # done, but some inputs were quarantined (see quarantine/), or `eval` scored some as empty pages
    CORRUPT_PARQUET = 4  # a stored Parquet file cannot be read (truncated, not Parquet)
    NO_SPACE = 5  # the disk (or quota) is full; nothing half-written was left
    CANNOT_WRITE = 6  # the output folder cannot be written (read-only, permissions)
    API_UNREACHABLE = 7  # no Prefect API answers at PREFECT_API_URL
    INTERRUPTED = 130  # Ctrl-C

    @property
    def success(self) -> bool:
        """Whether the command did all it was asked (`qingyang validate`: every expectation passed)."""
        return self is Exit.OK


class QingyangError(Exception):
    """An error that ends a command: its message is one line, `exit_code` its exit code."""

    exit_code = Exit.FAILED


class CorruptParquet(QingyangError):
    """A Parquet file qingyang must read is not readable Parquet."""

    exit_code = Exit.CORRUPT_PARQUET


class NoSpace(QingyangError):
    exit_code = Exit.NO_SPACE


class CannotWrite(QingyangError):
    exit_code = Exit.CANNOT_WRITE


class ApiUnreachable(QingyangError):
    exit_code = Exit.API_UNREACHABLE


class OldOutputLayout(QingyangError):
    """An output folder written by an older qingyang (one pages file, no parts)."""

    exit_code = Exit.USAGE


class MissingPart(QingyangError):
    """A part a batch staged is gone before its commit (something removed it meanwhile)."""


# The errors of writing that are the place's fault, not the program's: full, read-only, denied.
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_CANNOT_WRITE = (errno.EROFS, errno.EACCES, errno.EPERM)


def _errno_of(err: OSError) -> int | None:
    """The errno of an OSError, also when pyarrow only names it in the message."""
    if err.errno is not None:
        return err.errno
    text = str(err)
    for code in (*_NO_SPACE, *_CANNOT_WRITE):
        if f"errno {code}]" in text.lower() or f"[Errno {code}]" in text:
            return code
    return None


def write_error(path, err: OSError) -> QingyangError | None:
    """The named error for a failed write to `path`, or None when it is not one of those.

    >>> str(write_error("out/pages/pages.parquet", OSError(errno.ENOSPC, "No space left")))
    'out/pages/pages.parquet: no space left on device'
    """
    code = _errno_of(err)
    if code in _NO_SPACE:
        return NoSpace(f"{path}: no space left on device")
    if code in _CANNOT_WRITE:
        return CannotWrite(f"{path}: cannot write: {err.strerror or 'permission denied'}")
    return None
