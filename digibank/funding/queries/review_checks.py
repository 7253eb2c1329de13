"""Reads that make a review hold up: the parties a reviewer declares a conflict about,
with hints at likely conflicts, and the reviews an officer sees overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.utils import timezone

from digibank.accounts.models import Membership
from digibank.network.models import Programme

from ..models import Applicant, Application, ConflictStatus, ReviewAssignment

# Mail providers anyone may use: sharing one says nothing about a conflict.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.be",
        "outlook.com",
        "outlook.be",
        "live.com",
        "live.be",
        "yahoo.com",
        "icloud.com",
        "telenet.be",
        "skynet.be",
        "proximus.be",
        "scarlet.be",
        "example.com",
        "example.net",
        "example.org",
    }
)


@dataclass(frozen=True)
class Party:
    """An organisation of the application and why it may be a conflict for the reviewer."""

    name: str
    is_lead: bool
    reviewer_is_member: bool
    shares_mail_domain: bool

    @property
    def likely_conflict(self) -> bool:
        return self.reviewer_is_member or self.shares_mail_domain


def mail_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def _web_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def conflict_parties(application: Application, reviewer: Any) -> list[Party]:
    """The lead organisation and every partner, each with the hints: the reviewer speaks
    for it or works at a hub it leads, or the reviewer's e-mail domain is the
    organisation's (its website's, or that of the people who apply for it). Four
    queries, whatever the number of partners."""
    organisations = [(application.lead_organisation, True)] + [
        (partner.organisation, False)
        for partner in application.partners.select_related("organisation")
        if partner.organisation_id != application.lead_organisation_id
    ]
    ids = [organisation.pk for organisation, _lead in organisations]
    member_of = set(
        Applicant.objects.filter(
            user=reviewer, organisation_id__in=ids, revoked_at__isnull=True
        ).values_list("organisation_id", flat=True)
    ) | set(
        Membership.objects.filter(
            user=reviewer, is_active=True, hub__lead_organisation_id__in=ids
        ).values_list("hub__lead_organisation_id", flat=True)
    )
    domains: dict[int, set[str]] = {pk: set() for pk in ids}
    for organisation_id, email in Applicant.objects.filter(
        organisation_id__in=ids, revoked_at__isnull=True
    ).values_list("organisation_id", "user__email"):
        domains[organisation_id].add(mail_domain(email))
    for organisation, _lead in organisations:
        if organisation.website:
            domains[organisation.pk].add(_web_domain(organisation.website))
    own = mail_domain(reviewer.email or "")
    shared = own and own not in PUBLIC_MAIL_DOMAINS
    return [
        Party(
            name=organisation.name,
            is_lead=lead,
            reviewer_is_member=organisation.pk in member_of,
            shares_mail_domain=bool(shared and own in domains[organisation.pk]),
        )
        for organisation, lead in organisations
    ]


def overdue_reviews(
    programme: Programme, *, today: date | None = None
) -> QuerySet[ReviewAssignment]:
    """Reviews past their due date and not completed, oldest due first (a reviewer with
    a conflict owes no review)."""
    today = today or timezone.localdate()
    return (
        ReviewAssignment.objects.filter(
            application__round__call__programme=programme,
            due_on__lt=today,
            completed_at__isnull=True,
        )
        .exclude(conflict=ConflictStatus.CONFLICT)
        .select_related("reviewer", "application__round__call")
        .order_by("due_on", "id")
    )
