"""Closed-loop load from a second process: N keep-alive clients completing tasks as fast as answered.

Usage: python bench/load_client.py CONFIG.json  (port, token, tasks, seconds, clients); prints JSON.
"""

import http.client
import json
import queue
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.samples import HIGH  # noqa: E402

# the initial assessment's data as the tests complete it (a form that gains a required field cannot leave the
# benchmark posting an outdated body: every request would be a 422 and the throughput 0/s)
BODY = json.dumps({"data": HIGH})


def main(path):
    with open(path) as fh:
        cfg = json.load(fh)
    tasks = queue.Queue()
    for t in cfg["tasks"]:
        tasks.put(t)
    counts = {"ok": 0, "conflict": 0, "error": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + cfg["seconds"]
    headers = {"Authorization": f"Bearer {cfg['token']}", "Content-Type": "application/json"}

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", cfg["port"], timeout=30)
        while time.monotonic() < deadline:
            try:
                tid = tasks.get_nowait()
            except queue.Empty:
                return
            try:
                conn.request("POST", f"/api/v1/tasks/{tid}/complete", body=BODY, headers=headers)
                resp = conn.getresponse()
                resp.read()
                kind = "ok" if resp.status == 200 else "conflict" if resp.status == 409 else "error"
            except OSError:
                kind = "error"
                conn = http.client.HTTPConnection("127.0.0.1", cfg["port"], timeout=30)
            with lock:
                counts[kind] += 1

    start = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(cfg["clients"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    print(json.dumps({"per_second": counts["ok"] / elapsed, "errors": counts["error"],
                      "conflicts": counts["conflict"], "completed": counts["ok"], "seconds": elapsed}))


if __name__ == "__main__":
    main(sys.argv[1])
