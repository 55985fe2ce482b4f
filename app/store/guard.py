"""Keep the locks SQLite holds on an open database, and notice when they are gone anyway.

POSIX record locks belong to the process, not to the descriptor: closing *any* descriptor of
the database, its `-wal` or its `-shm` drops every lock SQLite holds on that file in this process
(SQLite's "How To Corrupt An SQLite Database File", section 2.2). Another program then believes
nobody has the file open, checkpoints and deletes the WAL, and our later saves go into a deleted
file. So nothing in this process may open those files outside SQLite.

This module is the process's register of the database files it has open:
* `refuse_database_file(path)` is called before the app reads or writes a file a person chose
  (a source document, an import, an export, a report): one of the open database's own files is
  refused in one sentence instead of being opened and closed.
* `is_open_here(path)` lets the opener skip raw probes of a file this process already has open.
* `Guard.lost()` says, in one sentence, why the connection can no longer keep its promises:
  the file was replaced or deleted, the WAL was deleted under us, or our WAL lock is gone. It
  reads /proc/self/fd and asks the kernel with an open-file-description lock test (F_OFD_GETLK),
  which, unlike the classic test, also sees this process's own locks. It uses a descriptor of
  the `-shm` file that is opened once and never closed while the database is open (opening a
  descriptor drops nothing; only closing does).
"""
from __future__ import annotations

import fcntl
import os
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..core.model import PolicyTrackerError

# SQLite's unix VFS, for as long as a connection in WAL mode is open: a read lock on this byte
# of the -shm file (the "dead man switch", UNIX_SHM_DMS = 120 + 8), and a SHARED lock on the main
# file, which is a read lock on SHARED_SIZE bytes from SHARED_FIRST. Another program that can take
# an EXCLUSIVE lock on the main file believes it is the last user: it checkpoints and deletes the WAL.
SHM_DMS_OFFSET = 128
PENDING_BYTE = 0x40000000
SHARED_FIRST, SHARED_SIZE = PENDING_BYTE + 2, 510
_FLOCK = "hhqqi4x"  # struct flock on 64-bit Linux: type, whence, start, len, pid (+ padding)
_OFD_GETLK = getattr(fcntl, "F_OFD_GETLK", None)

COMPANION_SUFFIXES = ("", "-wal", "-shm", "-journal")

_lock = threading.Lock()
_open: dict[tuple[int, int], "Guard"] = {}  # (st_dev, st_ino) of the main file -> its guard


def _key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


@dataclass
class Guard:
    """The register entry of one open database file (shared by every connection to it here)."""

    path: Path
    key: tuple[int, int]
    users: int = 0
    shm_fd: int | None = None
    db_fd: int | None = None
    wal: bool = False
    _shm_key: tuple[int, int] | None = field(default=None, repr=False)

    # -- what is wrong, if anything --------------------------------------------------------
    def lost(self) -> str | None:
        """One sentence saying why saving is no longer safe, or None when all is well."""
        now = _key(self.path)
        if now is None:
            return f"{self.path} was deleted or moved while it was open, so nothing more can be saved to it."
        if now != self.key:
            return f"{self.path} was replaced by another file while it was open, so nothing more can be saved to it."
        if not self.wal:
            return None
        wal_links = _own_links(f"{self.path}-wal")
        if any(deleted for deleted in wal_links):
            return (f"Another program removed {self.path.name}-wal while it was open here, so saving has stopped "
                    f"to keep your changes safe.")
        if _OFD_GETLK is None:
            return None
        if self.shm_fd is not None:
            if self._shm_key is not None and _key(Path(f"{self.path}-shm")) not in (None, self._shm_key):
                return (f"Another program replaced {self.path.name}-shm while it was open here, so saving has "
                        f"stopped to keep your changes safe.")
            if not _locked(self.shm_fd, SHM_DMS_OFFSET, 1):
                return self._locks_lost()
        if self.db_fd is not None and not _locked(self.db_fd, SHARED_FIRST, SHARED_SIZE):
            return self._locks_lost()
        return None

    def _locks_lost(self) -> str:
        return (f"This window's locks on {self.path.name} were lost, so another program could overwrite "
                f"your changes; saving has stopped.")

    def refresh_shm(self) -> None:
        """Opened again after every connection closed: SQLite may have made a new -shm since."""
        if self.shm_fd is not None and _key(Path(f"{self.path}-shm")) != self._shm_key:
            os.close(self.shm_fd)  # a file that is no longer the -shm: nobody's locks are on it
            self.shm_fd, self._shm_key = None, None

    def adopt(self) -> None:
        """Open (once) the descriptors the lock test uses; they are closed only at `release`.

        Called while SQLite holds its locks (after the connection's first read in WAL mode).
        """
        if not self.wal:
            return
        flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
        if self.db_fd is None:
            try:
                fd = os.open(self.path, flags)
            except OSError:
                fd = None
            if fd is not None and (os.fstat(fd).st_dev, os.fstat(fd).st_ino) != self.key:
                os.close(fd)  # not our file any more (lost() says so); we hold no lock on it
                fd = None
            self.db_fd = fd
        if self.shm_fd is None:
            try:
                self.shm_fd = os.open(f"{self.path}-shm", flags)
            except OSError:
                return
            st = os.fstat(self.shm_fd)
            self._shm_key = (st.st_dev, st.st_ino)


