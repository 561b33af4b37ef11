"""``bvte serve``: gunicorn, the timer worker and the notification sender beside it, stopped together."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import click

TIMER_WORKER = [sys.executable, "-m", "webui.cli", "timers", "run"]
NOTIFY_WORKER = [sys.executable, "-m", "webui.cli", "notify", "run"]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--workers", default=2, type=int, show_default=True)
@click.option("--timers/--no-timers", default=True, help="also run the timer worker")
@click.option("--notify/--no-notify", default=True, help="also run the notification sender (bvte notify run)")
def serve_cmd(host, port, workers, timers, notify):
    """Serve the web UI with gunicorn (and the timer worker beside it, restarted if it ever exits).

    SIGTERM or SIGINT stops gunicorn and the timer worker before ``serve`` exits: nothing is left running.
    """
    stopping = {"flag": False}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:webui.gunicorn_conf", "-w", str(workers),
                               "-b", f"{host}:{port}", "--access-logfile", "-", "webui.wsgi:app"])
    worker = subprocess.Popen(TIMER_WORKER) if timers else None
    sender = subprocess.Popen(NOTIFY_WORKER) if notify else None

    def _stop(*_):
        stopping["flag"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stopping["flag"] and server.poll() is None:
            if worker is not None and worker.poll() is not None:
                click.echo(f"timer worker exited ({worker.returncode}); restarting it", err=True)
                time.sleep(1)
                worker = subprocess.Popen(TIMER_WORKER)
            if sender is not None and sender.poll() is not None:
                click.echo(f"notification sender exited ({sender.returncode}); restarting it", err=True)
                time.sleep(1)
                sender = subprocess.Popen(NOTIFY_WORKER)
            time.sleep(0.3)
    finally:
        for proc in (server, worker, sender):
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in (server, worker, sender):
            if proc is None:
                continue
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    sys.exit(server.returncode if server.returncode and not stopping["flag"] else 0)


COMMANDS = [serve_cmd]
