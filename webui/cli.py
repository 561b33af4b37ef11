"""The ``bvte`` command line. Every failure exits non-zero with a sentence, never a traceback."""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import subprocess
import sys
import time

import click

from engine.clock import FixedClock
from engine.clock_settable import clock_from_env
from engine.clock_settable import parse_aware
from engine.db import Database
from engine.errors import EngineError
from engine.errors import InvalidProcess
from engine.loader import collect_bundle
from engine.runtime import Actor
from engine.runtime import Engine
from engine.workdays import UNITS
from engine.workdays import compute_due
from engine.workdays import parse_instant
from workflows import build_registry


def _database_url() -> str:
    from webui.config import from_env

    return from_env()["DATABASE_URL"]


def make_engine(clock=None) -> Engine:
    return Engine(Database(_database_url()), build_registry(), clock or clock_from_env())


def _cli_actor() -> Actor:
    return Actor(f"cli:{os.environ.get('USER', 'admin')}")


def friendly(fn):
    """Turn engine and database errors into one clear sentence and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except EngineError as exc:
            click.echo(f"Lỗi / error: {exc.message}", err=True)
            sys.exit(1)
        except Exception as exc:   # database unreachable, bad URL, missing table
            from sqlalchemy.exc import SQLAlchemyError

            if isinstance(exc, (SQLAlchemyError, OSError)):
                click.echo(f"Lỗi cơ sở dữ liệu / database error: {str(exc).splitlines()[0]}", err=True)
                click.echo("Hint: run 'bvte db upgrade' and check DATABASE_URL.", err=True)
                sys.exit(2)
            raise
    return wrapper


@click.group()
def main():
    """BVTE: the interagency child-protection procedure (Nghị định 56/2017) as BPMN workflows."""


@main.group()
def db():
    """Database schema."""


@db.command("upgrade")
@friendly
def db_upgrade():
    """Create or migrate the schema to the newest version."""
    from engine.migrate import upgrade

    database = Database(_database_url())
    upgrade(database)
    click.echo(f"schema up to date ({database.url.split('@')[-1]})")


@main.command("seed-demo")
@friendly
def seed_demo_cmd():
    """Create a demo province with two communes, every agency, a user per role, and deploy the process."""
    from workflows.seed import DEMO_PASSWORD
    from workflows.seed import seed_demo

    created = seed_demo(make_engine())
    if created:
        click.echo(f"created {len(created)} demo users (password: {DEMO_PASSWORD}): {', '.join(created)}")
    else:
        click.echo("demo data already present")


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@friendly
def validate_cmd(files):
    """Validate BPMN FILES (called processes are found beside the first). Exit 1 listing each problem."""
    engine = Engine(Database("sqlite:///:memory:"), build_registry())
    bundle = _read_bundle(files)
    try:
        parsed = engine.validate(bundle)
    except InvalidProcess as exc:
        for element, message in exc.problems:
            click.echo(f"{element}: {message}")
        sys.exit(1)
    click.echo(f"OK: {parsed.main_id} ({len(parsed.files)} files, sha256 {parsed.content_hash[:12]})")


def _read_bundle(files) -> dict[str, bytes]:
    for path in files:
        if not os.path.isfile(path):
            click.echo(f"Lỗi / error: file not found: {path}", err=True)
            sys.exit(1)
    bundle = collect_bundle(files[0])
    for path in files[1:]:
        with open(path, "rb") as fh:
            bundle[os.path.basename(path)] = fh.read()
    return bundle


@main.command("deploy")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@friendly
def deploy_cmd(files):
    """Validate and deploy BPMN FILES as a new immutable process version."""
    engine = make_engine()
    try:
        row = engine.deploy(_read_bundle(files), _cli_actor())
    except InvalidProcess as exc:
        for element, message in exc.problems:
            click.echo(f"{element}: {message}")
        sys.exit(1)
    click.echo(f"deployed {row.process_id} version {row.version} (sha256 {row.content_hash[:12]})")


@main.group()
def cases():
    """Cases."""


@cases.command("list")
@click.option("--status", type=click.Choice(["open", "closed", "all"]), default="all")
@click.option("--limit", type=click.IntRange(1, 10000), default=50)
@friendly
def cases_list(status, limit):
    from sqlalchemy import select

    from engine.models import Case

    engine = make_engine()
    with engine.db.read() as s:
        q = select(Case).order_by(Case.received_at.desc()).limit(limit)
        if status != "all":
            q = q.where(Case.status == status)
        rows = list(s.execute(q).scalars())
    for c in rows:
        click.echo(f"{c.reference}\t{c.id}\t{c.status}\t{c.commune_code}\t{c.received_at.isoformat()}")
    click.echo(f"{len(rows)} case(s)")


@cases.command("migrate")
@click.option("--process", "process_id", default="child_protection_case", show_default=True)
@click.option("--from-version", "from_version", type=int, required=True)
@click.option("--to-version", "to_version", type=int, required=True)
@click.option("--dry-run", is_flag=True)
@friendly
def cases_migrate(process_id, from_version, to_version, dry_run):
    """Move open cases from one process version to another where their current steps exist there."""
    from engine.versions import migrate_cases

    engine = make_engine()
    ids = {v.version: v.id for v in engine.versions(process_id)}
    for label, number in (("--from-version", from_version), ("--to-version", to_version)):
        if number not in ids:
            click.echo(f"Lỗi / error: {process_id} has no version {number} ({label})", err=True)
            sys.exit(1)
    results = migrate_cases(engine, ids[from_version], ids[to_version], _cli_actor(), dry_run=dry_run)
    for r in results:
        click.echo(f"{r.reference}\t{'MOVE' if r.moved else 'STAY'}\t{r.reason}")
    moved = sum(r.moved for r in results)
    click.echo(f"{moved} of {len(results)} open case(s) {'can move' if dry_run else 'moved'}")


@main.group()
def tasks():
    """Open tasks."""


@tasks.command("list")
@click.option("--agency", "agency_code", required=True, help="agency code, e.g. commune_officer.X01")
@friendly
def tasks_list(agency_code):
    from sqlalchemy import select

    from engine.models import Agency

    engine = make_engine()
    with engine.db.read() as s:
        agency = s.execute(select(Agency).where(Agency.code == agency_code)).scalar()
    if agency is None:
        click.echo(f"Lỗi / error: no agency with code '{agency_code}'", err=True)
        sys.exit(1)
    rows = engine.inbox(agency.id, limit=1000)
    for t in rows:
        due = t.due_at.isoformat() if t.due_at else "-"
        click.echo(f"{t.id}\t{t.task_name}\t{t.commune_code}\tdue {due}\t{t.title}")
    click.echo(f"{len(rows)} open task(s) for {agency.name}")


@main.command("deadline")
@click.option("--from", "start", required=True, help="start instant, ISO 8601 (no offset = Vietnam time)")
@click.option("--hours", type=int)
@click.option("--days", type=int)
@click.option("--working-days", type=int)
@friendly
def deadline_cmd(start, hours, days, working_days):
    """Print the due instant of a time limit, counted as the Civil Code counts, in ISO 8601."""
    given = [(u, v) for u, v in (("hours", hours), ("days", days), ("working_days", working_days)) if v is not None]
    if len(given) != 1:
        click.echo("Lỗi / error: give exactly one of --hours, --days, --working-days", err=True)
        sys.exit(1)
    unit, amount = given[0]
    assert unit in UNITS
    try:
        instant = parse_instant(start)
    except ValueError:
        click.echo(f"Lỗi / error: --from '{start}' is not an ISO 8601 date-time", err=True)
        sys.exit(1)
    if amount < 1:
        click.echo("Lỗi / error: the amount must be at least 1", err=True)
        sys.exit(1)
    calendar = _calendar_or_default()
    click.echo(compute_due(instant, amount, unit, calendar).isoformat())


def _calendar_or_default():
    """Administrator overrides from the database when it is reachable; the public calendar otherwise."""
    from engine.workdays import WorkCalendar

    try:
        return make_engine().calendar()
    except Exception:
        return WorkCalendar()


@main.group()
def calendar():
    """Working-day calendar overrides (e.g. a Tết schedule announced late)."""


@calendar.command("set")
@click.argument("day")
@click.option("--working/--off", required=True)
@click.option("--note", required=True)
@friendly
def calendar_set(day, working, note):
    try:
        d = dt.date.fromisoformat(day)
    except ValueError:
        click.echo(f"Lỗi / error: '{day}' is not a date (YYYY-MM-DD)", err=True)
        sys.exit(1)
    make_engine().set_calendar_day(d, working, note, _cli_actor())
    click.echo(f"{d} is now a {'working day' if working else 'day off'}")


@calendar.command("clear")
@click.argument("day")
@friendly
def calendar_clear(day):
    try:
        d = dt.date.fromisoformat(day)
    except ValueError:
        click.echo(f"Lỗi / error: '{day}' is not a date (YYYY-MM-DD)", err=True)
        sys.exit(1)
    removed = make_engine().clear_calendar_day(d, _cli_actor())
    click.echo(f"{d}: override {'removed' if removed else 'not found'}")


@main.group()
def timers():
    """The timer worker."""


@timers.command("run")
@click.option("--once", is_flag=True, help="sweep once and exit")
@click.option("--interval", type=click.FloatRange(0.2, 3600), default=5.0, show_default=True)
@click.option("--now", "now_text", default=None, metavar="ISO-INSTANT",
              help="sweep as of this instant (only with BVTE_TEST_CLOCK=1, never in production)")
@friendly
def timers_run(once, interval, now_text):
    """Fire due timers (escalations) — safe to run in several processes at once.

    The worker never dies of a database error: it logs it (with time and level), waits with a
    backoff that doubles up to a minute, and sweeps again once the database answers.
    """
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("bvte.timers")
    clock = None
    if now_text is not None:
        if os.environ.get("BVTE_TEST_CLOCK") != "1" or os.environ.get("BVTE_ENV") == "production":
            click.echo("Lỗi / error: --now needs BVTE_TEST_CLOCK=1 and is refused in production", err=True)
            sys.exit(2)
        try:
            clock = FixedClock(parse_aware(now_text, "--now"))
        except ValueError as exc:
            click.echo(f"Lỗi / error: {exc}", err=True)
            sys.exit(2)
    engine = make_engine(clock)
    stop = {"flag": False}

    def _stop(*_):
        stop["flag"] = True

    from sqlalchemy.exc import SQLAlchemyError

    from workflows.reporting import ensure_report_reminders

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    wait = interval
    while True:
        started = time.monotonic()
        try:
            ensure_report_reminders(engine)
            fired = engine.fire_due_timers()
            wait = interval
        except Exception as exc:   # restarted, unreachable, read-only, locked, or a bug: wait and retry
            if once:
                raise
            wait = min(max(wait * 2, interval), 60.0)
            text = str(getattr(exc, "orig", exc)).strip()
            engine.db.dispose()   # reconnect next time: a pooled session may keep a failed-over server's state
            if isinstance(exc, SQLAlchemyError):
                log.error("database error, retrying in %.0f s: %s", wait, text.splitlines()[0] if text
                          else type(exc).__name__)
            else:
                log.exception("sweep failed, retrying in %.0f s", wait)
            fired = 0
        if once:
            click.echo(f"fired timers of {fired} case(s) in {time.monotonic() - started:.2f} s")
            return
        if fired:
            log.info("fired timers of %d case(s)", fired)
        slept = 0.0
        while slept < wait and not stop["flag"]:
            time.sleep(0.2)
            slept += 0.2
        if stop["flag"]:
            return


@main.command("check")
@friendly
def check_cmd():
    """Check that every open case's state, open-task table and timer table agree. Exit 1 on mismatch."""
    from engine.consistency import check

    problems, checked = check(make_engine())
    for p in problems:
        click.echo(p)
    click.echo(f"checked {checked} case(s): {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


@main.group()
def audit():
    """The audit trail."""


@audit.command("verify")
@friendly
def audit_verify():
    """Verify the audit log's hash chain. Exit 1 if a row was edited or removed."""
    from engine import audit as audit_mod

    engine = make_engine()
    with engine.db.read() as s:
        problems = audit_mod.verify(s)
    for p in problems:
        click.echo(p)
    click.echo("audit chain intact" if not problems else f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


@main.group()
def tokens():
    """API tokens for systems such as the hotline switchboard."""


@tokens.command("create")
@click.option("--user", "username", required=True, help="the user the system acts as")
@click.option("--name", required=True, help="what the token is for")
@friendly
def tokens_create(username, name):
    """Print a new bearer token (shown once; only its hash is stored)."""
    from engine.accounts import create_api_token

    click.echo(create_api_token(make_engine(), username, name))


@tokens.command("list")
@friendly
def tokens_list():
    """List API tokens (id, name, user, created, revoked); the tokens themselves are never stored."""
    from engine.accounts import list_api_tokens

    rows = list_api_tokens(make_engine())
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

    if revoke_api_token(make_engine(), token_id):
        click.echo(f"token {token_id} revoked")
    else:
        click.echo(f"token {token_id} was already revoked")


@main.group()
def reports():
    """Statutory report schedules."""


@reports.command("schedule")
@click.option("--province", required=True)
@click.option("--code", required=True, help="e.g. ky_1")
@click.option("--label", required=True)
@click.option("--due", required=True, help="DD/MM, the day the report is due each year")
@click.option("--remind-days", type=click.IntRange(1, 90), default=10, show_default=True)
@friendly
def reports_schedule(province, code, label, due, remind_days):
    """Add or change a report of a province's reporting calendar."""
    from workflows.reporting import set_schedule

    try:
        day, month = (int(x) for x in due.split("/"))
    except ValueError:
        click.echo(f"Lỗi / error: --due '{due}' must be DD/MM", err=True)
        sys.exit(1)
    set_schedule(make_engine(), province, code, label, month, day, remind_days)
    click.echo(f"{province} {code}: due {day:02d}/{month:02d}, reminder {remind_days} days before")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--workers", default=2, type=int, show_default=True)
@click.option("--timers/--no-timers", default=True, help="also run the timer worker")
def serve_cmd(host, port, workers, timers):
    """Serve the web UI with gunicorn (and the timer worker beside it, restarted if it ever exits).

    SIGTERM or SIGINT stops gunicorn and the timer worker before ``serve`` exits: nothing is left running.
    """
    stopping = {"flag": False}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"{host}:{port}",
                               "--access-logfile", "-", "webui.wsgi:app"])
    worker = subprocess.Popen([sys.executable, "-m", "webui.cli", "timers", "run"]) if timers else None

    def _stop(*_):
        stopping["flag"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stopping["flag"] and server.poll() is None:
            if worker is not None and worker.poll() is not None:
                click.echo(f"timer worker exited ({worker.returncode}); restarting it", err=True)
                time.sleep(1)
                worker = subprocess.Popen([sys.executable, "-m", "webui.cli", "timers", "run"])
            time.sleep(0.3)
    finally:
        for proc in (server, worker):
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in (server, worker):
            if proc is None:
                continue
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    sys.exit(server.returncode if server.returncode and not stopping["flag"] else 0)


from webui import cli_cases  # noqa: E402,F401  (registers cases start/show and tasks complete)

if __name__ == "__main__":
    from webui.cli import main as _main  # ``python -m`` runs a copy of this module: use the registered one

    _main()
