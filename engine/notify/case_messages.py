"""Messages and directives left on a case for an agency (issue #17.1): Sở Y tế's guidance, check or
reminder (*hướng dẫn, kiểm tra, đôn đốc*, its remit over a commune since NĐ 42/2025), the chairman's
direction, a referral agency's word to the commune officer.

- **Need-to-know.** A message is written by, and addressed to, only an agency whose people may see the case
  (``addressable``): one holding or having held a task of it, or an agency of the case's communes whose type
  sees every case of its commune (the caller names those types: the engine names no role). Luật Trẻ em 2016
  Điều 6 forbids disclosing a child's private information (NĐ 56/2017 Điều 33 lists it); so a message is read
  on the case only by its author's agency, its addressee and those who see the whole case.
- **No child data leaves the case.** The text stays on the case: the notification (bell, e-mail, SMS) carries
  the kind, the sending agency, the case reference and a link, never the text, a child's or a reporter's name.
- **One transaction**: the message row, its notifications (``outbox.enqueue_message``) and its audit event
  (``case.message``: kind, addressee, length and SHA-256 of the text, not the text).

Which agency types may send which kind is the procedure's (``NotifySettings.message_senders``); without a
rule any agency that may see the case may send any kind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any
from typing import Iterable

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.context import Actor
from engine.errors import Forbidden
from engine.errors import InvalidTaskData
from engine.errors import NotFound
from engine.models import Agency
from engine.models import Case
from engine.notify.models import CaseMessage
from engine.queries import agencies_involved

MAX_TEXT = 2_000
MIN_TEXT = 3
# kind: (Vietnamese, English)
KINDS = {
    "trao_doi": ("Trao đổi", "Message"),
    "huong_dan": ("Hướng dẫn", "Guidance"),
    "kiem_tra": ("Kiểm tra", "Check"),
    "don_doc": ("Đôn đốc", "Reminder to act"),
    "chi_dao": ("Chỉ đạo", "Direction"),
}


@dataclass(frozen=True)
class Shown:
    """A message as the case file shows it."""

    id: str
    kind: str
    label_vi: str
    label_en: str
    author: str
    from_agency: str
    to_agency: str
    body: str
    created_at: dt.datetime


def addressable(s: Session, case: Case, full_types: Iterable[str]) -> list[Agency]:
    """The active agencies whose people may see ``case``: those holding or having held a task of it, and the
    agencies of ``full_types`` in the case's communes (where it is handled, happened, the child lives)."""
    involved = agencies_involved(s, case.id)
    communes = {c for c in (case.commune_code, case.incident_commune_code, case.residence_commune_code) if c}
    who: list[Any] = [Agency.id.in_(sorted(involved))] if involved else []
    if communes:
        who.append(Agency.agency_type.in_(list(full_types)) & Agency.commune_code.in_(sorted(communes)))
    if not who:
        return []
    q = select(Agency).where(Agency.active.is_(True), or_(*who))
    return list(s.execute(q.order_by(Agency.province_code, Agency.commune_code, Agency.name)).scalars())


def recipients(engine: Any, case_id: str, full_types: Iterable[str]) -> list[Agency]:
    """``addressable`` for the case page's form."""
    with engine.db.read() as s:
        case = s.get(Case, case_id)
        return [] if case is None else addressable(s, case, full_types)


def _senders_rule(engine: Any, s: Session, case: Case) -> dict[str, tuple[str, ...]]:
    from engine.notify.outbox import settings_for

    return dict(settings_for(s, engine.registry, case.process_version_id).message_senders)


def kinds_for(engine: Any, case_id: str, agency_type: str | None) -> list[str]:
    """The kinds an agency of ``agency_type`` may send on the case (the procedure's rule; all without one)."""
    with engine.db.read() as s:
        case = s.get(Case, case_id)
        rule = _senders_rule(engine, s, case) if case is not None else {}
    return [k for k in KINDS if k not in rule or (agency_type or "") in rule[k]]


