"""Background work of lending: reminders to borrowers, the coordinators' overdue
summary and expiring offers. Every task is idempotent (send_once keys)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole
from digibank.core.messaging import MessageKind, send_once

from . import reminders, services
from .models import LendingPolicy, Loan, LoanKind

DEFAULT_REMINDER_DAYS = 3


def _remind_due_soon(loan: Loan) -> bool:
    """Before the due date. Overdue reminders are lending.reminders' (repeated, per policy)."""
    person = loan.participant
    with translation.override(loan.language):
        subject = _("Your device: bring it back soon")
        text = _(
            "Hello. Please bring the %(kind)s back to %(hub)s by %(date)s. "
            "Do you need it longer? Ask us."
        ) % {
            "kind": loan.device.get_kind_display(),
            "hub": loan.hub.name,
            "date": loan.due_on.isoformat() if loan.due_on else "",
        }
    return send_once(
        key=f"loan:{loan.pk}:due-soon:{loan.due_on}",
        subject=str(subject),
        text=str(text),
        kind=MessageKind.SERVICE,
        email=person.email,
        phone=person.phone,
        participant_id=person.pk,
        hub_id=loan.hub_id,
    )


@task
def send_loan_reminders() -> int:
    """Before the due date (the policy's reminder days) and when overdue. Keyed per loan,
    occasion and due date, so a renewal gets its own reminders."""
    today = timezone.localdate()
    policies = {policy.hub_id: policy for policy in LendingPolicy.objects.all()}
    reminder_days = {hub_id: policy.reminder_days for hub_id, policy in policies.items()}
    horizon = today + timedelta(days=max([DEFAULT_REMINDER_DAYS, *reminder_days.values()]))
    loans = (
        Loan.objects.filter(returned_at__isnull=True, kind=LoanKind.TEMPORARY, due_on__lte=horizon)
        .filter(participant__anonymised_at__isnull=True)
        .select_related("participant", "device", "hub")
        .order_by("id")
    )
    sent = 0
    for loan in loans.iterator(chunk_size=500):
        assert loan.due_on is not None
        if loan.due_on < today:
            steps = reminders.overdue_steps(policies.get(loan.hub_id))
            sent += reminders.send_overdue_reminder(loan, today=today, steps=steps)
        elif loan.due_on <= today + timedelta(
            days=reminder_days.get(loan.hub_id, DEFAULT_REMINDER_DAYS)
        ):
            sent += _remind_due_soon(loan)
    return sent


@task
def send_overdue_summaries() -> int:
    """Each day, one e-mail per coordinator of a hub with overdue loans."""
    today = timezone.localdate()
    overdue = (
        Loan.objects.filter(returned_at__isnull=True, kind=LoanKind.TEMPORARY, due_on__lt=today)
        .select_related("device", "hub")
        .order_by("hub_id", "due_on")
    )
    by_hub: dict[int, list[Loan]] = {}
    for loan in overdue[:5000]:
        by_hub.setdefault(loan.hub_id, []).append(loan)
    organisations = _overdue_organisation_lines(today)
    sent = 0
    coordinators = Membership.objects.filter(
        Q(hub_id__in=[*by_hub, *organisations]), role=HubRole.COORDINATOR, is_active=True
    ).select_related("user", "hub")
    for membership in coordinators:
        loans = by_hub.get(membership.hub_id, [])
        lines = [
            f"- {loan.device.tag} ({loan.device.get_kind_display()}): "
            + _("due %(date)s") % {"date": loan.due_on}
            for loan in loans
        ]
        text = (
            _("%(count)s loan(s) of %(hub)s are overdue:")
            % {"count": len(loans), "hub": membership.hub.name}
            + "\n"
            + "\n".join(lines)
        )
        if organisations.get(membership.hub_id):
            text += (
                "\n\n"
                + _("Loans to organisations past their date:")
                + "\n"
                + "\n".join(organisations[membership.hub_id])
            )
        sent += send_once(
            key=f"lending-overdue:{membership.hub_id}:{membership.user_id}:{today}",
            subject=_("Overdue loans"),
            text=text,
            kind=MessageKind.SERVICE,
            email=membership.user.email,
        )
    return sent


def _overdue_organisation_lines(today: date) -> dict[int, list[str]]:
    """Per hub, one line per loan to an organisation past its date."""
    lines: dict[int, list[str]] = {}
    for loan in reminders.overdue_organisation_loans(hub=None, today=today)[:2000]:
        lines.setdefault(loan.hub_id, []).append(
            f"- {loan.partner.organisation.name} ({loan.reservation.purpose}): "
            + _("due %(date)s") % {"date": loan.due_on}
        )
    return lines


@task
def expire_offers() -> int:
    """Offers past their date move on to the next person on the list."""
    return services.offers_expire()


@task
def notify_offer(offer_id: int) -> bool:
    """Tell the person a device is waiting for them, in their language (sent once)."""
    from .models import DeviceOffer

    offer = (
        DeviceOffer.objects.select_related("request__participant", "device", "hub")
        .filter(pk=offer_id, status="open")
        .first()
    )
    if offer is None:
        return False
    person = offer.request.participant
    language = services.agreement_language(person)
    with translation.override(language):
        subject = _("A device is ready for you")
        text = _(
            "Hello. A %(kind)s is ready for you at %(hub)s. Come and get it before %(date)s. "
            "After that date it goes to the next person."
        ) % {
            "kind": offer.device.get_kind_display(),
            "hub": offer.hub.name,
            "date": timezone.localdate(offer.expires_at).isoformat(),
        }
    return send_once(
        key=f"offer:{offer.pk}",
        subject=str(subject),
        text=str(text),
        kind=MessageKind.SERVICE,
        email=person.email,
        phone=person.phone,
        participant_id=person.pk,
        hub_id=offer.hub_id,
    )
