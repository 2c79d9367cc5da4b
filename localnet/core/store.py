"""SQLite storage: the schema, one connection per thread, one transaction per state change.

Opening a database checks it first and refuses, with DatabaseProblem and a sentence that names the
file and says what to do, anything localnet should not write to: a folder, a file that is not
SQLite, another application's database, a database from a newer localnet, a damaged one, a
read-only one. A refused file is left exactly as it was: nothing is created in it, converted or
"repaired".
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from localnet.core import private

DB_DIR = ".localnet"  # beside the checkout's notebooks, or in the folder localnet runs in
DB_NAME = "localnet.db"


def checkout_root(package_file: str | Path = __file__) -> Path | None:
    """The KeyLab checkout this localnet runs from (a working tree or an editable install), or
    None when localnet is installed as a package (site-packages has no pyproject.toml, mkdocs.yml)."""
    root = Path(package_file).resolve().parents[2]
    if all((root / name).is_file() for name in ("pyproject.toml", "mkdocs.yml", "localnet/__main__.py")):
        return root
    return None


def default_db() -> Path:
    """The database used when none is named: .localnet/localnet.db in the KeyLab checkout, or,
    when localnet is installed as a package, in the current directory (as an absolute path)."""
    return (checkout_root() or Path.cwd()) / DB_DIR / DB_NAME

# A localnet database says what it is in its SQLite header: this application id ("LNET") and a
# schema version (PRAGMA user_version), raised whenever the schema changes in a way an older
# localnet could not read. A database older than this scheme (application id 0, only localnet's
# tables) is adopted as version 1.
APPLICATION_ID = 0x4C4E4554
SCHEMA_VERSION = 1
SQLITE_HEADER = b"SQLite format 3\x00"
WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")  # first 4 bytes of a write-ahead log, either byte order
BUSY_TIMEOUT_MS = 30_000
# Tables a database must have to count as localnet's when it predates the application id.
CORE_TABLES = frozenset({"accounts", "keys"})
# SQLite's primary result codes (sqlite3.h) that classify() words for the user.
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CORRUPT, SQLITE_NOTADB = 5, 6, 11, 26
FULL, NORMAL = "FULL", "NORMAL"  # PRAGMA synchronous levels (see Store._connect)

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exchange TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exchange TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    label TEXT,
    api_key TEXT NOT NULL,
    secret TEXT,
    public_key_pem TEXT,
    passphrase TEXT,
    type TEXT NOT NULL,
    permissions TEXT NOT NULL,
    ips TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    last_used_ms INTEGER,
    revoked INTEGER NOT NULL DEFAULT 0,
    UNIQUE (exchange, api_key)
);
CREATE TABLE IF NOT EXISTS balances (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    asset TEXT NOT NULL,
    free TEXT NOT NULL,
    locked TEXT NOT NULL,
    PRIMARY KEY (account_id, asset)
);
CREATE TABLE IF NOT EXISTS transfers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    asset TEXT NOT NULL,
    amount TEXT NOT NULL,
    kind TEXT NOT NULL,
    reference TEXT,
    time_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    symbol TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    side TEXT NOT NULL,
    type TEXT NOT NULL,
    time_in_force TEXT,
    price TEXT NOT NULL,
    orig_qty TEXT NOT NULL,
    orig_quote_qty TEXT NOT NULL,
    executed_qty TEXT NOT NULL,
    cum_quote_qty TEXT NOT NULL,
    locked_asset TEXT,
    locked_amount TEXT NOT NULL,
    status TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    update_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_account ON orders (account_id, symbol, status);
CREATE TABLE IF NOT EXISTS fills (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    price TEXT NOT NULL,
    qty TEXT NOT NULL,
    quote_qty TEXT NOT NULL,
    commission TEXT NOT NULL,
    commission_asset TEXT NOT NULL,
    is_maker INTEGER NOT NULL,
    time_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fills_account ON fills (account_id, symbol);
CREATE TABLE IF NOT EXISTS activity (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time_ms INTEGER NOT NULL,
    exchange TEXT NOT NULL,
    key_id INTEGER,
    client_ip TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    http_status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    error_code INTEGER
);
CREATE INDEX IF NOT EXISTS activity_key ON activity (key_id);
CREATE TABLE IF NOT EXISTS nonces (
    key_id INTEGER PRIMARY KEY REFERENCES keys(id),
    last TEXT NOT NULL
);
"""


LOCALNET_TABLES = frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA))
MOVE_OR_NEW = "localnet left it as it is: pass --db with a new path, or move the file away"