def post(engine: Any, case_id: str, actor: Actor, to_agency_id: int | str | None, kind: str, text: str,
         full_types: Iterable[str]) -> str:
    """Leave a message on the case for an agency; returns its id.

    Raises ``InvalidTaskData`` naming the field (``kind``, ``to``, ``text``), ``Forbidden`` when the
    author's agency may not see the case or send that kind, ``NotFound`` for no such case."""
    from engine.notify.outbox import enqueue_message

    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = ["Chọn loại tin nhắn / choose the kind of message"]
    if len(text) < MIN_TEXT or len(text) > MAX_TEXT:
        errors["text"] = [f"Nội dung từ {MIN_TEXT} đến {MAX_TEXT} ký tự / the text must be "
                          f"{MIN_TEXT} to {MAX_TEXT} characters"]
    elif any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        errors["text"] = ["Nội dung có ký tự điều khiển / the text has control characters"]
    try:
        to_id = int(to_agency_id) if to_agency_id not in (None, "") else None
    except (TypeError, ValueError):
        to_id = None
    if to_id is None:
        errors["to"] = ["Chọn cơ quan nhận / choose the agency it is for"]
    if errors:
        raise InvalidTaskData(errors)
    full_types = list(full_types)
    now = engine.now()
    with engine.db.write() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound("không tìm thấy hồ sơ / no such case")
        allowed = {a.id: a for a in addressable(s, case, full_types)}
        if actor.agency_id is None or actor.agency_id not in allowed:
            raise Forbidden("cơ quan của bạn không xem được hồ sơ này / your agency may not see this case")
        rule = _senders_rule(engine, s, case)
        sender = allowed[actor.agency_id]
        if kind in rule and sender.agency_type not in rule[kind]:
            raise Forbidden("cơ quan của bạn không gửi được loại tin nhắn này / your agency may not send this kind")
        if to_id not in allowed or to_id == actor.agency_id:
            raise InvalidTaskData({"to": ["Cơ quan nhận phải là cơ quan khác được xem hồ sơ / the addressee must "
                                          "be another agency that may see the case"]})
        message_id = str(uuid.uuid4())
        s.add(CaseMessage(id=message_id, case_id=case.id, kind=kind, author_id=actor.user_id,
                          author_name=actor.label, from_agency_id=sender.id, to_agency_id=to_id, body=text,
                          created_at=now))
        s.flush()
        vi, en = KINDS[kind]
        enqueue_message(s, now, case, to_id, message_id, title=f"{vi} / {en} — {sender.name}")
        audit.append(s, now, actor.label, "case.message", case.id, detail={
            "message": message_id, "kind": kind, "from": sender.code, "to": allowed[to_id].code,
            "length": len(text), "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
    return message_id


def for_reader(engine: Any, case_id: str, agency_id: int | None, whole_case: bool) -> list[Shown]:
    """The case's messages this reader may read, oldest first: all of them for one who sees the whole case,
    else those from or to the reader's agency."""
    from sqlalchemy.orm import aliased

    src, dst = aliased(Agency), aliased(Agency)
    with engine.db.read() as s:
        q = (select(CaseMessage, src.name, dst.name).join(src, src.id == CaseMessage.from_agency_id)
             .join(dst, dst.id == CaseMessage.to_agency_id).where(CaseMessage.case_id == case_id))
        if not whole_case:
            if agency_id is None:
                return []
            q = q.where(or_(CaseMessage.from_agency_id == agency_id, CaseMessage.to_agency_id == agency_id))
        rows = s.execute(q.order_by(CaseMessage.created_at, CaseMessage.id)).all()
    out = []
    for m, f, t in rows:
        vi, en = KINDS.get(m.kind, (m.kind, m.kind))
        out.append(Shown(m.id, m.kind, vi, en, m.author_name, f, t, m.body, m.created_at))
    return out
