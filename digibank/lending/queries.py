"""Reads for the lending pages, reminders, reports and other apps' pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.devices.models import DeviceKind
from digibank.network.models import Hub
from digibank.people.models import Participant
from digibank.people.queries import search_condition
from digibank.people.registry import ReportFigure

from .eligibility import Applicant, Decision, evaluate
from .models import (
    DeviceOffer,
    DeviceRequest,
    EvidenceCheck,
    LendingPolicy,
    Loan,
    LoanKind,
    OfferStatus,
    OrganisationLoanItem,
    RequestStatus,
    SchoolClass,
)


def policy_for(hub: Hub) -> LendingPolicy:
    """The hub's policy; an unsaved one with the defaults when none was set yet."""
    policy = LendingPolicy.objects.filter(hub=hub).first()
    return policy if policy is not None else LendingPolicy(hub=hub)


def open_loans(participant: Participant) -> QuerySet[Loan]:
    return Loan.objects.filter(participant=participant, returned_at__isnull=True).exclude(
        kind=LoanKind.GIFT
    )


def applicant_facts(participant: Participant) -> Applicant:
    """What the policy looks at, in three small queries."""
    groups = frozenset(participant.target_groups.values_list("group", flat=True))
    if participant.municipality_id is None:
        lives: bool | None = None
    else:
        lives = participant.hub.service_area.filter(pk=participant.municipality_id).exists()
    return Applicant(
        target_groups=groups,
        lives_in_service_area=lives,
        open_loans=open_loans(participant).count(),
    )


def evidence_seen(participant: Participant) -> list[EvidenceCheck]:
    return list(EvidenceCheck.objects.filter(participant=participant).select_related("seen_by"))


def valid_evidence_kinds(participant: Participant) -> list[str]:
    """Kinds of evidence seen for the person that still count today (not expired)."""
    today = timezone.localdate()
    return list(
        EvidenceCheck.objects.filter(participant=participant)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values_list("kind", flat=True)
    )


def eligibility(policy: LendingPolicy, participant: Participant) -> Decision:
    return evaluate(policy, applicant_facts(participant), valid_evidence_kinds(participant))


def renewal_eligibility(policy: LendingPolicy, participant: Participant) -> Decision:
    """Eligibility re-checked at a renewal: the loan being renewed does not count against
    the most loans at the same time."""
    facts = applicant_facts(participant)
    facts = replace(facts, open_loans=max(0, facts.open_loans - 1))
    return evaluate(policy, facts, valid_evidence_kinds(participant))


def waiting_list(*, hub: Hub, kind: str) -> QuerySet[DeviceRequest]:
    """The hub's waiting list for a kind, in priority order (position = index + 1)."""
    return (
        DeviceRequest.objects.filter(hub=hub, kind=kind, status=RequestStatus.WAITING)
        .select_related("participant")
        .order_by("priority_at", "id")
    )


def waiting_position(request: DeviceRequest) -> int | None:
    if request.status != RequestStatus.WAITING:
        return None
    ahead = DeviceRequest.objects.filter(
        hub_id=request.hub_id, kind=request.kind, status=RequestStatus.WAITING
    ).filter(
        Q(priority_at__lt=request.priority_at)
        | Q(priority_at=request.priority_at, id__lt=request.pk)
    )
    return ahead.count() + 1


