"""A database file localnet cannot use gets one clear sentence, not a crash, and is left as it was.

Each bad file is tried with `python -m localnet serve`, `python -m localnet keys create` (real
subprocesses: exit status 1, one "localnet: ..." line naming the file and what to do, no
traceback) and `localnet.client.start(db=...)` (DatabaseProblem with the same sentence). The
folder holding the file is compared byte for byte before and after: nothing is created, converted
or repaired. Files that only look odd -- empty, from an older localnet, a log with a torn tail --
open normally.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest

from localnet import provision
from localnet.client import start
from localnet.core import keys
from localnet.core.store import APPLICATION_ID, SCHEMA_VERSION, DatabaseProblem, Store

ROOT = Path(__file__).resolve().parents[2]
REFUSED_EXIT = 1  # every "localnet: ..." refusal; argparse's 2 means a malformed command line
CLI_TIMEOUT_S = 60  # a refusal is immediate; this only bounds a hang
GEOPACKAGE_ID = 0x47504B47  # "GPKG": the application id of a real SQLite-based format


def real_db(path: Path, key_count: int = 3) -> Path:
    """A localnet database with a few keys, closed (everything checkpointed into the file)."""
    store = Store(path)
    for _ in range(key_count):
        provision.create_key(store, "binance", permissions=("read", "trade"))
    store.close()
    return path


def random_bytes(folder: Path) -> Path:
    path = folder / "x.db"
    path.write_bytes(os.urandom(8192))
    return path


def truncated_copy(folder: Path) -> Path:
    source = real_db(folder / "source" / "x.db", key_count=40)
    path = folder / "x.db"
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    shutil.rmtree(source.parent)
    return path


def page_overwritten(folder: Path) -> Path:
    path = real_db(folder / "x.db", key_count=40)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")  # the page size, from SQLite's header
    data[2 * page: 3 * page] = os.urandom(page)
    path.write_bytes(bytes(data))
    return path


def other_programs_tables(folder: Path) -> Path:
    path = folder / "x.db"
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE recipes (name TEXT); CREATE TABLE ingredients (name TEXT);")
    db.close()
    return path


def other_programs_id(folder: Path) -> Path:
    path = folder / "x.db"
    db = sqlite3.connect(path)
    db.executescript(f"PRAGMA application_id = {GEOPACKAGE_ID}; CREATE TABLE gpkg_contents (table_name TEXT);")
    db.close()
    return path


def newer_localnet(folder: Path) -> Path:
    path = real_db(folder / "x.db")
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    return path


def a_folder(folder: Path) -> Path:
    path = folder / "x.db"
    path.mkdir()
    (path / "notes.txt").write_text("not a database\n")
    return path


def under_a_file(folder: Path) -> Path:
    (folder / "data").write_text("a file where a folder should be\n")
    return folder / "data" / "x.db"


def damaged_log(folder: Path) -> Path:
    path = real_db(folder / "x.db")
    path.with_name("x.db-wal").write_bytes(os.urandom(4096))
    return path


# name -> (how to make it, what the sentence must say)
REFUSED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "random bytes": (random_bytes, "is not a localnet database (it is not an SQLite file at all); "
                                   "localnet left it as it is: pass --db with a new path, or move the file away"),
    "truncated copy": (truncated_copy, "is damaged (SQLite says: database disk image is malformed); "
                                       "localnet left it as it is"),
    "page overwritten": (page_overwritten, "is damaged"),
    "another program's tables": (other_programs_tables, "is not a localnet database (it is another program's "
                                                        "SQLite database, with tables ingredients, recipes)"),
    "another program's id": (other_programs_id, "is not a localnet database (it is another program's SQLite "
                                                "database, with SQLite application id 0x47504b47)"),
    "newer localnet": (newer_localnet, f"was made by a newer localnet (database version {SCHEMA_VERSION + 1}; "
                                       f"this one reads up to {SCHEMA_VERSION}); update localnet (git pull)"),
    "folder": (a_folder, "is a folder, not a database file; pass --db with a file path such as "),
    "folder is a file": (under_a_file, "cannot be created (not a directory); pass --db with a path in a folder "
                                       "you can write to"),
    "damaged write-ahead log": (damaged_log, "x.db-wal, the log of recent changes beside x.db, is damaged (it is "
                                             "not an SQLite write-ahead log); localnet left both files as they are"),
}


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file and folder under `folder`: its contents' hash (or "dir") and its mode."""
    seen = {}
    for path in sorted(folder.rglob("*")):
        digest = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        seen[str(path.relative_to(folder))] = (digest, stat.S_IMODE(path.stat().st_mode))
    return seen


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "localnet", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=CLI_TIMEOUT_S)