class DatabaseProblem(Exception):
    """The database file cannot be used. The message is one sentence naming the file and saying
    what to do; the CLI prints it after "localnet: ", the Python API raises it as it is."""


def create_private_file(path: Path) -> None:
    """Create `path` (and its folders) readable by the owner only, if it does not exist yet."""
    private.create_file(path)


def _first_bytes(path: Path, count: int) -> bytes:
    with open(path, "rb") as f:
        return f.read(count)


def check_file(path: Path) -> None:
    """Refuse, before SQLite opens it, a path localnet cannot use; create a missing one (mode 0600)."""
    if path.is_dir():
        raise DatabaseProblem(f"{path} is a folder, not a database file; pass --db with a file path such as "
                              f"{path / 'localnet.db'}")
    if not path.exists():
        try:
            create_private_file(path)
        except OSError as exc:
            raise DatabaseProblem(f"{path} cannot be created ({exc.strerror.lower()}); pass --db with a path in "
                                  "a folder you can write to") from None
        return
    try:
        head = _first_bytes(path, len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseProblem(f"{path} cannot be read ({exc.strerror.lower()}); make it readable (chmod u+rw "
                              f"{path}) or pass --db with another path") from None
    if head and head != SQLITE_HEADER:
        raise DatabaseProblem(f"{path} is not a localnet database (it is not an SQLite file at all); {MOVE_OR_NEW}")
    if not os.access(path, os.W_OK):
        raise DatabaseProblem(f"{path} is read-only and localnet writes to its database: make it writable "
                              f"(chmod u+w {path}) or pass --db with another path")
    if not os.access(path.parent, os.W_OK):
        raise DatabaseProblem(f"{path} is in a folder localnet cannot write to, and SQLite keeps its log files "
                              f"beside the database: make {path.parent} writable or pass --db with a path in a "
                              "folder you can write to")
    wal = path.with_name(path.name + "-wal")
    if wal.is_file() and wal.stat().st_size > 0 and _first_bytes(wal, 4) not in WAL_MAGIC:
        raise DatabaseProblem(f"{wal}, the log of recent changes beside {path.name}, is damaged (it is not an "
                              f"SQLite write-ahead log); localnet left both files as they are: move {wal.name} "
                              "away to open the database as it was before those changes, or pass --db with a "
                              "new path")


def _describe(db: sqlite3.Connection) -> tuple[int, int, list[str]]:
    """(application id, schema version, table names) of an open database; raises sqlite3 errors."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return app_id, version, tables


def _sqlite_problem(path: Path, exc: sqlite3.Error) -> DatabaseProblem:
    """The sentence for an SQLite error met while checking `path`."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF  # the primary result code
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return DatabaseProblem(f"{path} is damaged (SQLite says: {exc}); {MOVE_OR_NEW}")
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseProblem(f"{path} stayed locked by another program for {BUSY_TIMEOUT_MS // 1000} s; "
                               "stop that program, or pass --db with another path")
    return DatabaseProblem(f"{path} cannot be opened (SQLite says: {exc}); {MOVE_OR_NEW}")


def classify(path: Path) -> None:
    """Refuse (DatabaseProblem) anything but an empty database or a localnet one it can read.

    Reads only: a database that is not localnet's is never switched to WAL or given tables.
    """
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        app_id, version, tables = _describe(db)
        damage = [r[0] for r in db.execute("PRAGMA quick_check(3)")] if tables else ["ok"]
    except sqlite3.Error as exc:
        raise _sqlite_problem(path, exc) from None
    finally:
        db.close()
    if damage != ["ok"]:
        found = " ".join(line for line in "\n".join(damage).splitlines() if not line.startswith("***"))
        raise DatabaseProblem(f"{path} is damaged (SQLite's check says: {found}); {MOVE_OR_NEW}")
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise DatabaseProblem(f"{path} was made by a newer localnet (database version {version}; this one "
                                  f"reads up to {SCHEMA_VERSION}); update localnet (git pull) or pass --db with "
                                  "a new path")
        return
    if app_id == 0 and (not tables or CORE_TABLES <= set(tables) <= LOCALNET_TABLES):
        return  # new and empty, or made by a localnet from before the application id (adopted as it is)
    owner = f"SQLite application id {app_id:#x}" if app_id else "tables " + ", ".join(tables[:5])
    more = ", ..." if not app_id and len(tables) > 5 else ""
    raise DatabaseProblem(f"{path} is not a localnet database (it is another program's SQLite database, "
                          f"with {owner}{more}); {MOVE_OR_NEW}")


# Database files this process has open through a Store: (device, inode) -> how many Stores.
#
# POSIX drops *every* lock a process holds on a file when the process closes *any* descriptor of
# that file. SQLite's locks (in WAL mode a shared lock for as long as a connection is open) are
# such locks, so reading a database's first bytes with open() while another Store of this process
# has it open would silently release that Store's locks; another process closing its connection
# then believes it is the last one and removes the WAL under the first Store's feet, and the
# database is corrupted ("database disk image is malformed"). A file this process already has
# open was checked when it was first opened, so it is not read again.
_open_files: dict[tuple[int, int], int] = {}
_open_files_lock = threading.Lock()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


class Store:
    """The localnet database. Safe to share between threads and processes.

    Raises DatabaseProblem when the file at `path` is not one localnet can use.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_db()
        known = _identity(self.path)
        with _open_files_lock:
            already_open = known is not None and _open_files.get(known, 0) > 0
        if not already_open:
            check_file(self.path)
            classify(self.path)
        for name in ("", "-wal", "-shm"):  # a database someone made readable by others is made 0600 again
            private.tighten(self.path.with_name(self.path.name + name))
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self.transaction() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self._identity = _identity(self.path)
        if self._identity is not None:
            with _open_files_lock:
                _open_files[self._identity] = _open_files.get(self._identity, 0) + 1

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                             check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Durability. In WAL mode a COMMIT appends the transaction to the -wal file. With
        # synchronous = FULL it also fsyncs that file before COMMIT returns, so the transaction
        # survives a killed process AND an OS crash or power cut. With NORMAL the fsync waits for
        # the next checkpoint (or the next FULL commit: one fsync of the -wal covers every frame
        # before it): still safe against kill -9 -- the frames are in the OS's cache, and the next
        # process reads them -- but an OS crash could take back the last such commits (whole
        # transactions, never part of one, and never one made before a later FULL commit).
        #
        # FULL is the default, and every transaction that changes what a learner owns or made
        # (orders, fills, balances, withdrawals, keys, the clock) commits with it, before its
        # answer is sent. Only an authenticated *read* call commits with NORMAL (transaction(
        # durable=False), chosen by ExchangeApp.durable): all it writes is bookkeeping -- its
        # activity-log entry, the key's last use, a Kraken nonce. That fsync was most of a read
        # call's server time (about 0.25 ms against 0.1 ms for the rest, and several ms at p99 on
        # a busy disk). What an OS crash (not a killed process: test_durability kills one after reads)
        # could lose is the log lines and last-use times of the latest reads and the rise of a
        # nonce, so a read request captured just before the crash could be replayed once.
        # A durable write attempted inside a read call's transaction raises RuntimeError, so a
        # read route that starts writing is an internal error in the tests, never a silent loss.
        # (macOS's fsync does not flush the drive's own cache; PRAGMA fullfsync would, at a much
        # higher cost per commit, and is left off.)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        self._local.synchronous, self._local.relaxed = FULL, False
        db.execute("PRAGMA foreign_keys = ON")
        with self._lock:
            self._all.append(db)
        return db

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection, in autocommit mode (each read is its own snapshot)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    @contextmanager
    def transaction(self, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE, then COMMIT, or ROLLBACK on any error.

        `durable=False` commits without waiting for the disk (synchronous = NORMAL): it survives a
        killed process, not an OS crash; only for bookkeeping (see the comment in _connect).

        Inside another transaction of this thread it is a savepoint instead: undone on error, else
        kept and committed (or not) with the outer transaction. A durable savepoint inside a
        non-durable transaction raises RuntimeError: it would be committed without its fsync.
        """
        db = self.db
        nested = db.in_transaction
        if nested:
            if durable and self._local.relaxed:
                raise RuntimeError("a durable write inside a transaction that commits without fsync")
            db.execute("SAVEPOINT inner")
        else:
            level = FULL if durable else NORMAL
            if self._local.synchronous != level:  # may not change inside a transaction: set it before
                db.execute(f"PRAGMA synchronous = {level}")
                self._local.synchronous = level
            db.execute("BEGIN IMMEDIATE")
            self._local.relaxed = not durable
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK TO inner" if nested else "ROLLBACK")
            if nested:
                db.execute("RELEASE inner")
            else:
                self._local.relaxed = False
            raise
        if nested:
            db.execute("RELEASE inner")
        else:
            self._local.relaxed = False
            db.execute("COMMIT")

    def close(self) -> None:
        if self._identity is not None:
            with _open_files_lock:
                count = _open_files.pop(self._identity)
                if count > 1:
                    _open_files[self._identity] = count - 1
            self._identity = None
        with self._lock:
            for db in self._all:
                try:
                    db.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
        self._local = threading.local()
