"""Write a whole file or nothing: a temp file beside it, fsync, then rename over the target.

Every file written here (JSON and CSV exports, reports, saved report settings) is the owner's
alone: 0600, whatever the umask, and also when it replaces an existing file (the rename puts a
new file in its place, so an old file's wider permissions do not carry over). The database, its
`-wal` and its backups are 0600 too, so nothing the app writes can be read by other accounts on
the machine; to share a file, the person sends it or widens its permissions on purpose.

Before anything is written the target is checked (app/store/outputs.py): an existing name that is
not a regular file, such as /dev/full, a named pipe or a folder, is refused in one sentence, so a
device is never replaced by a plain file and a pipe never hangs the program.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from ..store.guard import refuse_database_file
from ..store.outputs import PRIVATE_MODE, refuse_unsafe_output


@contextlib.contextmanager
def atomic_path(path: Path | str, what: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path` (0600), else it is removed.

    `what` names the file in a refusal ("the export", "the report").
    """
    path = Path(path).expanduser()
    refuse_database_file(path, "write")  # renaming over it would pull the file from under SQLite
    refuse_unsafe_output(path, what)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # 0600 from the start
    os.close(fd)
    try:
        yield Path(tmp)
        fd = os.open(tmp, os.O_RDWR | os.O_NOFOLLOW)
        try:
            os.fsync(fd)
            os.fchmod(fd, PRIVATE_MODE)  # whatever the writer did to the temp file's mode
        finally:
            os.close(fd)
        refuse_unsafe_output(path, what)  # nothing else made it a device or folder meanwhile
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: Path | str, text: str, what: str = "") -> None:
    with atomic_path(path, what) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