def assert_refused(done: subprocess.CompletedProcess, path: Path, says: str) -> None:
    """Exit status 1, nothing on stdout, exactly one line on stderr: the sentence about `path`."""
    assert done.returncode == REFUSED_EXIT, done
    assert done.stdout == "" and "Traceback" not in done.stderr, done
    assert done.stderr.endswith("\n") and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"localnet: {path}"), done.stderr
    assert says in done.stderr, done.stderr


def assert_refused_everywhere(folder: Path, path: Path, says: str) -> None:
    """serve, keys create and start() all refuse `path` with `says`, and nothing under `folder` changes."""
    before = snapshot(folder)
    assert_refused(cli("serve", "--db", str(path), "--base-port", "0"), path, says)
    assert snapshot(folder) == before
    assert_refused(cli("keys", "create", "--exchange", "binance", "--db", str(path)), path, says)
    assert snapshot(folder) == before
    threads = threading.active_count()
    with pytest.raises(DatabaseProblem) as refused:
        start(db=path)
    assert str(refused.value).startswith(str(path)) and says in str(refused.value)
    assert refused.value.__cause__ is None  # no SQLite error chained to it: one sentence
    assert refused.value.__context__ is None or refused.value.__suppress_context__
    assert threading.active_count() == threads  # no server was started
    assert snapshot(folder) == before


@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_database_is_refused_and_left_as_it_was(tmp_path, case):
    make, says = REFUSED[case]
    path = make(tmp_path)
    assert_refused_everywhere(tmp_path, path, says)


# ---- read-only ---------------------------------------------------------------------------------

@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or folder read-only for this process, root included (chattr +i), for the block."""
    mode = stat.S_IMODE(path.stat().st_mode)
    as_root = os.geteuid() == 0
    try:
        path.chmod(mode & ~0o222)
        if as_root and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("running as root, which ignores file modes, and chattr +i is not available here")
        yield
    finally:
        if as_root:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)
        path.chmod(mode)


READ_ONLY = {
    "read-only file": ("file", "is read-only and localnet writes to its database: make it writable (chmod u+w "),
    "database in a read-only folder": ("folder", "is in a folder localnet cannot write to, and SQLite keeps its "
                                                 "log files beside the database: make "),
    "new database in a read-only folder": ("new", "cannot be created ("),
}


@pytest.mark.parametrize("case", READ_ONLY)
def test_a_read_only_database_or_folder_is_refused_and_left_as_it_was(tmp_path, case):
    what, says = READ_ONLY[case]
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "x.db"
    if what != "new":
        real_db(path)
    with read_only(path if what == "file" else folder):
        assert_refused_everywhere(tmp_path, path, says)


# ---- odd but fine ------------------------------------------------------------------------------

def app_id_and_version(path: Path) -> tuple[int, int]:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA application_id").fetchone()[0], db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def test_an_empty_file_becomes_a_new_database(tmp_path):
    """Zero bytes hold nothing to lose: SQLite calls that an empty database, and so does localnet."""
    path = tmp_path / "x.db"
    path.touch()
    with start(db=path) as net:
        assert net.create_key("binance")["id"] == 1
    assert app_id_and_version(path) == (APPLICATION_ID, SCHEMA_VERSION)


def test_a_database_from_before_the_version_mark_is_adopted(tmp_path):
    """A localnet database made before it carried an application id opens with its keys, and is marked."""
    path = real_db(tmp_path / "x.db")
    db = sqlite3.connect(path)
    db.executescript("PRAGMA application_id = 0; PRAGMA user_version = 0;")
    db.close()
    done = cli("keys", "list", "--db", str(path), "--json")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('"api_key"') == 3
    assert app_id_and_version(path) == (APPLICATION_ID, SCHEMA_VERSION)


def test_a_torn_tail_of_the_log_is_dropped_and_every_commit_kept(tmp_path):
    """A write-ahead log whose last frames are garbage (a write cut short): SQLite keeps every
    committed transaction before them, as it should, and localnet opens the database."""
    source = real_db(tmp_path / "source" / "x.db", key_count=1)  # key 1 in the main file
    writer = Store(source)
    try:
        provision.create_key(writer, "binance")  # key 2 only in the -wal file, committed
        copy = tmp_path / "copy" / "x.db"
        copy.parent.mkdir()
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{source}{suffix}", f"{copy}{suffix}")
    finally:
        writer.close()
    with open(f"{copy}-wal", "ab") as log:
        log.write(os.urandom(3000))
    store = Store(copy)
    try:
        assert [k.id for k in keys.list_keys(store)] == [1, 2]
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()
