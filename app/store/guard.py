"""Keep the locks that protect an open database, and notice when the file is no longer ours.

POSIX record locks belong to the process, not to the descriptor: closing *any* descriptor of
the database, its `-wal` or its `-shm` drops every lock SQLite holds on that file in this process
(SQLite's "How To Corrupt An SQLite Database File", section 2.2). Another program then believes
nobody has the file open, checkpoints and deletes the WAL, and our later saves go into a deleted
file. Qt's file dialog did exactly that while listing the database's folder.

Two defences, in this module:

1. **Locks that a stray close() cannot drop.** For as long as a connection in WAL mode is open,
   SQLite holds a read lock on the main file's SHARED range (so no other program can take the
   EXCLUSIVE lock that lets it checkpoint and delete the WAL on closing) and on the `-shm`'s
   "dead man switch" byte (so no other program re-initialises the shared index as if it were
   alone). We hold the same two read locks a second time as *open file description* locks
   (F_OFD_SETLK, Linux 3.15+), on descriptors of our own that stay open until the database is
   closed. OFD locks belong to that descriptor alone, so closing any other descriptor leaves them
   in place. They conflict only with what SQLite must not do while we are open anyway.
   Before a clean close we let go of them, so SQLite still removes the WAL when we are the last
   user. One consequence: a Store's own connection cannot leave WAL mode (that needs the file's
   EXCLUSIVE lock); close the Store first, as tests/benchmarks/dataset.py does.
2. **A register and a check.** `refuse_database_file(path)` is called before the app reads or
   writes a file a person chose (a source, an import, an export, a backup): one of an open
   database's own files is refused in one sentence instead of being opened and closed.
   `is_open_here(path)` lets the opener skip raw probes of a file this process has open.
   `Guard.lost()` says, in one sentence, why saving is no longer safe: the file was replaced or
   deleted, the WAL or `-shm` was deleted or replaced under us, or (where OFD locks are not
   available) our locks are gone. Stores check it before every write and before every COMMIT.
"""
from __future__ import annotations

import fcntl
import os
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..core.model import PolicyTrackerError

# SQLite's unix VFS: the -shm's dead-man-switch byte (UNIX_SHM_DMS = 120 + 8), and the main
# file's lock bytes (PENDING_BYTE at 1 GiB; a SHARED lock is a read lock on SHARED_SIZE bytes).
SHM_DMS_OFFSET = 128
PENDING_BYTE = 0x40000000
SHARED_FIRST, SHARED_SIZE = PENDING_BYTE + 2, 510
_FLOCK = "hhqqi4x"  # struct flock on 64-bit Linux: type, whence, start, len, pid (+ padding)
_OFD_GETLK = getattr(fcntl, "F_OFD_GETLK", None)
_OFD_SETLK = getattr(fcntl, "F_OFD_SETLK", None)

COMPANION_SUFFIXES = ("", "-wal", "-shm", "-journal")

_lock = threading.Lock()
_open: dict[tuple[int, int], "Guard"] = {}  # (st_dev, st_ino) of the main file -> its guard


