"""Real servers on loopback for the notification tests and the benchmark: an SMTP server (aiosmtpd, with
STARTTLS and AUTH when asked) and an HTTP server standing in for the province's SMS gateway."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed_cert(directory) -> tuple[str, str]:
    """A certificate for 127.0.0.1 (openssl), as (cert file, key file); the cert is its own CA."""
    cert, key = str(directory / "smtp-cert.pem"), str(directory / "smtp-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


class Mailbox:
    """What the SMTP server accepted: (recipients, parsed message) in order."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):   # noqa: N802 - aiosmtpd's hook name
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


class SmtpServer:
    """aiosmtpd on 127.0.0.1; ``stop()`` and ``start()`` again on the same port simulate an outage."""

    def __init__(self, tls_files: tuple[str, str] | None = None, login: tuple[str, str] | None = None):
        self.port = free_port()
        self.mailbox = Mailbox()
        self.tls_files = tls_files
        self.login = login
        self.controller = None

    def start(self) -> SmtpServer:
        import ssl

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        kwargs: dict = {}
        if self.tls_files:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*self.tls_files)
            kwargs.update(tls_context=ctx, require_starttls=True)
        if self.login:
            expected = self.login

            def check(server, session, envelope, mechanism, auth_data):
                ok = (auth_data.login.decode(), auth_data.password.decode()) == expected
                return AuthResult(success=ok)

            kwargs.update(authenticator=check, auth_required=True, auth_require_tls=bool(self.tls_files))
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        auth = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        return f"smtp://{auth}127.0.0.1:{self.port}" + ("?tls=require" if self.tls_files else "")


class Gateway:
    """An HTTP server recording each POST (headers, raw body) and answering ``status``."""

    def __init__(self, status: int = 200):
        self.calls: list[tuple] = []
        self.status = status
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):   # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway.calls.append((self.headers, body))   # case-insensitive
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Gateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def bodies(self) -> list[dict]:
        return [json.loads(b) for _, b in self.calls]
