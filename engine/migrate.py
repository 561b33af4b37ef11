"""Schema migrations through Alembic, driven from Python (no alembic.ini needed)."""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config

from engine.db import Database

MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    cfg = alembic_config(db)
    with db.write_engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def revision(db: Database, message: str) -> None:
    """Autogenerate a new migration from the models (developers only)."""
    cfg = alembic_config(db)
    command.revision(cfg, message=message, autogenerate=True)
