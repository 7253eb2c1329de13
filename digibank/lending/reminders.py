"""Overdue loans: reminders repeated at the days the hub's policy sets (after the due
date), the last one asking the borrower to contact the hub, and the coordinator's
escalation list of people the reminders did not bring back, with the overdue loans of
partner organisations beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from digibank.core.messaging import MessageKind, send_once
from digibank.network.models import Hub

from .models import LendingPolicy, Loan, LoanKind, OrganisationLoan

# Days after the due date: a first reminder, a second one, then "please contact us".
DEFAULT_OVERDUE_DAYS = (1, 7, 14)
MAX_STEPS = 6
MAX_DAY = 365


def validate_overdue_days(days: list[int]) -> list[int]:
    """The reminder days, sorted and without repeats; refused when out of range."""
    if len(days) > MAX_STEPS:
        raise ValidationError(
            {"overdue_reminder_days": _("Give at most %(count)s days.") % {"count": MAX_STEPS}}
        )
    if any(not 1 <= int(day) <= MAX_DAY for day in days):
        raise ValidationError(
            {
                "overdue_reminder_days": _("Each day must be between 1 and %(max)s.")
                % {"max": MAX_DAY}
            }
        )
    return sorted({int(day) for day in days})


def overdue_steps(policy: LendingPolicy | None) -> tuple[int, ...]:
    days = tuple(policy.overdue_reminder_days) if policy is not None else ()
    return tuple(sorted(int(day) for day in days)) or DEFAULT_OVERDUE_DAYS


def step_reached(days_overdue: int, steps: tuple[int, ...]) -> int | None:
    """The index of the latest reminder step reached after `days_overdue` days, or None
    before the first. A missed day sends only the latest step, never a burst."""
    reached = [index for index, day in enumerate(steps) if days_overdue >= day]
    return reached[-1] if reached else None


def _overdue_text(loan: Loan, *, last: bool) -> tuple[str, str]:
    if last:
        subject = _("Your device is late: please contact us")
        text = _(
            "Hello. The %(kind)s was due at %(hub)s on %(date)s. We have not heard from "
            "you. Please contact us as soon as you can, so we can find a solution together."
        )
    else:
        subject = _("Your device is late")
        text = _(
            "Hello. The %(kind)s was due at %(hub)s on %(date)s. Please bring it back "
            "or contact us."
        )
    values = {
        "kind": loan.device.get_kind_display(),
        "hub": loan.hub.name,
        "date": loan.due_on.isoformat() if loan.due_on else "",
    }
    return str(subject), str(text % values)


def send_overdue_reminder(loan: Loan, *, today: date, steps: tuple[int, ...]) -> bool:
    """Send the reminder of the step this overdue loan has reached (once per step and
    due date, so a renewal starts again)."""
    assert loan.due_on is not None
    step = step_reached((today - loan.due_on).days, steps)
    if step is None:
        return False
    person = loan.participant
    with translation.override(loan.language):
        subject, text = _overdue_text(loan, last=step == len(steps) - 1)
    # The first step keeps the key the single overdue reminder always had.
    key = f"loan:{loan.pk}:overdue:{loan.due_on}" + (f":{step}" if step else "")
    return send_once(
        key=key,
        subject=subject,
        text=text,
        kind=MessageKind.SERVICE,
        email=person.email,
        phone=person.phone,
        participant_id=person.pk,
    )


# --- the coordinator's escalation list --------------------------------------------------


@dataclass(frozen=True)
class Escalation:
    loan: Loan
    days_overdue: int
    reminders_sent: int
    contact_asked: bool


def overdue_loans(*, hub: Hub, today: date) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(
            hub=hub, returned_at__isnull=True, kind=LoanKind.TEMPORARY, due_on__lt=today
        )
        .select_related("participant", "device")
        .order_by("due_on", "id")
    )


def escalations(*, hub: Hub, today: date, policy: LendingPolicy, limit: int) -> list[Escalation]:
    """Overdue loans, longest overdue first, with how far the reminders got."""
    steps = overdue_steps(policy)
    rows = []
    for loan in overdue_loans(hub=hub, today=today)[:limit]:
        assert loan.due_on is not None
        days = (today - loan.due_on).days
        step = step_reached(days, steps)
        sent = 0 if step is None else step + 1
        rows.append(
            Escalation(
                loan=loan, days_overdue=days, reminders_sent=sent, contact_asked=sent == len(steps)
            )
        )
    return rows


def overdue_organisation_loans(*, hub: Hub | None, today: date) -> QuerySet[OrganisationLoan]:
    """Loans to partner organisations past their date with devices still out."""
    loans = OrganisationLoan.objects.filter(closed_at__isnull=True, due_on__lt=today)
    if hub is not None:
        loans = loans.filter(hub=hub)
    return loans.select_related("partner__organisation", "hub", "reservation").order_by(
        "due_on", "id"
    )