def _own_links(path: str) -> list[bool]:
    """For each descriptor of this process open on `path`: whether its file was deleted."""
    real = os.path.realpath(path)
    out = []
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return out
    for fd in fds:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target == real:
            out.append(False)
        elif target == real + " (deleted)":
            out.append(True)
    return out


def _locked(fd: int, start: int, length: int) -> bool:
    """Whether anyone, this process included, holds a lock on any of these bytes of the file."""
    probe = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, start, length, 0)
    try:
        got = fcntl.fcntl(fd, _OFD_GETLK, probe)
    except OSError:
        return True  # cannot tell: do not cry wolf
    return struct.unpack(_FLOCK, got)[0] != fcntl.F_UNLCK


# -- the register ------------------------------------------------------------------------------
def register(path: Path, *, wal: bool) -> Guard:
    """Note that this process has `path` open through SQLite; call `release` when it closes."""
    path = Path(path).absolute()
    key = _key(path)
    if key is None:
        raise PolicyTrackerError(f"{path} disappeared while it was being opened.")
    with _lock:
        g = _open.get(key)
        if g is None:
            g = _open[key] = Guard(path, key, wal=wal)
        elif g.users == 0:
            g.refresh_shm()
        g.users += 1
        g.wal = g.wal or wal
        g.adopt()
        return g


def release(guard: Guard) -> None:
    """One Store on the file closed. The lock-test descriptors are closed only when no other
    descriptor of this process is open on the file (a search or backup connection of SQLite's
    may still be): closing ours then drops nobody's locks."""
    with _lock:
        guard.users -= 1
        if guard.users > 0:
            return
        ours = {fd for fd in (guard.shm_fd, guard.db_fd) if fd is not None}
        if _other_descriptors(guard, ours):
            return  # keep them (and the entry) until the process ends or the file is opened again
        _open.pop(guard.key, None)
        for fd in ours:
            os.close(fd)
        guard.shm_fd = guard.db_fd = None


def _other_descriptors(guard: Guard, ours: set[int]) -> bool:
    names = {os.path.realpath(f"{guard.path}{suffix}") for suffix in COMPANION_SUFFIXES}
    names |= {n + " (deleted)" for n in names}
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return True  # cannot tell: keeping two descriptors open is harmless
    for fd in fds:
        if int(fd) in ours:
            continue
        try:
            if os.readlink(f"/proc/self/fd/{fd}") in names:
                return True
        except OSError:
            continue
    return False


def is_open_here(path: Path) -> bool:
    """Whether this process has a descriptor open on `path` (a Store's, or any SQLite connection's)."""
    key = _key(Path(path))
    with _lock:
        if key is not None and key in _open:
            return True
    return bool(_own_links(str(path)))


def database_file_of(path: Path) -> Path | None:
    """The open database that `path` is (or is a companion of), or None."""
    path = Path(path)
    key = _key(path)
    with _lock:
        guards = list(_open.values())
    for g in guards:
        if key is not None and key == g.key:
            return g.path
        for suffix in COMPANION_SUFFIXES[1:]:
            companion = Path(f"{g.path}{suffix}")
            if os.path.abspath(path) == os.path.abspath(companion):
                return g.path
            ck = _key(companion)
            if key is not None and ck == key:
                return g.path
    return None


def refuse_database_file(path: Path | str, action: str = "use") -> None:
    """Refuse, in one sentence, to open one of an open database's own files as a document."""
    db = database_file_of(Path(path).expanduser())
    if db is not None:
        raise PolicyTrackerError(
            f"{Path(path).name} is part of the open database {db.name}, so it cannot be used as a "
            f"file to {action}; choose another file.")