def waiting_counts(*, hub: Hub) -> dict[str, int]:
    rows = (
        DeviceRequest.objects.filter(hub=hub, status=RequestStatus.WAITING)
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {row["kind"]: row["n"] for row in rows}


def open_offers(*, hub: Hub) -> QuerySet[DeviceOffer]:
    return (
        DeviceOffer.objects.filter(hub=hub, status=OfferStatus.OPEN)
        .select_related("request__participant", "device")
        .order_by("expires_at", "id")
    )


def hub_loans(*, hub: Hub, state: str = "open") -> QuerySet[Loan]:
    loans = Loan.objects.filter(hub=hub).select_related("participant", "device")
    if state == "open":
        loans = loans.filter(returned_at__isnull=True).exclude(kind=LoanKind.GIFT)
    elif state == "overdue":
        loans = loans.filter(
            returned_at__isnull=True, kind=LoanKind.TEMPORARY, due_on__lt=timezone.localdate()
        )
    elif state == "returned":
        loans = loans.filter(returned_at__isnull=False)
    return loans.order_by("-started_at", "-id")


def loan_search(
    *,
    hub: Hub,
    state: str = "open",
    query: str = "",
    kind: str = "",
    due_from: date | None = None,
    due_until: date | None = None,
) -> QuerySet[Loan]:
    """The loan list's search: `query` matches the borrower's name (as the people
    search does) or the start of the asset tag."""
    loans = hub_loans(hub=hub, state=state)
    query = " ".join(query.split())[:100]
    if query:
        condition = Q(device__tag__startswith=query.upper().replace(" ", ""))
        name = search_condition(query)
        if name is not None:
            people = Participant.objects.filter(hub=hub, anonymised_at__isnull=True).filter(name)
            condition |= Q(participant__in=people.values("pk"))
        loans = loans.filter(condition)
    if kind:
        loans = loans.filter(device__kind=kind)
    if due_from:
        loans = loans.filter(due_on__gte=due_from)
    if due_until:
        loans = loans.filter(due_on__lte=due_until)
    return loans


def participant_loans(participant: Participant, *, limit: int = 50) -> list[Loan]:
    return list(
        Loan.objects.filter(participant=participant)
        .select_related("device")
        .order_by("-started_at", "-id")[:limit]
    )


def due_between(*, hub: Hub, start: date, end: date) -> int:
    return Loan.objects.filter(
        hub=hub, returned_at__isnull=True, kind=LoanKind.TEMPORARY, due_on__range=(start, end)
    ).count()


def overdue_count(*, hub: Hub) -> int:
    return hub_loans(hub=hub, state="overdue").count()


def loans_per_hub(hub_ids: Iterable[int]) -> dict[int, int]:
    rows = Loan.objects.filter(hub_id__in=list(hub_ids)).values("hub_id").annotate(n=Count("id"))
    return {row["hub_id"]: row["n"] for row in rows}


def start_of_week(today: date | None = None) -> date:
    day = today or timezone.localdate()
    return day - timedelta(days=day.weekday())


def agreement_context(loan: Loan) -> dict[str, Any]:
    return {"loan": loan, "hub": loan.hub, "participant": loan.participant, "device": loan.device}


def reached_participant_ids(hub_id: int, start: datetime, end: datetime) -> QuerySet[Any]:
    """Reach source: participants a device was lent or given to in [start, end)."""
    return Loan.objects.filter(
        hub_id=hub_id, started_at__gte=start, started_at__lt=end
    ).values_list("participant_id", flat=True)


def report_figures(hub_id: int, start: datetime, end: datetime) -> list[ReportFigure]:
    """For a grant report: devices lent or given in [start, end) (loans that started),
    by kind of device. One query."""
    rows = (
        Loan.objects.filter(hub_id=hub_id, started_at__gte=start, started_at__lt=end)
        .values("device__kind")
        .annotate(number=Count("pk"))
        .order_by("-number", "device__kind")
    )
    kinds = dict(DeviceKind.choices)
    by_kind = [
        (str(kinds.get(row["device__kind"], row["device__kind"])), row["number"]) for row in rows
    ]
    return [
        ReportFigure(
            key="lending.loans",
            label=_("Devices lent or given"),
            value=sum(number for _kind, number in by_kind),
            breakdown=by_kind,
        )
    ]


def school_classes(*, hub: Hub) -> QuerySet[SchoolClass]:
    """The hub's classes with the number of devices still on loan, newest first."""
    return (
        SchoolClass.objects.filter(hub=hub)
        .annotate(
            open_loans=Count("loans", filter=Q(loans__loan__returned_at__isnull=True)),
            all_loans=Count("loans"),
        )
        .order_by("-created_at", "-id")
    )


def class_open_loans(school_class: SchoolClass, *, limit: int = 300) -> list[Loan]:
    """Open loans of a class, by pupil name (at most `limit`)."""
    return list(
        Loan.objects.filter(school_class_link__school_class=school_class, returned_at__isnull=True)
        .select_related("participant", "device")
        .order_by("participant__family_name", "participant__given_name", "id")[:limit]
    )


def organisation_loan_items(loan: Any, *, limit: int = 500) -> list[OrganisationLoanItem]:
    return list(
        OrganisationLoanItem.objects.filter(loan=loan)
        .select_related("device", "returned_to")
        .order_by("returned_at", "device_id")[:limit]
    )


def due_and_overdue(*, hub: Hub, today: date, start: date, end: date) -> tuple[int, int]:
    """(open temporary loans due from `start` to `end`, overdue ones) in one query over
    the partial index of open loans by due date (due_on <= end)."""
    counts = Loan.objects.filter(
        hub=hub, returned_at__isnull=True, kind=LoanKind.TEMPORARY, due_on__lte=end
    ).aggregate(
        due=Count("pk", filter=Q(due_on__gte=start)),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
    )
    return counts["due"], counts["overdue"]


def open_loan_blocks_anonymising(participant_ids: list[int]) -> dict[int, str]:
    """Anonymise blocker (people.registry): a person with a device still on loan keeps
    their record until the device is back, so the hub can reach them and the agreement
    still names them. One query."""
    reason = _(
        "This person still has a device on loan. Record the return of the device first; "
        "then you can anonymise the record."
    )
    borrowers = Loan.objects.filter(
        participant_id__in=participant_ids, returned_at__isnull=True
    ).values_list("participant_id", flat=True)
    return dict.fromkeys(borrowers, reason)


def awaiting_approval(*, hub: Hub) -> QuerySet[DeviceRequest]:
    """The coordinator's approvals inbox: oldest first (the longest wait on top)."""
    return (
        DeviceRequest.objects.filter(hub=hub, status=RequestStatus.AWAITING_APPROVAL)
        .select_related("participant")
        .order_by("requested_at", "id")
    )


FOLLOW_UP_STATUSES = (RequestStatus.REFUSED, RequestStatus.LAPSED)


def to_follow_up(*, hub: Hub) -> QuerySet[DeviceRequest]:
    """Refused and lapsed requests (an offer not taken), newest change first: people to
    call back, to help with missing evidence, or to put on the list again."""
    return (
        DeviceRequest.objects.filter(hub=hub, status__in=FOLLOW_UP_STATUSES)
        .select_related("participant")
        .order_by("-updated_at", "-id")
    )
