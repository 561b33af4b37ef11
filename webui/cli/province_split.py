"""``bvte province-split show|set``: which level of local government carries each former district task in a
province (NĐ 147/2025/NĐ-CP, until 01/03/2027): the rules the installed procedures declare
(``workflows.registry.level_splits``)."""

from __future__ import annotations

import click

from engine.errors import InvalidTaskData
from webui.cli.common import cli_actor
from webui.cli.common import engine
from webui.cli.common import fail
from webui.cli.common import friendly


@click.group("province-split")
def province_split():
    """Former district tasks: the commune or the province, per province (NĐ 147/2025/NĐ-CP)."""


@province_split.command("show")
@click.option("--province", required=True, help="province code, e.g. P01")
@friendly
def split_show(province):
    """Each former district task, the level that carries it now, and who chose it."""
    from engine.province_settings import show
    from workflows import registry

    for row in show(engine(), registry.level_splits(), province):
        rule = row["rule"]
        how = ("hết hiệu lực / expired: " + rule.after_end if row["expired"]
               else f"chosen by {row['changed_by']} ({row['reason']})" if row["chosen"] else "default")
        click.echo(f"{rule.key}\t{row['level']}\t{how}\t{rule.title_vi} / {rule.title_en}\t{rule.basis}")


@province_split.command("set")
@click.option("--province", required=True, help="province code, e.g. P01")
@click.argument("key")
@click.argument("level", type=click.Choice(["commune", "province"]))
@click.option("--reason", required=True, help="the province's document deciding it (audited)")
@friendly
def split_set(province, key, level, reason):
    """Give a former district task to the commune or the province; tasks opened from now on follow it."""
    from engine.province_settings import change
    from workflows import registry

    try:
        rule = change(engine(), registry.level_splits(), province, key, level, reason, cli_actor().label)
    except InvalidTaskData as exc:
        fail("; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in exc.fields.items()))
    click.echo(f"{province} {rule.key}: {level}")


COMMANDS = [province_split]
