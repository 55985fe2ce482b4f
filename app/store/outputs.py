"""Files the app writes where a person said: only ever a plain file, and only ever the owner's.

`refuse_unsafe_output(path)` is called by every writer of a named output (exports, reports,
`backup --to`; app/exchange/atomic.py calls it for all of its callers) before anything is
written: a name that exists and is not a regular file (a device such as /dev/full, a named pipe,
a socket, a folder, or a link to one of those) is refused in one sentence. Renaming a finished
temp file over `/dev/full` as root would replace the device with a plain file, and opening a
named pipe would hang until some other program read it.

`PrivateFileHandler` is the log's file handler: the log is created 0600 (and made 0600 when it
already exists) whatever the umask, never through a symlink and never by opening a pipe.
"""
from __future__ import annotations

import errno
import logging
import os
import stat
from pathlib import Path

from ..core.model import PolicyTrackerError

PRIVATE_MODE = 0o600


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_a_file(path: Path | str) -> str | None:
    """What `path` is when it exists and is not a regular file ("a device", "a named pipe", "a folder"...),
    following links; None for a regular file or a name that does not exist."""
    try:
        return _kind(os.stat(path).st_mode)
    except OSError:
        return None


def refuse_unsafe_output(path: Path | str, what: str = "") -> None:
    """Refuse, in one sentence, to write `what` (e.g. "the export") to anything but a plain file.

    A name that does not exist yet is fine as long as its folder does; an existing name must be
    a regular file (or a link to one: the atomic rename replaces the link, never its target).
    """
    path = Path(path).expanduser()
    to = f" to write {what} to" if what else " to write to"
    try:
        st = os.stat(path)  # follows a link: a link to /dev/full is as much a device as /dev/full
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise PolicyTrackerError(f"{path} cannot be written ({e.strerror}); choose another file name{to}.") from None
    if st is not None:
        kind = _kind(st.st_mode)
        if kind == "not a regular file":
            raise PolicyTrackerError(f"{path} is not a regular file; choose a file name{to}.")
        if kind is not None:
            raise PolicyTrackerError(f"{path} is {kind}, not a file; choose a file name{to}.")
        return
    if not path.parent.is_dir():
        raise PolicyTrackerError(f"The folder {path.parent} does not exist; choose a file name{to} in a folder "
                                 f"that does.")


def open_private(path: Path | str, flags: int) -> int:
    """Open (creating it 0600 if needed) a regular file for writing without following a link or
    blocking on a pipe, and make it 0600; return the descriptor. Raises OSError for anything else."""
    path = Path(path)
    fd = os.open(path, flags | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0),
                 PRIVATE_MODE)
    try:
        kind = _kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise OSError(errno.EINVAL, f"{path} is {kind}, not a file, so nothing was written to it")
        os.fchmod(fd, PRIVATE_MODE)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


class PrivateFileHandler(logging.FileHandler):
    """A logging.FileHandler whose file is the owner's alone (0600), appended to, never a link or a pipe."""

    def __init__(self, filename: Path | str, encoding: str = "utf-8") -> None:
        super().__init__(filename, mode="a", encoding=encoding, delay=False)

    def _open(self):  # logging's own hook for opening the stream
        fd = open_private(self.baseFilename, os.O_WRONLY | os.O_APPEND)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)
