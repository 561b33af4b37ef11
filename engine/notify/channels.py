"""Delivery channels: e-mail over SMTP and SMS/Zalo through a province's HTTP gateway.

``BVTE_SMTP_URL``: ``smtp://user:pass@host:587`` (STARTTLS when the server offers it; ``?tls=require``
refuses a server that does not, ``?tls=off`` never asks) or ``smtps://…:465`` (TLS from the start).
``BVTE_SMTP_CA_FILE`` names the CA bundle the server's certificate is checked against (default: the
system's). ``BVTE_MAIL_FROM`` is the sender address.

``BVTE_SMS_WEBHOOK_URL`` receives ``POST`` with a JSON body ``{"id", "to", "text", "emergency", "event"}``;
``X-BVTE-Timestamp`` is the Unix time of sending and ``X-BVTE-Signature`` is
``sha256=<hex HMAC-SHA256 under BVTE_SMS_WEBHOOK_SECRET of "<timestamp>.<body bytes>">``;
``Idempotency-Key: bvte-<id>`` lets a gateway drop a repeat. 2xx is delivered; 4xx other than 408/429 is a
permanent failure; anything else is retried.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Mapping
from urllib.parse import parse_qs
from urllib.parse import unquote
from urllib.parse import urlsplit

TIMEOUT = 10.0


class DeliveryError(Exception):
    """A failed delivery; ``permanent`` ones are not retried; ``down``: the channel itself failed (the rest of
    the batch is not tried, and waits for the retry)."""

    def __init__(self, reason: str, permanent: bool = False, down: bool = False):
        super().__init__(reason)
        self.permanent = permanent
        self.down = down


@dataclass
class Outgoing:
    id: int
    to: str
    subject: str
    body: str
    emergency: bool
    event: str
    at: float   # Unix time of sending (the engine's clock)


class SmtpChannel:
    """One SMTP connection per batch (opened on the first message, closed by ``close``)."""

    def __init__(self, url: str, sender: str, ca_file: str | None = None, timeout: float = TIMEOUT):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("BVTE_SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://…")
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.tls = (parse_qs(parts.query).get("tls") or ["auto"])[0]
        self.sender = sender
        self.ca_file = ca_file
        self.timeout = timeout
        self._conn: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def _open(self) -> smtplib.SMTP:
        try:
            return self._connect()
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP authentication refused: {exc.smtp_code}", down=True) from None
        except UnicodeError:
            raise DeliveryError("SMTP user or password is not ASCII", down=True) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP unavailable: {exc}", down=True) from None

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                  context=self._context())
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            conn.ehlo()
            if not self.implicit_tls and self.tls != "off" and conn.has_extn("starttls"):
                conn.starttls(context=self._context())
                conn.ehlo()
            elif not self.implicit_tls and self.tls == "require":
                raise DeliveryError("SMTP server does not offer STARTTLS", down=True)
            if self.user:
                conn.login(self.user, self.password or "")
            return conn
        except BaseException:
            conn.close()
            raise

    def send(self, msg: Outgoing) -> None:
        if self._conn is None:
            self._conn = self._open()
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = msg.to
        mail["Subject"] = msg.subject
        mail["Date"] = formatdate(msg.at, localtime=False)
        domain = self.sender.rsplit("@", 1)[-1] if "@" in self.sender else "bvte.invalid"
        mail["Message-ID"] = f"<notification-{msg.id}@{domain}>"   # the same on a retry: receivers can drop it
        if msg.emergency:
            mail["Importance"] = "high"
        mail.set_content(msg.body)
        try:
            self._conn.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"recipient refused: {list(exc.recipients.values())[0]}", permanent=True) from None
        except smtplib.SMTPSenderRefused as exc:   # BVTE_MAIL_FROM refused: every message waits for the fix
            raise DeliveryError(f"SMTP refused the sender: {exc.smtp_code}", down=True) from None
        except smtplib.SMTPResponseException as exc:   # an answer about this message: 5xx for good, 4xx later
            raise DeliveryError(f"SMTP answered {exc.smtp_code}", permanent=exc.smtp_code >= 500) from None
        except (OSError, smtplib.SMTPException) as exc:   # the connection broke or timed out
            self.close()
            raise DeliveryError(f"SMTP unavailable: {exc}", down=True) from None

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-BVTE-Signature`` value of a webhook call."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


class WebhookChannel:
    """SMS / Zalo through the province's gateway: a signed JSON POST per message."""

    def __init__(self, url: str, secret: str, timeout: float = TIMEOUT):
        if not url.startswith(("http://", "https://")):
            raise ValueError("BVTE_SMS_WEBHOOK_URL must be an http(s) URL")
        if not secret:
            raise ValueError("BVTE_SMS_WEBHOOK_SECRET is required with BVTE_SMS_WEBHOOK_URL")
        self.url, self.secret, self.timeout = url, secret, timeout

    def send(self, msg: Outgoing) -> None:
        body = json.dumps({"id": msg.id, "to": msg.to, "text": msg.body, "emergency": msg.emergency,
                           "event": msg.event}, ensure_ascii=False).encode()
        stamp = str(int(msg.at))
        req = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "X-BVTE-Timestamp": stamp,
            "X-BVTE-Signature": sign(self.secret, stamp, body), "Idempotency-Key": f"bvte-{msg.id}"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:   # noqa: S310 - configured URL
                resp.read()
        except urllib.error.HTTPError as exc:
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise DeliveryError(f"SMS gateway answered {exc.code}", permanent=permanent) from None
        except (OSError, ValueError) as exc:
            raise DeliveryError(f"SMS gateway unavailable: {exc}", down=True) from None

    def close(self) -> None:
        pass


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, SmtpChannel | WebhookChannel]:
    """The channels configured in the environment (a channel not configured keeps its rows queued)."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    out: dict[str, SmtpChannel | WebhookChannel] = {}
    if env.get("BVTE_SMTP_URL"):
        out["email"] = SmtpChannel(env["BVTE_SMTP_URL"], env.get("BVTE_MAIL_FROM") or "bvte@localhost",
                                   env.get("BVTE_SMTP_CA_FILE") or None)
    if env.get("BVTE_SMS_WEBHOOK_URL"):
        out["sms"] = WebhookChannel(env["BVTE_SMS_WEBHOOK_URL"], env.get("BVTE_SMS_WEBHOOK_SECRET") or "")
    return out


def base_url(environ: Mapping[str, str] | None = None) -> str:
    env: Mapping[str, str] = os.environ if environ is None else environ
    return (env.get("BVTE_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
