"""A province's choice of which level of local government carries a task the law leaves to it.

The engine knows no procedure: a process family declares its ``LevelSplit`` rules (``engine.process``), each a
setting key, the user tasks it covers, the agency type at each level, the default level, and an end date after
which the setting no longer applies and the rule's ``after_end`` level does (a transitional decree expires).
This module stores a province's choice (table ``province_settings``, migration 0025), reads it when a task opens
(``level_for``) and changes it in one audited transaction (``set_level``). No Flask here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column

from engine import audit
from engine.db import Base
from engine.errors import InvalidTaskData
from engine.models import TZ
from engine.process import LevelSplit
from engine.workdays import VN_TZ


class ProvinceSetting(Base):
    """One province's value of one setting (e.g. ``nd147.alternative_care`` = ``province``)."""

    __tablename__ = "province_settings"
    province_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(500), default="")
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[dt.datetime] = mapped_column(TZ)


def expired(rule: LevelSplit, now: dt.datetime) -> bool:
    """True from the rule's end date on (Vietnam time): the province's choice no longer applies."""
    return rule.until is not None and now.astimezone(VN_TZ).date() >= rule.until


def level_for(s: Session, rule: LevelSplit, province_code: str | None, now: dt.datetime) -> str:
    """The level ("commune" or "province") that carries ``rule``'s tasks in the province at ``now``."""
    if expired(rule, now):
        return rule.after_end
    if province_code:
        row = s.get(ProvinceSetting, (province_code, rule.key))
        if row is not None and row.value in rule.levels:
            return row.value
    return rule.default


def choices(s: Session, rules: list[LevelSplit], province_code: str, now: dt.datetime) -> list[dict]:
    """Each rule with the province's level now, whether it was chosen or is the default, and who chose it."""
    rows = {r.key: r for r in s.execute(select(ProvinceSetting).where(
        ProvinceSetting.province_code == province_code)).scalars()}
    out = []
    for rule in rules:
        row = rows.get(rule.key)
        out.append({"rule": rule, "level": level_for(s, rule, province_code, now), "expired": expired(rule, now),
                    "chosen": row.value if row is not None else None,
                    "changed_by": row.changed_by if row is not None else None,
                    "changed_at": row.changed_at if row is not None else None,
                    "reason": row.reason if row is not None else ""})
    return out


def set_level(s: Session, rule: LevelSplit, province_code: str, level: str, reason: str, actor: str,
              now: dt.datetime) -> None:
    """Record the province's choice in the caller's transaction, audited (``province_setting.set``).
    Raises ``InvalidTaskData`` naming the field when the level or the reason is not acceptable."""
    if level not in rule.levels:
        raise InvalidTaskData({"level": [f"'{level}' không phải một cấp của thiết lập này / not one of "
                                         f"{', '.join(sorted(rule.levels))}"]})
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTaskData({"reason": ["cần ghi căn cứ (văn bản của tỉnh) / give the basis for the change"]})
    if len(reason) > 500:
        raise InvalidTaskData({"reason": ["tối đa 500 ký tự / at most 500 characters"]})
    row = s.get(ProvinceSetting, (province_code, rule.key))
    before = row.value if row is not None else None
    if row is None:
        row = ProvinceSetting(province_code=province_code, key=rule.key)
    row.value, row.reason, row.changed_by, row.changed_at = level, reason, actor, now
    s.add(row)
    audit.append(s, now, actor, "province_setting.set", province=province_code,
                 detail={"key": rule.key, "from": before or f"default:{rule.default}", "to": level, "reason": reason})


def show(engine, rules: list[LevelSplit], province_code: str) -> list[dict]:
    """``choices`` in a read transaction (the CLI's and the administration page's view)."""
    with engine.db.read() as s:
        return choices(s, rules, province_code, engine.ctx.now())


def change(engine, rules: list[LevelSplit], province_code: str, key: str, level: str, reason: str,
           actor: str) -> LevelSplit:
    """Set one province's level for the rule ``key`` (one transaction, audited); tasks opened from now on are
    routed by it, tasks already open stay where they are. Raises ``InvalidTaskData`` naming the bad field."""
    from engine.models import Province

    rule = next((r for r in rules if r.key == key), None)
    if rule is None:
        raise InvalidTaskData({"key": [f"không có thiết lập '{key}' / no such setting"]})
    with engine.db.write() as s:
        if s.get(Province, province_code) is None:
            raise InvalidTaskData({"province": [f"không có tỉnh '{province_code}' / unknown province"]})
        set_level(s, rule, province_code, level, reason, actor, engine.ctx.now())
    engine.router.forget()
    return rule
