"""What the engine needs to know about one process family, supplied by ``workflows``.

The engine never imports ``workflows``: the composition root builds ``ProcessConfig`` objects and
passes a ``ProcessRegistry`` in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable
from typing import Mapping
from typing import Protocol

from engine.notify.settings import NotifySettings
from engine.workdays import DeadlineRule


class FormValidator(Protocol):
    def validate(self, data: dict) -> dict:
        """Return cleaned, JSON-safe data or raise ``engine.errors.InvalidTaskData``."""


@dataclass
class StatutoryGuard:
    """A rule a process version must keep, e.g. the 12-hour emergency timer on the emergency path."""

    name: str
    description_vi: str
    check: Callable[[Any], list[tuple[str, str]]]   # ParsedBundle -> problems


@dataclass
class EventRule:
    """Who may deliver a message or a signal to a case of the process, and what its payload holds.

    ``senders``: agency types whose agency serving the case's commune may send it (empty: the registry's
    default agency, the commune case manager); ``form``: the payload's validator (None: any JSON object)."""

    kind: str                              # "message" | "signal"
    name: str
    senders: frozenset[str] = frozenset()
    form: FormValidator | None = None
    title_vi: str = ""
    title_en: str = ""


@dataclass(frozen=True)
class LevelSplit:
    """A task the law lets each province give to the commune or to the province (``engine.province_settings``).

    ``levels``: level ("commune", "province") -> agency type the tasks then go to; ``default``: the level when the
    province has chosen none; ``until``: the first day the choice no longer applies (a transitional decree's end),
    from which ``after_end`` applies whatever the province chose."""

    key: str
    tasks: frozenset[str]
    levels: Mapping[str, str]
    default: str
    title_vi: str = ""
    title_en: str = ""
    basis: str = ""
    until: dt.date | None = None
    after_end: str = ""


@dataclass
class ProcessConfig:
    """Per-process knowledge.

    Attributes:
        process_id: the executable BPMN process id of the main process.
        lane_agencies: lane id -> agency type code, for every lane of every process in the bundle.
        forms: user task id -> validator of the data a person submits.
        deadlines: rule name -> rule; BPMN timers call ``due("rule")``.
        task_deadlines: user task id -> rule name, the due instant shown in inboxes.
        commune_field: task-data key naming the commune now responsible for the case.
        titles: optional task id -> display title overriding the BPMN name.
        notify: emergencies, reminder lead times and break-glass recipients (``engine.notify.settings``).
        events: (kind, name) -> who may deliver that message or signal and its payload (``engine.messages``).
        level_splits: tasks a province gives to the commune or the province (``engine.province_settings``).
    """

    process_id: str
    lane_agencies: dict[str, str]
    forms: Mapping[str, FormValidator] = field(default_factory=dict)
    deadlines: dict[str, DeadlineRule] = field(default_factory=dict)
    task_deadlines: dict[str, str] = field(default_factory=dict)
    commune_field: str = "responsible_commune"
    guards: list[StatutoryGuard] = field(default_factory=list)
    bpmn_files: list[str] = field(default_factory=list)
    notify: NotifySettings = field(default_factory=NotifySettings)
    events: Mapping[tuple[str, str], EventRule] = field(default_factory=dict)
    level_splits: list[LevelSplit] = field(default_factory=list)

    def level_split_for(self, task_name: str) -> LevelSplit | None:
        return next((rule for rule in self.level_splits if task_name in rule.tasks), None)


class ProcessRegistry:
    """Lookup of ``ProcessConfig`` by main process id, with a shared lane map for ad-hoc processes."""

    def __init__(self, configs: list[ProcessConfig], agency_types: dict[str, str] | None = None,
                 agency_names: dict[str, str] | None = None, default_agency: str | None = None):
        self._configs = {c.process_id: c for c in configs}
        self.agency_types = dict(agency_types or {})   # code -> display name
        # normalised display names (Vietnamese, English) -> code, so a lane drawn as "Công an xã" or
        # "Commune police" in a modeller maps without code changes
        self.agency_names = {_norm(k): v for k, v in (agency_names or {}).items()}
        # where the human tasks of a process drawn without any lane go (the commune case manager)
        self.default_agency = default_agency

    def get(self, process_id: str) -> ProcessConfig | None:
        return self._configs.get(process_id)

    def config_for(self, process_id: str) -> ProcessConfig:
        """The registered config (of the family it belongs to), or a bare one mapping lanes by agency-type code."""
        cfg = self.get(process_id)
        if cfg is not None:
            return cfg
        for cfg in self._configs.values():   # a called process of a family (file stem == process id)
            if f"{process_id}.bpmn" in cfg.bpmn_files:
                return cfg
        return ProcessConfig(process_id=process_id, lane_agencies={})

    def lane_agency(self, cfg: ProcessConfig, lane_id: str | None, lane_name: str | None) -> str | None:
        for key in (lane_id, lane_name):
            if key and key in cfg.lane_agencies:
                return cfg.lane_agencies[key]
        for key in (lane_id, lane_name):
            if key and key in self.agency_types:
                return key
        for key in (lane_name, lane_id):
            if key and _norm(key) in self.agency_names:
                return self.agency_names[_norm(key)]
        return None


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())
