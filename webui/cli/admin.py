"""``bvte admin create``: a production install starts with the province's administrator (a one-time
set-up link is printed); everything else is then done in the web UI's administration pages."""

from __future__ import annotations

import os

import click

from webui.cli.common import cli_actor
from webui.cli.common import engine
from webui.cli.common import friendly


@click.group()
def admin():
    """Administrators of a province."""


@admin.command("create")
@click.option("--province", required=True, help="province code, e.g. P01")
@click.option("--province-name", default=None, help="the province's name, when it is not in the database yet")
@click.option("--username", required=True, help="the administrator's username")
@click.option("--full-name", default="Quản trị hệ thống", show_default=True)
@click.option("--base-url", default=lambda: os.environ.get("BVTE_BASE_URL", "http://127.0.0.1:5000"),
              help="the address users open (default: BVTE_BASE_URL or http://127.0.0.1:5000)")
@friendly
def admin_create(province, province_name, username, full_name, base_url):
    """Create a province's administrator and print a one-time set-up link (valid 3 days)."""
    from engine.admin_users import bootstrap_admin
    from workflows.agencies import AGENCY_TYPES

    atype = AGENCY_TYPES["provincial_admin"]
    token = bootstrap_admin(engine(), cli_actor().label, province, province_name, username, full_name,
                            atype.code, atype.name_vi)
    click.echo(f"administrator {username.strip().lower()} created for {province}; one-time set-up link "
               f"(valid 3 days):")
    click.echo(f"{base_url.rstrip('/')}/account/setup/{token}")


COMMANDS = [admin]