def _key(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _fd_key(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


def _ofd(fd: int, kind: int, start: int, length: int) -> bool:
    """Set (F_RDLCK) or clear (F_UNLCK) an OFD lock; False if the kernel or a conflict said no."""
    if _OFD_SETLK is None:
        return False
    try:
        fcntl.fcntl(fd, _OFD_SETLK, struct.pack(_FLOCK, kind, os.SEEK_SET, start, length, 0))
    except OSError:
        return False
    return True


def _locked(fd: int, start: int, length: int) -> bool:
    """Whether anyone else, this process's SQLite included, holds a lock on any of these bytes."""
    if _OFD_GETLK is None:
        return True  # cannot tell (callers check first): do not cry wolf
    probe = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, start, length, 0)
    try:
        got = fcntl.fcntl(fd, _OFD_GETLK, probe)
    except OSError:
        return True  # cannot tell: do not cry wolf
    return struct.unpack(_FLOCK, got)[0] != fcntl.F_UNLCK


@dataclass
class Guard:
    """The register entry of one open database file (shared by every Store on it here)."""

    path: Path
    key: tuple[int, int]
    users: int = 0
    wal: bool = False
    db_fd: int | None = None
    shm_fd: int | None = None
    held: bool = False  # our two OFD read locks are in place
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
        if any(deleted for deleted in _own_links(f"{self.path}-wal")):
            return (f"Another program removed {self.path.name}-wal while it was open here, so saving has stopped "
                    f"to keep your changes safe.")
        if self._shm_key is not None and _key(f"{self.path}-shm") != self._shm_key:
            return (f"Another program removed or replaced {self.path.name}-shm while it was open here, so saving "
                    f"has stopped to keep your changes safe.")
        if self.held or _OFD_GETLK is None:
            return None  # our own locks stand in for SQLite's, whatever closed a descriptor
        if (self.shm_fd is not None and not _locked(self.shm_fd, SHM_DMS_OFFSET, 1)) or \
                (self.db_fd is not None and not _locked(self.db_fd, SHARED_FIRST, SHARED_SIZE)):
            return (f"This window's locks on {self.path.name} were lost, so another program could overwrite "
                    f"your changes; saving has stopped.")
        return None

    # -- our descriptors and locks -----------------------------------------------------------
    def adopt(self) -> None:
        """Open our two descriptors (once) and take the OFD read locks on them.

        Called after the connection's first read in WAL mode, while SQLite holds its own locks.
        """
        if not self.wal:
            return
        flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
        if self.shm_fd is not None and _key(f"{self.path}-shm") != self._shm_key:
            # Opened again after every connection closed: SQLite made a new -shm. The old one is
            # no file of anybody's any more, so closing our descriptor of it drops no lock.
            self._close_fd("shm_fd")
        if self.db_fd is None:
            try:
                fd = os.open(self.path, flags)
            except OSError:
                return
            if _fd_key(fd) != self.key:
                os.close(fd)  # a different file already: lost() will say so; no lock of ours on it
                return
            self.db_fd = fd
        if self.shm_fd is None:
            try:
                self.shm_fd = os.open(f"{self.path}-shm", flags)
            except OSError:
                return
            self._shm_key = _fd_key(self.shm_fd)
        if not self.held:
            got_db = _ofd(self.db_fd, fcntl.F_RDLCK, SHARED_FIRST, SHARED_SIZE)
            got_shm = got_db and _ofd(self.shm_fd, fcntl.F_RDLCK, SHM_DMS_OFFSET, 1)
            if got_db and not got_shm:
                _ofd(self.db_fd, fcntl.F_UNLCK, SHARED_FIRST, SHARED_SIZE)
            self.held = got_db and got_shm

    def let_go(self) -> None:
        """Drop our OFD locks (before the last clean close, so SQLite may remove the WAL)."""
        if self.held:
            assert self.db_fd is not None and self.shm_fd is not None  # held: both were open to lock
            _ofd(self.db_fd, fcntl.F_UNLCK, SHARED_FIRST, SHARED_SIZE)
            _ofd(self.shm_fd, fcntl.F_UNLCK, SHM_DMS_OFFSET, 1)
            self.held = False

    def _close_fd(self, name: str) -> None:
        fd = getattr(self, name)
        if fd is not None:
            os.close(fd)
            setattr(self, name, None)


def _own_links(path: str) -> list[bool]:
    """For each descriptor of this process open on `path`: whether its file was deleted."""
    real = os.path.realpath(path)
    out: list[bool] = []
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


def _other_descriptors(guard: Guard) -> bool:
    """Whether a descriptor other than the guard's own is open here on the file or a companion."""
    ours = {fd for fd in (guard.db_fd, guard.shm_fd) if fd is not None}
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


# -- the register ------------------------------------------------------------------------------
def register(path: Path, *, wal: bool) -> Guard:
    """Note that a Store of this process has `path` open; call `release` when it closes."""
    path = Path(path).absolute()
    key = _key(path)
    if key is None:
        raise PolicyTrackerError(f"{path} disappeared while it was being opened.")
    with _lock:
        g = _open.get(key)
        if g is None:
            g = _open[key] = Guard(path, key, wal=wal)
        g.users += 1
        g.wal = g.wal or wal
        g.adopt()
        return g


def before_last_close(guard: Guard) -> bool:
    """Called by the last Store on the file just before a clean close: True if it may checkpoint.

    Our OFD locks are dropped so that SQLite, finding itself the last user, can remove the WAL.
    """
    with _lock:
        if guard.users != 1:
            return False
        guard.let_go()
        return True


def release(guard: Guard) -> None:
    """A Store on the file closed. With the last one, our locks go and so do our descriptors,
    unless another descriptor of this process is still open on the file (a search or backup
    connection of SQLite's may be): then they stay, and closing them later drops nobody's locks."""
    with _lock:
        guard.users -= 1
        if guard.users > 0:
            return
        if _other_descriptors(guard):
            return
        guard.let_go()
        _open.pop(guard.key, None)
        guard._close_fd("db_fd")
        guard._close_fd("shm_fd")


def is_open_here(path: Path | str) -> bool:
    """Whether this process has a descriptor open on `path` (a Store's, or any SQLite connection's)."""
    key = _key(path)
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
            if os.path.abspath(path) == os.path.abspath(companion) or (key is not None and _key(companion) == key):
                return g.path
    return None


def refuse_database_file(path: Path | str, action: str = "use") -> None:
    """Refuse, in one sentence, to open one of an open database's own files as a document."""
    db = database_file_of(Path(path).expanduser())
    if db is not None:
        raise PolicyTrackerError(
            f"{Path(path).name} is part of the open database {db.name}, so it cannot be used as a "
            f"file to {action}; choose another file.")
