"""Fixtures of the funding tests, built with the builders in factories.py.

Applying: an applicant of a local government (and one of another organisation), calls
with an open round (`make_call`) and drafts made through the services (`make_draft`).
Reviewing: three reviewers, a published implementation call (criteria with weights 2
and 1, scores 0 to 5) with a closed round, and submitted partnership applications
(`make_application`). Reporting: a hub's grant and its activity.

The programme, hubs, officer and users come from the root conftest. The browser tests
import the fixtures they need from this module."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from digibank.accounts.models import User
from digibank.accounts.roles import ProgrammeRoleKind
from digibank.funding.models import (
    Applicant,
    Application,
    ApplicationPartner,
    ApplicationStatus,
    BudgetCategory,
    BudgetLine,
    Call,
    CallKind,
    Criterion,
    Grant,
    Question,
    Round,
)
from digibank.funding.services import applications as application_services
from digibank.network.models import (
    Hub,
    Municipality,
    Organisation,
    OrganisationKind,
    PartnerType,
    Programme,
)

from .factories import (
    Activity,
    MakeApplication,
    MakeCall,
    MakeDraft,
    create_application,
    create_call,
    create_grant,
    create_organisation,
    create_round,
    enterprise_number,
    sign_in,
)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """Signs a test client in as a user; the site reads in English."""
    return sign_in


# --- people ---------------------------------------------------------------------------------


def _reviewer(make_user: Callable[..., User], programme: Programme, name: str) -> User:
    return make_user(programme=programme, programme_role=ProgrammeRoleKind.REVIEWER, full_name=name)


@pytest.fixture
def reviewer(make_user: Callable[..., User], programme: Programme) -> User:
    return _reviewer(make_user, programme, "Rita Reviewer")


@pytest.fixture
def reviewer2(make_user: Callable[..., User], programme: Programme) -> User:
    return _reviewer(make_user, programme, "Raf Reviewer")


@pytest.fixture
def reviewer3(make_user: Callable[..., User], programme: Programme) -> User:
    return _reviewer(make_user, programme, "Rosa Reviewer")


@pytest.fixture
def applicant_org(db: Any) -> Organisation:
    return create_organisation(
        name="Stad Mechelen",
        kind=OrganisationKind.LOCAL_GOVERNMENT,
        enterprise_number=enterprise_number(2076001),
    )


@pytest.fixture
def applicant(make_user: Callable[..., User], applicant_org: Organisation) -> User:
    """A confirmed applicant of Stad Mechelen who reads English (mail included)."""
    user = make_user(full_name="Anna Applicant", preferred_language="en")
    Applicant.objects.create(user=user, organisation=applicant_org)
    return user


@pytest.fixture
def other_applicant(make_user: Callable[..., User]) -> User:
    organisation = create_organisation(
        name="Vzw Elders",
        kind=OrganisationKind.CIVIL_SOCIETY,
        enterprise_number=enterprise_number(4000002),
    )
    user = make_user(full_name="Otto Other")
    Applicant.objects.create(user=user, organisation=organisation)
    return user


# --- applying: open calls and drafts ------------------------------------------------------


@pytest.fixture
def make_call(programme: Programme, officer: User) -> MakeCall:
    """A published preparation call (€ 15,000 at most) with one round, open from
    yesterday for 30 days unless told; `rules` are other fields of the call."""

    def make(
        *,
        opens_at: Any = None,
        closes_at: Any = None,
        published: bool = True,
        questions: tuple[dict[str, Any], ...] = (),
        **rules: Any,
    ) -> Call:
        rules.setdefault("kind", CallKind.PREPARATION)
        call = create_call(programme=programme, created_by=officer, is_published=published, **rules)
        create_round(call, opens_at=opens_at, closes_at=closes_at)
        for position, question in enumerate(questions, 1):
            Question.objects.create(call=call, position=position, **question)
        return call

    return make


@pytest.fixture
def make_draft(make_call: MakeCall, applicant: User, applicant_org: Organisation) -> MakeDraft:
    """A draft started by the applicant, in the given call or a new one with `rules`."""

    def make(call: Call | None = None, **rules: Any) -> Application:
        call = call or make_call(**rules)
        return application_services.application_start(
            actor=applicant,
            round=call.rounds.get(),
            lead_organisation=applicant_org,
            title="Digibank Mechelen",
        )

    return make


# --- reviewing: a closed round with submitted applications -------------------------------


@pytest.fixture
def call(programme: Programme, officer: User) -> Call:
    return create_call(
        programme=programme,
        created_by=officer,
        title="Digibanken implementation 2026",
        slug="digibanken-2026",
        kind=CallKind.IMPLEMENTATION,
        score_scale_max=5,
    )


@pytest.fixture
def criteria(call: Call) -> list[Criterion]:
    return [
        Criterion.objects.create(call=call, position=1, name="Reach", weight=2),
        Criterion.objects.create(call=call, position=2, name="Partnership", weight=1),
    ]


@pytest.fixture
def round_(call: Call) -> Round:
    """Closed yesterday, after 29 days."""
    now = timezone.now()
    return create_round(
        call,
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        budget_cents=1_000_000_00,
    )


@pytest.fixture
def make_application(
    round_: Round, applicant_org: Organisation, applicant: User, criteria: list[Criterion]
) -> MakeApplication:
    """A submitted application of Stad Mechelen with partners, two municipalities and
    one budget line of the requested amount."""
    counter = iter(range(1, 1000))

    def make(
        *,
        title: str | None = None,
        requested_cents: int = 300_000_00,
        status: str = ApplicationStatus.SUBMITTED,
        submitted_days_ago: int = 5,
        partners: int = 1,
    ) -> Application:
        number = next(counter)
        application = create_application(
            round_,
            lead_organisation=applicant_org,
            created_by=applicant,
            title=title or f"Digibank Mechelen {number}",
            summary="Lend, train and guide.",
            status=status,
            goals=["lending", "training", "guidance"],
            starts_on=date.today() + timedelta(days=30),
            ends_on=date.today() + timedelta(days=30 + 730),
            planned_people=1500,
            requested_cents=requested_cents,
            submitted_at=timezone.now() - timedelta(days=submitted_days_ago),
            revision=1,
        )
        application.service_area.set(
            Municipality.objects.filter(valid_until__isnull=True).order_by("nis_code")[:2]
        )
        for index in range(partners):
            ApplicationPartner.objects.create(
                application=application,
                organisation=create_organisation(
                    name=f"Partner {number}.{index}", kind=OrganisationKind.CIVIL_SOCIETY
                ),
                partner_type=PartnerType.CIVIL_SOCIETY,
                role="Trainings",
            )
        BudgetLine.objects.create(
            application=application,
            category=BudgetCategory.PERSONNEL,
            description="Coaches",
            amount_cents=requested_cents,
        )
        return application

    return make


@pytest.fixture
def application(make_application: MakeApplication) -> Application:
    return make_application(title="Digibank Mechelen Verbindt")


# --- grants and what hubs do ------------------------------------------------------------------


@pytest.fixture
def grant(programme: Programme, hub: Hub, officer: User) -> Grant:
    """The hub's grant of € 500,000 for 2025 and 2026."""
    return create_grant(programme=programme, hub=hub, created_by=officer)


@pytest.fixture
def activity(hub: Hub, staff: User) -> Activity:
    return Activity(hub, staff)
