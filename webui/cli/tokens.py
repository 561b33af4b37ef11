"""``bvte tokens create|list|revoke``: API tokens for systems such as the hotline switchboard."""

from __future__ import annotations

import click

from webui.cli.common import engine
from webui.cli.common import friendly


@click.group()
def tokens():
    """API tokens for systems such as the hotline switchboard."""


@tokens.command("create")
@click.option("--user", "username", required=True, help="the user the system acts as")
@click.option("--name", required=True, help="what the token is for")
@friendly
def tokens_create(username, name):
    """Print a new bearer token (shown once; only its hash is stored)."""
    from engine.accounts import create_api_token

    click.echo(create_api_token(engine(), username, name))


@tokens.command("list")
@friendly
def tokens_list():
    """List API tokens (id, name, user, created, revoked); the tokens themselves are never stored."""
    from engine.accounts import list_api_tokens

    rows = list_api_tokens(engine())
    for t in rows:
        click.echo(f"{t['id']}\t{t['name']}\t{t['username']}\t{t['created_at']:%Y-%m-%d %H:%M}\t"
                   f"{'revoked' if t['revoked'] else 'active'}")
    if not rows:
        click.echo("no API tokens")


@tokens.command("revoke")
@click.argument("token_id", type=int)
@friendly
def tokens_revoke(token_id):
    """Revoke an API token at once (its next request is refused with 401)."""
    from engine.accounts import revoke_api_token

    if revoke_api_token(engine(), token_id):
        click.echo(f"token {token_id} revoked")
    else:
        click.echo(f"token {token_id} was already revoked")


COMMANDS = [tokens]
