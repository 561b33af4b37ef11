"""Tables of the people register (migration 0018): one record per person, whatever procedure their cases
belong to; the procedure decides what a record means (``workflows/<code>/register.py``).

- ``persons``: the record (names, sex, birth, identifier, residence) with the folded name the search reads;
- ``person_cases``: the case -> person link (one person per case; a person has any number of cases);
- ``person_relations``: the people around the person (caregivers), with their folded names;
- ``person_periods``: dated memberships the procedure defines (groups, risk flags), with their basis;
- ``person_consents``: consents to share the record, and their withdrawal;
- ``person_name_parts``: every folded name syllable with its count (the search corrects typos against it);
- ``register_settings``: a province's retention period before closed records are anonymised.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DDL
from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import event
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.db import Base
from engine.models import TZ


class Person(Base):
    """One person of the register. ``name_folded`` is ``engine.register.fold.fold(full_name)``;
    ``name_key`` its first and last syllables (a record found when a middle name is missing or extra)."""

    __tablename__ = "persons"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)   # random UUID
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    full_name: Mapped[str] = mapped_column(String(200))
    other_names: Mapped[list] = mapped_column(JSON, default=list)   # other spellings, nicknames
    name_folded: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(100))
    sex: Mapped[str | None] = mapped_column(String(16), nullable=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    birth_estimated: Mapped[bool] = mapped_column(Boolean, default=False)   # the year from an estimated age
    id_number: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    residence_commune_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    residence_detail: Mapped[str | None] = mapped_column(String(200), nullable=True)   # hamlet, village, group
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)   # the procedure's other fields
    status: Mapped[str] = mapped_column(String(16), default="active")   # active | anonymised
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(TZ)
    updated_at: Mapped[dt.datetime] = mapped_column(TZ)
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)
    __table_args__ = (Index("ix_persons_province_name", "province_code", "name_folded"),
                      Index("ix_persons_commune_name", "residence_commune_code", "name_folded"),
                      Index("ix_persons_province_key", "province_code", "name_key"),
                      Index("ix_persons_commune_key", "residence_commune_code", "name_key"))


class PersonCase(Base):
    """The person a case is about, decided by an officer (matched to a record or a new record created)."""

    __tablename__ = "person_cases"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(16))   # matched | created | moved
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime] = mapped_column(TZ)


class PersonRelation(Base):
    """Someone around the person: a caregiver (parent, grandparent, guardian ...) and how to reach them."""

    __tablename__ = "person_relations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    relationship: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    is_caregiver: Mapped[bool] = mapped_column(Boolean, default=True)
    # the person's province and residence commune, copied here (kept by ``records``) for the search's indexes
    province_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    residence_commune_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    __table_args__ = (Index("ix_person_relations_province_name", "province_code", "name_folded"),
                      Index("ix_person_relations_commune_name", "residence_commune_code", "name_folded"))


class PersonPeriod(Base):
    """A dated membership of the procedure's kind (``group``, ``risk`` ...) and code, with its basis."""

    __tablename__ = "person_periods"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    basis: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[dt.datetime] = mapped_column(TZ)
    __table_args__ = (Index("ix_person_periods_kind_code", "kind", "code"),)


class PersonConsent(Base):
    """A consent to share the person's data with a recipient for a purpose; withdrawn keeps the row."""

    __tablename__ = "person_consents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    data_scope: Mapped[str] = mapped_column(Text)          # what may be shared
    given_by: Mapped[str] = mapped_column(String(200))     # who consented (the person, a parent, a guardian)
    given_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    evidence: Mapped[str | None] = mapped_column(String(300), nullable=True)   # where the signed form is kept
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[dt.datetime] = mapped_column(TZ)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(TZ, nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(80), nullable=True)


class PersonNamePart(Base):
    """A folded name syllable and how many names hold it (the typo-correcting search's dictionary)."""

    __tablename__ = "person_name_parts"
    part: Mapped[str] = mapped_column(String(60), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class RegisterSettings(Base):
    """A province's register settings: years after the last case closed before a record is anonymised."""

    __tablename__ = "register_settings"
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), primary_key=True)
    retention_years: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[dt.datetime] = mapped_column(TZ)


# PostgreSQL: trigram indexes on the folded names (pg_trgm, the search's last, fuzzy tier) and unaccent for
# SQL read by people; both extensions only where the server has them and the role may create them, so a
# database without them still works (the search then skips its fuzzy tier). Migration 0018 runs the same.
PG_EXTENSIONS = """DO $$ BEGIN
  BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'pg_trgm: %', SQLERRM; END;
  BEGIN CREATE EXTENSION IF NOT EXISTS unaccent; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'unaccent: %', SQLERRM; END;
END $$"""
PG_TRGM_INDEX = """DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops);
  END IF;
END $$"""
TRGM_INDEXES = (("ix_persons_name_trgm", "persons", "name_folded"),
                ("ix_person_relations_name_trgm", "person_relations", "name_folded"))
# DDL formats its text with %: the PL/pgSQL notices' % are doubled (migration 0018 runs the text as it is)
event.listen(Person.__table__, "before_create",
             DDL(PG_EXTENSIONS.replace("%", "%%")).execute_if(dialect="postgresql"))
for _name, _table, _column in TRGM_INDEXES:
    _target = Person.__table__ if _table == "persons" else PersonRelation.__table__
    event.listen(_target, "after_create",
                 DDL(PG_TRGM_INDEX.format(name=_name, table=_table, column=_column)).execute_if(dialect="postgresql"))
