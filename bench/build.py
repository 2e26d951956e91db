"""Make sure a database holds the benchmark data set: migrate from empty, then bulk insert."""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import dataset
from teacherapp import create_app
from teacherapp.config import normalise_database_url
from teacherapp.extensions import db

DATA_DIR = Path(__file__).parent / ".data"


def sqlite_url() -> str:
    DATA_DIR.mkdir(exist_ok=True)
    return "sqlite:///" + str(DATA_DIR / "bench.sqlite")


def _create_postgres_database(url: str) -> None:
    target = make_url(normalise_database_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": target.database}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _empty(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    engine = create_engine(normalise_database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _settle(url: str) -> None:
    """Leave the new data set as a database in service would be: nothing left to write back.

    Right after a bulk load PostgreSQL still holds hundreds of MB of dirty pages, which its
    checkpointer writes out over the next minutes (and the first reads of each page set its
    hint bits, another write): measured during that, the saves ran at 255/s instead of 330.
    VACUUM sets the hint bits and the visibility map, CHECKPOINT writes everything now.
    SQLite: the write-ahead log is copied back and emptied.
    """
    if url.startswith("sqlite"):
        engine = create_engine(normalise_database_url(url))
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        return
    engine = create_engine(normalise_database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM (ANALYZE)"))
        conn.execute(text("CHECKPOINT"))
    engine.dispose()


def ensure(url: str, log=print, fresh: bool = False) -> dict[str, int]:
    """Build the data set in `url` unless this version of it is already there.

    `fresh`: build it again anyway. The benchmark does, so that every run starts from the
    same rows: each save stores its answer (about 1.7 KB) and an audit row, and after a few
    runs PostgreSQL's idempotent_save table alone held 340 MB, which made later runs slower
    than earlier ones for reasons the app does not have in production (`flask prune-saves`).
    """
    if not url.startswith("sqlite"):
        _create_postgres_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        with db.engine.connect() as conn:
            built = dataset.is_built(conn)
        if built and not fresh:
            with db.engine.connect() as conn:
                return dataset.counts(conn)
        db.engine.dispose()
        _empty(url)
        started = time.perf_counter()
        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
        rows = dataset.build_rows()
        with db.engine.begin() as conn:
            dataset.insert_all(conn, rows)
            dataset.mark_built(conn)
        _settle(url)
        total = sum(len(v) for v in rows.values())
        log(f"  built {total:,} rows in {time.perf_counter() - started:.1f} s")
        with db.engine.connect() as conn:
            return dataset.counts(conn)
