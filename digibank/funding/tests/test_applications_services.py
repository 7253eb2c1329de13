"""Services of the applications area: registering, starting, editing each section,
re-computed totals, submission with its deadline (Brussels time), freezing, and
resubmission after a request for more information with revisions and their diff."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from digibank.core.models import JournalEntry
from digibank.funding.models import (
    Answer,
    Applicant,
    ApplicationRevision,
    ApplicationStatus,
    InformationRequest,
    QuestionKind,
)
from digibank.funding.queries import applications as queries
from digibank.funding.services import applications as services
from digibank.network.models import Municipality, Organisation, OrganisationKind

from .factories import brussels, complete, enterprise_number, pdf

pytestmark = pytest.mark.django_db
# --- registering -------------------------------------------------------------------------


def _register(number: str, **extra: Any) -> Applicant:
    data = {
        "full_name": "Nina Nieuw",
        "email": f"nina{number}@example.org",
        "enterprise_number": number,
        "base_url": "https://digibank.example",
    }
    data.update(extra)
    applicant = services.applicant_register(**data)
    assert applicant is not None
    return applicant


def test_a_new_organisation_is_created_and_its_first_registrant_waits() -> None:
    applicant = _register(
        "BE" + enterprise_number(2076001),
        organisation_name="Gemeente Bonheiden",
        organisation_kind=OrganisationKind.LOCAL_GOVERNMENT,
    )
    assert applicant.is_pending
    assert applicant.organisation.enterprise_number == enterprise_number(2076001)
    # Inert until the owner of the address follows the activation link.
    assert applicant.user.awaits_activation
    assert not applicant.user.has_usable_password()
    assert JournalEntry.objects.filter(action="funding.applicant_register").exists()


def test_registration_normalises_the_number_and_needs_name_and_kind_when_new() -> None:
    number = enterprise_number(3000001)
    dotted = f"BE {number[:4]}.{number[4:7]}.{number[7:]}"
    with pytest.raises(ValidationError) as caught:
        _register(dotted)
    assert set(caught.value.message_dict) == {"organisation_name", "organisation_kind"}
    applicant = _register(dotted, organisation_name="Vzw X", organisation_kind="civil_society")
    assert applicant.organisation.enterprise_number == number


def test_registration_refuses_a_bad_number_and_keeps_nothing_for_a_known_email(
    applicant: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        _register("0123.456.789", organisation_name="X", organisation_kind="company")
    assert "enterprise_number" in caught.value.message_dict
    # A known address gets the same answer as a new one (no error), nothing is made,
    # and its owner is told by e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        known = services.applicant_register(
            full_name="Someone Else",
            email=applicant.email.upper(),
            enterprise_number=enterprise_number(3000003),
            organisation_name="X",
            organisation_kind="company",
            base_url="https://digibank.example",
        )
    assert known is None
    assert not Organisation.objects.filter(enterprise_number=enterprise_number(3000003)).exists()
    assert [message.to for message in mail.outbox] == [[applicant.email]]
    assert "already have" in str(mail.outbox[0].subject)


def test_joining_a_known_organisation_waits_for_a_colleague(
    applicant: Any, applicant_org: Organisation, make_user: Any
) -> None:
    newcomer = _register(applicant_org.enterprise_number)
    assert not newcomer.is_confirmed
    assert list(queries.pending_colleagues(applicant)) == [newcomer]
    stranger = make_user()
    with pytest.raises(ValidationError):
        services.applicant_confirm(actor=stranger, applicant=newcomer)
    services.applicant_confirm(actor=applicant, applicant=newcomer)
    newcomer.refresh_from_db()
    assert newcomer.is_confirmed
    assert JournalEntry.objects.filter(action="funding.applicant_confirm").exists()


def test_a_colleague_can_refuse_and_the_refused_cannot_ask_again(
    applicant: Any, applicant_org: Organisation
) -> None:
    newcomer = _register(applicant_org.enterprise_number)
    services.applicant_refuse(actor=applicant, applicant=newcomer)
    newcomer.refresh_from_db()
    assert newcomer.is_revoked
    assert not newcomer.is_confirmed
    assert JournalEntry.objects.filter(action="funding.applicant_refuse").exists()
    with pytest.raises(ValidationError) as caught:
        services.applicant_join(
            actor=newcomer.user, enterprise_number=applicant_org.enterprise_number
        )
    assert "programme officer" in caught.value.message_dict["enterprise_number"][0]
    # A colleague cannot undo a refusal; only an officer or admin can.
    with pytest.raises(ValidationError):
        services.applicant_confirm(actor=applicant, applicant=newcomer)


def test_an_organisation_without_applicants_needs_a_programme_officer(
    hub: Any, officer: Any, make_user: Any, other_programme: Any
) -> None:
    lead = hub.lead_organisation  # a hub's lead organisation, known but without applicants
    waiting = _register(lead.enterprise_number)
    assert not waiting.is_confirmed
    other_waiting = services.applicant_join(
        actor=make_user(), enterprise_number=lead.enterprise_number
    )
    # Another person waiting for the same organisation may not confirm them.
    with pytest.raises(ValidationError):
        services.applicant_confirm(actor=other_waiting.user, applicant=waiting)
    pending = queries.programme_applicants(hub.programme, queries.ApplicantState.PENDING)
    assert list(pending) == [waiting, other_waiting]
    # An officer of a programme that does not know the organisation may not.
    stranger_officer = make_user(programme=other_programme)
    with pytest.raises(ValidationError):
        services.applicant_confirm(actor=stranger_officer, applicant=waiting)
    services.applicant_confirm(actor=officer, applicant=waiting)
    # Now the organisation has a confirmed applicant, who may confirm the other one.
    services.applicant_confirm(actor=waiting.user, applicant=other_waiting)


# --- starting ----------------------------------------------------------------------------


def test_start_only_in_an_open_round_of_a_published_call(
    make_call: Any, applicant: Any, applicant_org: Organisation, other_applicant: Any
) -> None:
    now = timezone.now()
    closed = make_call(opens_at=now - timedelta(days=9), closes_at=now - timedelta(minutes=1))
    future = make_call(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=9))
    hidden = make_call(published=False)
    for call in (closed, future, hidden):
        with pytest.raises(ValidationError):
            services.application_start(
                actor=applicant, round=call.rounds.get(), lead_organisation=applicant_org, title="X"
            )
    open_call = make_call()
    with pytest.raises(ValidationError):  # not their organisation
        services.application_start(
            actor=other_applicant,
            round=open_call.rounds.get(),
            lead_organisation=applicant_org,
            title="X",
        )
    application = services.application_start(
        actor=applicant, round=open_call.rounds.get(), lead_organisation=applicant_org, title="X"
    )
    assert application.status == ApplicationStatus.DRAFT


# --- editing -----------------------------------------------------------------------------


def test_the_budget_total_is_recomputed_on_every_change(make_draft: Any, applicant: Any) -> None:
    application = make_draft()
    first = services.budget_line_add(
        actor=applicant,
        application=application,
        category="personnel",
        description="Coach",
        amount_cents=5_000_00,
    )
    second = services.budget_line_add(
        actor=applicant,
        application=application,
        category="hardware",
        description="Laptops",
        amount_cents=2_500_50,
    )
    application.refresh_from_db()
    assert application.requested_cents == 7_500_50
    services.budget_line_update(
        actor=applicant, line=first, category="personnel", description="Coach", amount_cents=1_00
    )
    application.refresh_from_db()
    assert application.requested_cents == 2_501_50
    services.budget_line_remove(actor=applicant, line=second)
    application.refresh_from_db()
    assert application.requested_cents == 1_00
    with pytest.raises(ValidationError):
        services.budget_line_add(
            actor=applicant,
            application=application,
            category="personnel",
            description="Nothing",
            amount_cents=0,
        )


def test_partners_by_enterprise_number(
    make_draft: Any, applicant: Any, applicant_org: Organisation
) -> None:
    application = make_draft()
    number = enterprise_number(5000003)
    with pytest.raises(ValidationError) as caught:
        services.partner_add(
            actor=applicant,
            application=application,
            enterprise_number=number,
            partner_type="company",
        )
    assert "organisation_name" in caught.value.message_dict
    partner = services.partner_add(
        actor=applicant,
        application=application,
        enterprise_number=number,
        organisation_name="Computers NV",
        organisation_kind=OrganisationKind.COMPANY,
        partner_type="company",
        role="Levert laptops",
        commitment_letter=pdf(),
    )
    assert partner.organisation.name == "Computers NV"
    assert str(partner.commitment_letter.name).endswith(".pdf")
    with pytest.raises(ValidationError):  # twice
        services.partner_add(
            actor=applicant,
            application=application,
            enterprise_number=number,
            partner_type="company",
        )
    with pytest.raises(ValidationError):  # the lead itself
        services.partner_add(
            actor=applicant,
            application=application,
            enterprise_number=applicant_org.enterprise_number,
            partner_type="government",
        )
    with pytest.raises(ValidationError) as caught:  # a letter that is not a PDF
        services.partner_update(
            actor=applicant,
            partner=partner,
            partner_type="company",
            commitment_letter=SimpleUploadedFile("letter.pdf", b"<html>not a pdf"),
        )
    assert "commitment_letter" in caught.value.message_dict
    services.partner_remove(actor=applicant, partner=partner)
    assert not application.partners.exists()


def test_uploads_are_checked_for_size_and_kind() -> None:
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (services.MAX_UPLOAD_BYTES))
    with pytest.raises(ValidationError):
        services.validate_upload(big)
    with pytest.raises(ValidationError):
        services.validate_upload(SimpleUploadedFile("run.exe", b"MZ..."))
    with pytest.raises(ValidationError):
        services.validate_upload(SimpleUploadedFile("plan.docx", b"PK\x03\x04"), pdf_only=True)
    services.validate_upload(SimpleUploadedFile("plan.docx", b"PK\x03\x04rest"))


def test_service_area_takes_current_municipalities_only(make_draft: Any, applicant: Any) -> None:
    application = make_draft()
    ceased = Municipality.objects.get(nis_code="11007")  # Borsbeek, merged into Antwerpen
    with pytest.raises(ValidationError):
        services.service_area_add(actor=applicant, application=application, municipality=ceased)
    antwerpen = Municipality.objects.get(nis_code="11002")
    services.service_area_add(actor=applicant, application=application, municipality=antwerpen)
    assert list(application.service_area.all()) == [antwerpen]
    services.service_area_remove(actor=applicant, application=application, municipality=antwerpen)
    assert not application.service_area.exists()


def test_answers_follow_the_kind_of_question(
    make_call: Any, make_draft: Any, applicant: Any
) -> None:
    call = make_call(
        questions=(
            {"label": "Naam", "kind": QuestionKind.TEXT},
            {"label": "Aantal", "kind": QuestionKind.NUMBER},
            {"label": "Keuze", "kind": QuestionKind.CHOICE, "choices": ["Ja", "Nee"]},
            {"label": "Datum", "kind": QuestionKind.DATE},
            {"label": "Plan", "kind": QuestionKind.FILE},
        )
    )
    application = make_draft(call)
    text, number, choice, day, upload = list(call.questions.all())

    def save(question: Any, value: Any) -> Any:
        return services.answer_save(
            actor=applicant, application=application, question=question, value=value
        )

    assert save(text, "Stad Mechelen").text == "Stad Mechelen"
    assert save(number, Decimal("12.5")).number == Decimal("12.50")
    with pytest.raises(ValidationError):
        save(choice, "Misschien")
    assert save(choice, "Nee").text == "Nee"
    assert save(day, date(2026, 5, 1)).date == date(2026, 5, 1)
    assert save(upload, pdf("plan.pdf")).file
    assert save(text, "") is None  # emptied: the answer goes
    assert Answer.objects.filter(application=application).count() == 4


# --- submitting --------------------------------------------------------------------------


def test_submit_freezes_the_application_and_keeps_a_revision(
    make_draft: Any, applicant: Any
) -> None:
    application = complete(make_draft(), applicant)
    revision = services.application_submit(actor=applicant, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at is not None
    assert application.revision == 1
    assert revision.number == 1
    assert revision.snapshot["title"] == "Digibank Mechelen"
    assert revision.snapshot["requested_cents"] == 10_000_00
    assert revision.snapshot["service_area"] == [{"nis_code": "12025", "name": "Mechelen"}]
    assert JournalEntry.objects.filter(
        action="funding.application_submit", subject_id=str(application.pk)
    ).exists()

    line = application.budget_lines.get()
    frozen_calls = [
        lambda: services.application_update_general(
            actor=applicant,
            application=application,
            title="Nieuw",
            summary="",
            starts_on=None,
            ends_on=None,
        ),
        lambda: services.application_update_goals(
            actor=applicant, application=application, goals=[]
        ),
        lambda: services.application_update_outputs(
            actor=applicant, application=application, outputs={"planned_people": 5}
        ),
        lambda: services.budget_line_add(
            actor=applicant,
            application=application,
            category="other",
            description="x",
            amount_cents=100,
        ),
        lambda: services.budget_line_remove(actor=applicant, line=line),
        lambda: services.service_area_remove(
            actor=applicant, application=application, municipality=application.service_area.get()
        ),
        lambda: services.attachment_add(
            actor=applicant, application=application, title="Plan", file=pdf()
        ),
        lambda: services.application_submit(actor=applicant, application=application),
    ]
    for change in frozen_calls:
        with pytest.raises(ValidationError):
            change()
    application.refresh_from_db()
    assert application.title == "Digibank Mechelen"
    assert application.requested_cents == 10_000_00
    assert ApplicationRevision.objects.filter(application=application).count() == 1


def test_a_draft_with_problems_is_not_submitted(make_draft: Any, applicant: Any) -> None:
    application = make_draft()
    with pytest.raises(ValidationError) as caught:
        services.application_submit(actor=applicant, application=application)
    assert caught.value.code == "not_eligible"
    assert "Add at least one budget line." in caught.value.messages
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert not ApplicationRevision.objects.exists()


@pytest.mark.parametrize(
    ("now", "accepted"),
    [
        (brussels(2026, 3, 31, 16, 59, 59), True),  # one second before closing
        (brussels(2026, 3, 31, 17, 0, 0), False),  # the moment it closes
        (brussels(2026, 3, 31, 17, 0, 1), False),
        (brussels(2026, 3, 1, 8, 59, 59), False),  # before it opens
    ],
)
def test_the_deadline_is_the_servers_time_in_brussels(
    make_draft: Any, applicant: Any, now: datetime, accepted: bool
) -> None:
    application = complete(make_draft(), applicant)
    round_ = application.round
    round_.opens_at = brussels(2026, 3, 1, 9, 0)
    round_.closes_at = brussels(2026, 3, 31, 17, 0)  # 15:00 UTC (summer time from 29 March)
    round_.save()
    application.refresh_from_db()
    with mock.patch.object(timezone, "now", return_value=now.astimezone(ZoneInfo("UTC"))):
        if accepted:
            services.application_submit(actor=applicant, application=application)
        else:
            with pytest.raises(ValidationError) as caught:
                services.application_submit(actor=applicant, application=application)
            assert caught.value.code in {"round_closed", "round_not_open"}
            if caught.value.code == "round_closed":
                assert "31 March 2026 17:00" in caught.value.messages[0]
    application.refresh_from_db()
    assert (application.status == ApplicationStatus.SUBMITTED) is accepted


def test_more_information_reopens_and_resubmission_keeps_a_second_revision(
    make_draft: Any, applicant: Any, officer: Any
) -> None:
    application = complete(make_draft(), applicant)
    services.application_submit(actor=applicant, application=application)
    # What the reviews area's service does: status more_information and a request.
    application.status = ApplicationStatus.MORE_INFORMATION
    application.save(update_fields=["status"])
    request = InformationRequest.objects.create(
        application=application, message="Welke gemeenten nog?", requested_by=officer
    )
    # The round has closed meanwhile: a resubmission is still accepted.
    application.round.closes_at = timezone.now() - timedelta(minutes=5)
    application.round.opens_at = timezone.now() - timedelta(days=5)
    application.round.save()
    application.refresh_from_db()
    services.service_area_add(
        actor=applicant,
        application=application,
        municipality=Municipality.objects.get(nis_code="12005"),  # Bonheiden
    )
    services.budget_line_add(
        actor=applicant,
        application=application,
        category="hardware",
        description="Laptops",
        amount_cents=2_000_00,
    )
    services.application_submit(actor=applicant, application=application)
    application.refresh_from_db()
    assert application.revision == 2
    assert application.status == ApplicationStatus.SUBMITTED
    request.refresh_from_db()
    assert request.answered_at is not None
    first, second = ApplicationRevision.objects.filter(application=application).order_by("number")
    diff = queries.revision_diff(first.snapshot, second.snapshot)
    added = [line.text for line in diff if line.change == "added"]
    removed = [line.text for line in diff if line.change == "removed"]
    assert "Municipality: Bonheiden" in added
    assert any("Laptops" in text for text in added)
    assert any(text.startswith("Amount requested") and "10,000" in text for text in removed)
    assert any(text.startswith("Amount requested") and "12,000" in text for text in added)
    assert not any("Mechelen" in text for text in added + removed)


def test_a_stranger_may_not_edit(make_draft: Any, other_applicant: Any) -> None:
    application = make_draft()
    with pytest.raises(ValidationError):
        services.application_update_goals(
            actor=other_applicant, application=application, goals=["lending"]
        )


def test_a_national_register_number_is_refused_in_the_summary(
    make_draft: Any, applicant: Any
) -> None:
    """Funding texts may name people but never hold a national register number."""
    application = make_draft()
    with pytest.raises(ValidationError) as raised:
        services.application_update_general(
            actor=applicant,
            application=application,
            title=application.title,
            summary="Contact: Jan, 85.07.30-033.28",
            starts_on=None,
            ends_on=None,
        )
    assert "summary" in raised.value.message_dict
    application.refresh_from_db()
    assert "85.07.30" not in application.summary
