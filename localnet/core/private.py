"""Files and folders only their owner may use: the database (with its -wal and -shm), the port file and
the folders localnet makes for them, whatever the umask."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("localnet")
OWNER_ONLY = 0o600
OTHERS = 0o077  # any permission for the group or for everyone else


def make_folder(path: Path) -> None:
    """Create `path` and its missing parents as owner-only folders (0700); existing ones are left alone."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # made by another process meanwhile
            continue
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask; say it exactly


def create_file(path: Path) -> None:
    """Create `path` (and its folder) readable by the owner only, if it does not exist yet."""
    make_folder(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY)
    except FileExistsError:
        return
    os.fchmod(fd, OWNER_ONLY)
    os.close(fd)


def tighten(path: Path) -> None:
    """Make an existing file that others may read or write owner-only (0600), and say so in the log."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return
    if not mode & OTHERS:
        return
    try:
        os.chmod(path, OWNER_ONLY)
    except OSError as exc:
        log.warning("localnet: %s is open to other users (mode %04o) and could not be made 0600: %s",
                    path, mode, exc.strerror)
        return
    log.warning("localnet: %s was open to other users (mode %04o); it is now 0600, readable by you only",
                path, mode)
