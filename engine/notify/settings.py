"""What a procedure tells the notifications (``ProcessConfig.notify``): which deadline rules and tasks are
emergencies, the lead times of the "limit about to pass" reminders, and who hears of a break-glass opening.

Nothing here names a procedure: the procedure package fills it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field


@dataclass(frozen=True)
class LeadTime:
    """A reminder before a limit: ``amount`` hours, or ``amount`` working days (sent at the start of the
    ``amount``-th working day counting back from the limit's last day)."""

    amount: int
    unit: str = "hours"   # hours | working_days

    @property
    def key(self) -> str:
        return f"{self.amount}{'h' if self.unit == 'hours' else 'wd'}"


@dataclass(frozen=True)
class NotifySettings:
    """Attributes:
        emergency_rules: deadline rules whose tasks (and their escalations) are emergencies: SMS to the
            on-duty person, not deferred by quiet hours, not switched off by a user's choice.
        emergency_tasks: task ids that are emergencies whatever their rule.
        lead_times: rule name -> reminders before its limit.
        break_glass_agencies: agency types of the case's commune told of a break-glass opening.
        message_senders: kind of case message (``engine.notify.case_messages.KINDS``) -> the agency types
            that may send it; a kind not named here may be sent by any agency that may see the case.
    """

    emergency_rules: frozenset[str] = frozenset()
    emergency_tasks: frozenset[str] = frozenset()
    lead_times: dict[str, tuple[LeadTime, ...]] = field(default_factory=dict)
    break_glass_agencies: tuple[str, ...] = ()
    message_senders: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def is_emergency(self, task_name: str | None, rule: str | None) -> bool:
        return (task_name in self.emergency_tasks) or (rule is not None and rule in self.emergency_rules)


EMPTY = NotifySettings()
