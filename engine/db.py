"""Database wiring: SQLAlchemy engines and sessions for SQLite (default) and PostgreSQL.

SQLite gets WAL mode, a busy timeout and ``BEGIN IMMEDIATE`` for write transactions, so two
writers queue for the lock instead of failing a lock upgrade half-way through a unit of work.
Reads use a second engine with plain deferred transactions so they never block on writers.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

DEFAULT_URL = "sqlite:///instance/bvte.sqlite3"


class Base(DeclarativeBase):
    pass


def normalise_url(url: str) -> str:
    """Accept the common ``postgres://`` and ``postgresql://`` spellings and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False,
                                              "isolation_level": None})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - driver glue
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - driver glue
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _env_ms(name: str, default: int) -> int:
    import os

    try:
        return max(0, int(os.environ.get(name, default)))
    except ValueError:
        return default


def classify_error(exc: BaseException) -> str:
    """What a database error means to the person who met it: ``"busy"`` (a lock or statement timeout:
    someone else is working on the same case; try again), ``"read_only"`` or ``"unavailable"``."""
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None) or ""
    text = str(orig).lower()
    if state in ("55P03", "57014", "40P01", "40001") or "database is locked" in text:
        return "busy"
    if state == "25006" or "readonly" in text or "read-only" in text:
        return "read_only"
    return "unavailable"


MESSAGES = {
    "busy": "Hồ sơ đang được xử lý, vui lòng thử lại sau giây lát / the case is being processed, try again",
    "read_only": "Cơ sở dữ liệu đang ở chế độ chỉ đọc; thao tác chưa được ghi / the database is read-only; "
                 "nothing was written",
    "unavailable": "Cơ sở dữ liệu tạm thời không kết nối được; thao tác chưa được ghi. Vui lòng thử lại / "
                   "the database is unavailable; nothing was written, try again",
}


def require(session, model, key, what: str = "đối tượng / object"):
    """``session.get`` that raises ``NotFound`` instead of returning None."""
    from engine.errors import NotFound

    row = session.get(model, key)
    if row is None:
        raise NotFound(f"không tìm thấy {what}: {key}")
    return row


class Database:
    """Owns the engines and hands out sessions: ``write()`` for units of work, ``read()`` for queries."""

    def __init__(self, url: str = DEFAULT_URL, echo: bool = False):
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            if self.url.startswith("sqlite:///") and not self.url.startswith("sqlite:///:memory:"):
                import os

                path = self.url[len("sqlite:///"):]
                os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            self.write_engine = _sqlite_engine(self.url, immediate=True)
            self.read_engine = _sqlite_engine(self.url, immediate=False)
        else:
            # No pre-ping (a round trip per checkout): after a database restart the first statement on
            # a stale connection fails, SQLAlchemy drops the whole pool, and that one request is answered
            # "try again" (503) with nothing written. Reads run in autocommit: under READ COMMITTED a
            # multi-statement read sees no more consistency inside BEGIN..COMMIT, and skips two round trips.
            # lock_timeout: a writer waiting on a case row held by another gives up in seconds and is
            # answered "being processed, try again" (never gunicorn's 30-second kill and an HTML 500);
            # statement_timeout: no statement holds a worker longer than that.
            options = (f"-c lock_timeout={_env_ms('BVTE_PG_LOCK_TIMEOUT_MS', 5000)} "
                       f"-c statement_timeout={_env_ms('BVTE_PG_STATEMENT_TIMEOUT_MS', 20000)}")
            self.write_engine = create_engine(self.url, pool_size=10, max_overflow=20, pool_recycle=3600,
                                              connect_args={"options": options})
            self.read_engine = self.write_engine.execution_options(isolation_level="AUTOCOMMIT")
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: commits on success, rolls back on any exception."""
        with self._write() as session:
            with session.begin():
                yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            with session.begin():
                yield session

    def first(self, statement, params: dict | None = None):
        """The first row of one read statement, on a bare connection (no ORM session: a third of the
        CPU of ``read()`` for a single query, which every request makes to find its user)."""
        with self.read_engine.connect() as conn:
            return conn.execute(statement, params or {}).first()

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()
