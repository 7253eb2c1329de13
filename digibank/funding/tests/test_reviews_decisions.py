"""Decisions: approve (grant, and for implementation calls the hub), reject, ask for
more information; kept as determinations, journaled; the applicant is told by e-mail in
their language, once per decision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from digibank.accounts.models import Membership, User
from digibank.accounts.roles import HubRole
from digibank.core.models import JournalEntry
from digibank.funding.models import (
    Applicant,
    Application,
    ApplicationStatus,
    Call,
    CallKind,
    Determination,
    Grant,
    InformationRequest,
    Outcome,
)
from digibank.funding.services import reviews as services
from digibank.funding.tasks import notify_determination
from digibank.network.models import Hub, HubPartner, HubStatus, Organisation

from .factories import MakeApplication

pytestmark = pytest.mark.django_db


def test_approval_creates_grant_and_hub(
    officer: User,
    applicant: User,
    make_application: MakeApplication,
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = make_application(title="Digibank Rivierenland", partners=2)
    area = set(application.service_area.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        approval = services.application_approve(
            actor=officer, application=application, amount_cents=350_000_00
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.awarded_cents == 350_000_00

    hub = Hub.objects.get()
    assert approval.hub == hub == application.hub
    assert hub.name == "Digibank Rivierenland"
    assert hub.slug == "digibank-rivierenland"
    assert hub.programme == application.round.call.programme
    assert hub.lead_organisation == application.lead_organisation
    assert set(hub.service_area.values_list("pk", flat=True)) == area
    assert (hub.starts_on, hub.ends_on) == (application.starts_on, application.ends_on)
    assert hub.status == HubStatus.PLANNED  # starts in a month
    partners = HubPartner.objects.filter(hub=hub).order_by("organisation__name")
    assert [(p.organisation.name, p.partner_type, p.role) for p in partners] == [
        (ap.organisation.name, ap.partner_type, ap.role)
        for ap in application.partners.order_by("organisation__name")
    ]
    membership = Membership.objects.get(hub=hub)
    assert (membership.user, membership.role) == (applicant, HubRole.COORDINATOR)

    grant = Grant.objects.get()
    assert grant == approval.grant
    assert (grant.application, grant.programme, grant.hub) == (
        application,
        application.round.call.programme,
        hub,
    )
    assert grant.amount_cents == 350_000_00
    assert (grant.starts_on, grant.ends_on) == (application.starts_on, application.ends_on)
    assert grant.account_holder == application.lead_organisation.name

    determination = Determination.objects.get()
    assert (determination.outcome, determination.amount_cents) == (Outcome.APPROVED, 350_000_00)
    assert JournalEntry.objects.filter(action="funding.approve", hub_id=hub.pk).count() == 1
    assert JournalEntry.objects.filter(action="funding.hub_create", hub_id=hub.pk).exists()
    assert approval.over_budget_cents == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant.email]
    assert "is approved" in mail.outbox[0].body
    assert "350,000" in mail.outbox[0].body


def test_hub_slugs_stay_unique(officer: User, make_application: MakeApplication) -> None:
    for _ in range(3):
        application = make_application(title="Digibank Kempen")
        services.application_approve(actor=officer, application=application, amount_cents=100)
    assert sorted(Hub.objects.values_list("slug", flat=True)) == [
        "digibank-kempen",
        "digibank-kempen-2",
        "digibank-kempen-3",
    ]


def test_a_hub_already_running_is_active(officer: User, make_application: MakeApplication) -> None:
    application = make_application()
    Application.objects.filter(pk=application.pk).update(
        starts_on=date.today() - timedelta(days=10)
    )
    approval = services.application_approve(
        actor=officer, application=application, amount_cents=100_00
    )
    assert approval.hub is not None
    assert approval.hub.status == HubStatus.ACTIVE


def test_preparation_calls_get_a_grant_but_no_hub(
    officer: User, call: Call, make_application: MakeApplication
) -> None:
    Call.objects.filter(pk=call.pk).update(kind=CallKind.PREPARATION, max_amount_cents=15_000_00)
    application = make_application(requested_cents=15_000_00)
    approval = services.application_approve(
        actor=officer, application=application, amount_cents=15_000_00
    )
    assert approval.hub is None
    assert not Hub.objects.filter(lead_organisation=application.lead_organisation).exists()
    application.refresh_from_db()
    assert application.hub is None
    assert Grant.objects.get().hub is None


def test_amount_must_stay_within_the_call_maximum(officer: User, application: Application) -> None:
    with pytest.raises(ValidationError, match="at most"):
        services.application_approve(
            actor=officer, application=application, amount_cents=500_000_01
        )
    with pytest.raises(ValidationError, match="above zero"):
        services.application_approve(actor=officer, application=application, amount_cents=0)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not Grant.objects.exists()
    assert not Hub.objects.filter(name=application.title).exists()


def test_passing_the_round_budget_is_a_warning(
    officer: User, make_application: MakeApplication
) -> None:
    # Budget € 1,000,000: 500k + 400k fit, the next 300k passes it by 200k.
    for amount, over in ((500_000_00, 0), (400_000_00, 0), (300_000_00, 200_000_00)):
        application = make_application(requested_cents=amount)
        approval = services.application_approve(
            actor=officer, application=application, amount_cents=amount
        )
        assert approval.over_budget_cents == over
    assert Grant.objects.count() == 3


@pytest.mark.parametrize(
    "status",
    [
        ApplicationStatus.DRAFT,
        ApplicationStatus.MORE_INFORMATION,
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
    ],
)
def test_only_submitted_applications_are_decided(
    officer: User, make_application: MakeApplication, status: str
) -> None:
    application = make_application(status=status)
    for decide in (
        lambda: services.application_approve(
            actor=officer, application=application, amount_cents=100
        ),
        lambda: services.application_reject(actor=officer, application=application, reasons="No"),
        lambda: services.application_request_information(
            actor=officer, application=application, message="More?"
        ),
    ):
        with pytest.raises(ValidationError, match="Only a submitted application"):
            decide()
    assert not Determination.objects.exists()


def test_reject_needs_reasons(
    officer: User,
    applicant: User,
    application: Application,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with pytest.raises(ValidationError, match="reasons"):
        services.application_reject(actor=officer, application=application, reasons="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            actor=officer, application=application, reasons="The budget is not explained."
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    determination = Determination.objects.get()
    assert determination.outcome == Outcome.REJECTED
    assert determination.reasons == "The budget is not explained."
    assert JournalEntry.objects.filter(action="funding.reject").count() == 1
    assert not Grant.objects.exists()
    assert len(mail.outbox) == 1
    assert "The budget is not explained." in mail.outbox[0].body


def test_more_information_reopens_the_application(
    officer: User,
    applicant: User,
    application: Application,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with pytest.raises(ValidationError, match="information is needed"):
        services.application_request_information(actor=officer, application=application, message="")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.application_request_information(
            actor=officer, application=application, message="Which municipalities?"
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.MORE_INFORMATION
    assert application.is_editable
    assert InformationRequest.objects.get() == request
    assert (request.message, request.requested_by, request.answered_at) == (
        "Which municipalities?",
        officer,
        None,
    )
    assert Determination.objects.get().outcome == Outcome.MORE_INFORMATION
    assert JournalEntry.objects.filter(action="funding.request_information").count() == 1
    assert "Which municipalities?" in mail.outbox[0].body


def test_every_decision_is_kept(officer: User, application: Application) -> None:
    services.application_request_information(
        actor=officer, application=application, message="Add partners"
    )
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED)
    services.application_approve(actor=officer, application=application, amount_cents=1000)
    assert [d.outcome for d in Determination.objects.all()] == [
        Outcome.APPROVED,
        Outcome.MORE_INFORMATION,
    ]


def test_applicants_are_told_in_their_language_once(
    officer: User,
    applicant: User,
    applicant_org: Organisation,
    application: Application,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    User.objects.filter(pk=applicant.pk).update(preferred_language="nl")
    colleague = make_user(email="collega@example.org", preferred_language="fr")
    Applicant.objects.create(user=colleague, organisation=applicant_org)
    unconfirmed = make_user(email="nieuw@example.org")
    Applicant.objects.create(user=unconfirmed, organisation=applicant_org, is_confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        approval = services.application_approve(
            actor=officer, application=application, amount_cents=123_456_00
        )
    by_address = {message.to[0]: message.body for message in mail.outbox}
    assert set(by_address) == {applicant.email, "collega@example.org"}
    # The amount is written the way each language writes numbers.
    assert "123.456" in by_address[applicant.email]
    assert "123\u202f456" in by_address["collega@example.org"] or (
        "123\xa0456" in by_address["collega@example.org"]
    )
    # The task running again (a retry) sends nothing twice.
    assert notify_determination.call(determination_id=approval.determination.pk) == 0
    assert len(mail.outbox) == 2
