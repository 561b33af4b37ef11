"""``bvte db upgrade`` and ``bvte seed-demo``: the schema and the demo organisation."""

from __future__ import annotations

import click

from webui.cli.common import engine
from webui.cli.common import friendly


@click.group()
def db():
    """Database schema."""


@db.command("upgrade")
@friendly
def db_upgrade():
    """Create or migrate the schema to the newest version."""
    from engine.db import Database
    from engine.migrate import upgrade
    from webui.compose import configured_database_url

    database = Database(configured_database_url())
    upgrade(database)
    click.echo(f"schema up to date ({database.url.split('@')[-1]})")


@click.command("seed-demo")
@friendly
def seed_demo_cmd():
    """Create a demo province with two communes, every agency, a user per role, and deploy the process
    (development only: refused when BVTE_ENV=production; start a real install with ``bvte admin create``)."""
    import os

    from workflows.seed import DEMO_PASSWORD

    if os.environ.get("BVTE_ENV", "development") == "production":
        raise click.ClickException("seed-demo is for development only: refused with BVTE_ENV=production "
                                   "(create the province's administrator with 'bvte admin create')")
    from workflows.seed import seed_demo

    created = seed_demo(engine())
    if created:
        click.echo(f"created {len(created)} demo users (password: {DEMO_PASSWORD}): {', '.join(created)}")
    else:
        click.echo("demo data already present")


COMMANDS = [db, seed_demo_cmd]
