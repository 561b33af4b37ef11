"""gunicorn's configuration for BVTE: ``gunicorn -c python:webui.gunicorn_conf webui.wsgi:app``.

- Logs: gunicorn's error and access logs and the app's in one form (``webui.logging_config``).
- Metrics across workers: prometheus-client's multiprocess mode. Each worker writes its request counters
  and latencies to files in ``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` (in any worker) sums them. The
  directory must be set before any worker imports ``prometheus_client``, so it is set here, in the master:
  the given one (emptied at start, as prometheus-client requires) or a new temporary one, removed at exit.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile

_OWN_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="bvte-metrics-")

from webui.logging_config import ACCESS_LOG_FORMAT  # noqa: E402
from webui.logging_config import dict_config  # noqa: E402

logconfig_dict = dict_config()
access_log_format = ACCESS_LOG_FORMAT
accesslog = "-"


def on_starting(server) -> None:
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(path, exist_ok=True)
    for stale in glob.glob(os.path.join(path, "*.db")):   # counts of an earlier run are not this run's
        os.remove(stale)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _OWN_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
