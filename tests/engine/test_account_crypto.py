"""Two-factor secrets are encrypted at rest (issue #20.4): what the database holds is a Fernet token under the
key file, production refuses to run without the key, a wrong key is an error and not a silent lock-out, and
migration 0021 encrypts the secrets stored in clear before it (SQLite and PostgreSQL)."""

import pyotp
import pytest
from sqlalchemy import text

from engine import account_crypto
from engine import account_self
from engine.db import Database
from engine.migrate import upgrade
from tests.support.db import throwaway_pg


@pytest.fixture(autouse=True)
def _dev_key_after():
    yield
    account_crypto.configure()


def _uid(engine, username):
    with engine.db.read() as s:
        return s.execute(text("SELECT id FROM users WHERE username = :u"), {"u": username}).scalar()


def _stored(engine, uid):
    with engine.db.read() as s:
        return s.execute(text("SELECT totp_secret FROM user_security WHERE user_id = :u"), {"u": uid}).scalar()


def test_the_database_holds_no_secret_in_clear(sqlite_engine, tmp_path, monkeypatch):
    key = tmp_path / "totp.key"
    key.write_bytes(b"k" * 40 + b"\n")
    monkeypatch.setenv(account_crypto.ENV, str(key))
    account_crypto.configure()
    uid = _uid(sqlite_engine, "canbo.x01")
    secret, uri = account_self.totp_begin(sqlite_engine, uid)
    stored = _stored(sqlite_engine, uid)
    assert stored.startswith("f1:") and secret not in stored and secret in uri
    assert account_self.pending_secret(sqlite_engine, uid) == secret   # the second visit shows the same one
    account_self.totp_confirm(sqlite_engine, uid, pyotp.TOTP(secret).at(sqlite_engine.now()))
    assert _stored(sqlite_engine, uid) == stored
    # another key cannot read it: an error that says so, not a silent refusal of every code
    other = tmp_path / "other.key"
    other.write_bytes(b"o" * 40)
    account_crypto.configure(account_crypto.keys_from_env({account_crypto.ENV: str(other)}))
    with pytest.raises(account_crypto.SecretUnreadable, match="BVTE_TOTP_KEY_FILE"):
        account_self.totp_check(sqlite_engine, uid, "000000")
    # rotation: the new key first, the old one after it, still reads
    both = tmp_path / "both.key"
    both.write_bytes(b"o" * 40 + b"\n" + b"k" * 40 + b"\n")
    box = account_crypto.configure(account_crypto.keys_from_env({account_crypto.ENV: str(both)}))
    assert box.open(stored) == secret and box.reseal(stored) != stored


def test_production_needs_the_key_file(tmp_path):
    with pytest.raises(account_crypto.SecretKeyMissing, match="BVTE_TOTP_KEY_FILE"):
        account_crypto.keys_from_env({"BVTE_ENV": "production"})
    short = tmp_path / "short.key"
    short.write_bytes(b"short")
    with pytest.raises(account_crypto.SecretKeyMissing, match="32 bytes"):
        account_crypto.keys_from_env({"BVTE_ENV": "production", account_crypto.ENV: str(short)})
    assert account_crypto.keys_from_env({}) == [account_crypto.DEV_KEY]


def _migrates_clear_secrets(url):
    db = Database(url)
    try:
        upgrade(db, "0020")
        with db.write() as s:
            s.execute(text("INSERT INTO provinces (code, name) VALUES ('P9', 'P9')"))
            s.execute(text("INSERT INTO users (username, password_hash, full_name, role, active, created_at) "
                           "VALUES ('u9', 'x', 'U', 'policy', true, CURRENT_TIMESTAMP)"))
            uid = s.execute(text("SELECT id FROM users WHERE username = 'u9'")).scalar()
            s.execute(text("INSERT INTO user_security (user_id, must_change_password, totp_secret, totp_enabled, "
                           "recovery_codes) VALUES (:u, false, 'JBSWY3DPEHPK3PXP', true, '[]')"), {"u": uid})
        upgrade(db)
        with db.read() as s:
            stored = s.execute(text("SELECT totp_secret FROM user_security WHERE user_id = :u"), {"u": uid}).scalar()
        assert stored.startswith("f1:") and "JBSWY3DPEHPK3PXP" not in stored
        assert account_crypto.open_secret(stored) == "JBSWY3DPEHPK3PXP"
    finally:
        db.dispose()


def test_0021_encrypts_existing_secrets_sqlite(tmp_path):
    _migrates_clear_secrets(f"sqlite:///{tmp_path}/m.sqlite3")


def test_0021_encrypts_existing_secrets_postgres():
    pg = throwaway_pg("bvte_totp")
    try:
        _migrates_clear_secrets(pg.url)
    finally:
        pg.drop()
