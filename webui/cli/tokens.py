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
@click.option("--scope", type=click.Choice(["full", "read", "intake"]), default="full", show_default=True,
              help="full: what the user may do; read: GET only; intake: recording reports only")
@click.option("--days", type=click.IntRange(1, 365), default=90, show_default=True, help="valid for this many days")
@friendly
def tokens_create(username, name, scope, days):
    """Print a new bearer token (shown once; only its hash is stored)."""
    from engine.accounts import create_api_token

    click.echo(create_api_token(engine(), username, name, scope=scope, days=days))


@tokens.command("list")
@friendly
def tokens_list():
    """List API tokens (id, name, user, created, state, scope, expiry); the tokens themselves are never stored."""
    from engine.accounts import list_api_tokens

    rows = list_api_tokens(engine())
    for t in rows:
        expires = f"{t['expires_at']:%Y-%m-%d %H:%M}" if t["expires_at"] else "no expiry"
        click.echo(f"{t['id']}\t{t['name']}\t{t['username']}\t{t['created_at']:%Y-%m-%d %H:%M}\t"
                   f"{'revoked' if t['revoked'] else 'active'}\t{t['scope']}\t{expires}")
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
