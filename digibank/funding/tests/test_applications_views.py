"""Applicants' pages: registration, the list, starting, each editor section, submitting,
revisions; who may download files; 404 for other organisations; query-count bounds."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digibank.accounts.roles import ProgrammeRoleKind
from digibank.funding.models import (
    Applicant,
    Application,
    ApplicationStatus,
    ConflictStatus,
    InformationRequest,
    QuestionKind,
    ReviewAssignment,
)
from digibank.funding.services import applications as services
from digibank.network.models import Organisation

from .factories import PDF, complete, enterprise_number, mechelen, pdf

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"funding_applications:{name}", kwargs=kwargs)


# --- registration ------------------------------------------------------------------------


PASSWORD = "een-lang-en-goed-wachtwoord"


def _activate_from_mail(client: Client, address: str) -> Any:
    """Follow the activation link e-mailed to the address and choose a password."""
    (message,) = [message for message in mail.outbox if message.to == [address]]
    found = re.search(r"http://testserver(/accounts/activate/\S+)", str(message.body))
    assert found is not None
    link = found.group(1)
    assert client.get(link).status_code == 200
    return client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})


def test_register_a_new_organisation_activates_through_the_emailed_link(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    number = enterprise_number(7000001)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("register"),
            {
                "full_name": "Rita Register",
                "email": "rita@example.org",
                "enterprise_number": f"{number[:4]}.{number[4:7]}.{number[7:]}",
                "organisation_name": "Vzw Digitaal",
                "organisation_kind": "civil_society",
            },
        )
    assert response["Location"] == reverse("accounts:check_mailbox")
    assert client.get(url("list"))["Location"].startswith(reverse("accounts:login"))
    activated = _activate_from_mail(client, "rita@example.org")
    assert activated["Location"] == url("list")
    page = client.get(url("list"))
    assert page.status_code == 200
    assert "Vzw Digitaal" in page.content.decode()
    assert Applicant.objects.get(user__email="rita@example.org").is_pending


def test_register_shows_errors_and_saves_nothing(client: Client) -> None:
    response = client.post(
        url("register"),
        {"full_name": "Rita", "email": "rita@example.org", "enterprise_number": "0123.456.789"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "enterprise number is not valid" in text
    assert not Applicant.objects.exists()


def test_register_for_a_known_organisation_waits_and_the_colleague_confirms(
    client: Client,
    client_for: Any,
    applicant: Any,
    applicant_org: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("register"),
            {
                "full_name": "Carl Colleague",
                "email": "carl@example.org",
                "enterprise_number": applicant_org.enterprise_number,
            },
        )
    _activate_from_mail(client, "carl@example.org")
    assert "Waiting for confirmation" in client.get(url("list")).content.decode()
    waiting = Applicant.objects.get(user__email="carl@example.org")
    assert not waiting.is_confirmed
    colleague = client_for(applicant)
    assert "Carl Colleague" in colleague.get(url("list")).content.decode()
    colleague.post(url("colleague_confirm", applicant_pk=waiting.pk))
    waiting.refresh_from_db()
    assert waiting.is_confirmed


def test_a_stranger_cannot_confirm(
    client_for: Any, other_applicant: Any, applicant_org: Organisation, make_user: Any
) -> None:
    waiting = services.applicant_join(
        actor=make_user(), enterprise_number=applicant_org.enterprise_number
    )
    response = client_for(other_applicant).post(url("colleague_confirm", applicant_pk=waiting.pk))
    assert response.status_code == 404


# --- start, list and the editor ---------------------------------------------------------


def test_start_asks_then_creates_a_draft(
    client: Client, client_for: Any, make_call: Any, applicant: Any, applicant_org: Organisation
) -> None:
    round_ = make_call().rounds.get()
    anonymous = client.get(url("start", round_pk=round_.pk))
    assert anonymous.status_code == 200
    assert url("register") in anonymous.content.decode()
    signed_in = client_for(applicant)
    page = signed_in.get(url("start", round_pk=round_.pk))
    assert page.status_code == 200
    assert "Stad Mechelen" in page.content.decode()
    assert not Application.objects.exists()
    response = signed_in.post(
        url("start", round_pk=round_.pk),
        {"lead_organisation": applicant_org.pk, "title": "Samen digitaal"},
    )
    application = Application.objects.get()
    assert response["Location"] == url("edit_general", pk=application.pk)


def test_start_in_a_closed_round_is_refused(
    client_for: Any, make_call: Any, applicant: Any, applicant_org: Organisation
) -> None:
    now = timezone.now()
    round_ = make_call(
        opens_at=now - timedelta(days=3), closes_at=now - timedelta(seconds=1)
    ).rounds.get()
    response = client_for(applicant).post(
        url("start", round_pk=round_.pk),
        {"lead_organisation": applicant_org.pk, "title": "Te laat"},
    )
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_every_section_saves(
    client_for: Any, make_call: Any, make_draft: Any, applicant: Any
) -> None:
    call = make_call(
        questions=(
            {"label": "Waarom?", "kind": QuestionKind.LONG_TEXT},
            {"label": "Plan", "kind": QuestionKind.FILE},
        )
    )
    application = make_draft(call)
    client = client_for(applicant)
    pk = application.pk
    for name in (
        "detail",
        "edit_general",
        "edit_partners",
        "edit_area",
        "edit_goals",
        "edit_outputs",
        "edit_budget",
        "edit_answers",
        "edit_attachments",
        "submit",
        "revisions",
    ):
        assert client.get(url(name, pk=pk)).status_code == 200, name
    client.post(
        url("edit_general", pk=pk),
        {
            "title": "Samen",
            "summary": "Kort",
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-31",
        },
    )
    client.post(url("edit_goals", pk=pk), {"goals": ["lending", "training"]})
    client.post(url("edit_outputs", pk=pk), {"planned_people": "300", "planned_devices": "50"})
    client.post(
        url("edit_budget", pk=pk),
        {"category": "personnel", "description": "Coach", "amount": "1.250,50"},
    )
    found = client.get(url("edit_area", pk=pk), {"q": "2800"})
    assert "Mechelen" in found.content.decode()
    client.post(url("edit_area", pk=pk), {"municipality": "12025"})
    client.post(
        url("edit_partners", pk=pk),
        {
            "enterprise_number": enterprise_number(8000001),
            "organisation_name": "Hogeschool",
            "organisation_kind": "knowledge_institution",
            "partner_type": "knowledge_institution",
            "role": "Opleiding",
            "commitment_letter": pdf(),
        },
    )
    why, plan = list(call.questions.all())
    client.post(
        url("edit_answers", pk=pk),
        {f"question_{why.pk}": "Omdat", f"question_{plan.pk}": pdf("plan.pdf")},
    )
    client.post(url("edit_attachments", pk=pk), {"title": "Begroting", "file": pdf("b.pdf")})
    application.refresh_from_db()
    assert application.title == "Samen"
    assert application.goals == ["lending", "training"]
    assert application.planned_people == 300
    assert application.requested_cents == 1_250_50
    assert list(application.service_area.all()) == [mechelen()]
    assert application.partners.get().commitment_letter
    assert application.answers.count() == 2
    assert application.attachments.count() == 1
    response = client.post(url("submit", pk=pk))
    assert response["Location"] == url("detail", pk=pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_bad_amount_and_bad_letter_show_errors(
    client_for: Any, make_draft: Any, applicant: Any
) -> None:
    application = make_draft()
    client = client_for(applicant)
    response = client.post(
        url("edit_budget", pk=application.pk),
        {"category": "personnel", "description": "Coach", "amount": "veel"},
    )
    assert "Type an amount in euros" in response.content.decode()
    response = client.post(
        url("edit_partners", pk=application.pk),
        {
            "enterprise_number": enterprise_number(8000002),
            "organisation_name": "X",
            "organisation_kind": "company",
            "partner_type": "company",
            "commitment_letter": SimpleUploadedFile("letter.pdf", b"not really"),
        },
    )
    assert "not a real PDF file" in response.content.decode()
    assert not application.partners.exists()


def test_submit_lists_every_problem_with_links(
    client_for: Any, make_draft: Any, applicant: Any
) -> None:
    application = make_draft()
    response = client_for(applicant).post(url("submit", pk=application.pk))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Add at least one budget line." in text
    assert url("edit_budget", pk=application.pk) in text
    assert url("edit_area", pk=application.pk) in text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_submit_after_closing_says_so(client_for: Any, make_draft: Any, applicant: Any) -> None:
    application = complete(make_draft(), applicant)
    round_ = application.round
    round_.closes_at = timezone.now() - timedelta(seconds=1)
    round_.opens_at = timezone.now() - timedelta(days=2)
    round_.save()
    response = client_for(applicant).post(url("submit", pk=application.pk))
    assert "Submissions are no longer accepted" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_submitted_application_is_read_only(
    client_for: Any, make_draft: Any, applicant: Any
) -> None:
    application = complete(make_draft(), applicant)
    services.application_submit(actor=applicant, application=application)
    client = client_for(applicant)
    detail = client.get(url("detail", pk=application.pk)).content.decode()
    assert "no longer change it" in detail
    assert url("edit_general", pk=application.pk) not in detail
    response = client.get(url("edit_general", pk=application.pk))
    assert response["Location"] == url("detail", pk=application.pk)
    line = application.budget_lines.get()
    client.post(url("remove_budget_line", pk=application.pk, line_pk=line.pk))
    assert application.budget_lines.exists()


def test_more_information_shows_the_message_and_revisions_show_the_diff(
    client_for: Any, make_draft: Any, applicant: Any, officer: Any
) -> None:
    application = complete(make_draft(), applicant)
    services.application_submit(actor=applicant, application=application)
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.MORE_INFORMATION)
    InformationRequest.objects.create(
        application=application, message="Voeg Bonheiden toe.", requested_by=officer
    )
    client = client_for(applicant)
    page = client.get(url("edit_general", pk=application.pk)).content.decode()
    assert "Voeg Bonheiden toe." in page
    application.refresh_from_db()
    client.post(url("edit_area", pk=application.pk), {"municipality": "12005"})
    client.post(url("submit", pk=application.pk))
    revisions = client.get(url("revisions", pk=application.pk)).content.decode()
    assert "<ins><strong>added:</strong> Municipality: Bonheiden</ins>" in revisions


# --- access ------------------------------------------------------------------------------


def test_another_organisation_never_sees_an_application_or_its_files(
    client_for: Any, make_draft: Any, applicant: Any, other_applicant: Any
) -> None:
    application = make_draft()
    attachment = services.attachment_add(
        actor=applicant, application=application, title="Plan", file=pdf()
    )
    stranger = client_for(other_applicant)
    for name in ("detail", "edit_general", "edit_budget", "submit", "revisions"):
        assert stranger.get(url(name, pk=application.pk)).status_code == 404
    assert stranger.post(url("submit", pk=application.pk)).status_code == 404
    file_url = url("attachment_file", pk=application.pk, attachment_pk=attachment.pk)
    assert stranger.get(file_url).status_code == 404
    assert "Digibank Mechelen" not in stranger.get(url("list")).content.decode()
    own = client_for(applicant).get(file_url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    assert own["Content-Disposition"].startswith("attachment")


def test_officers_and_cleared_reviewers_may_download(
    client: Client,
    client_for: Any,
    make_draft: Any,
    applicant: Any,
    officer: Any,
    make_user: Any,
    programme: Any,
    other_programme: Any,
) -> None:
    application = make_draft()
    attachment = services.attachment_add(
        actor=applicant, application=application, title="Plan", file=pdf()
    )
    file_url = url("attachment_file", pk=application.pk, attachment_pk=attachment.pk)
    assert client.get(file_url).status_code == 404  # anonymous
    assert client_for(officer).get(file_url).status_code == 404  # a draft is the applicant's
    assert client_for(applicant).get(file_url).status_code == 200
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED)
    assert client_for(officer).get(file_url).status_code == 200
    other_officer = make_user(programme=other_programme)
    assert client_for(other_officer).get(file_url).status_code == 404
    reviewer = make_user(programme=programme, programme_role=ProgrammeRoleKind.REVIEWER)
    assert client_for(reviewer).get(file_url).status_code == 404  # not assigned
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=officer
    )
    assert client_for(reviewer).get(file_url).status_code == 404  # not declared yet
    assignment.conflict = ConflictStatus.CONFLICT
    assignment.save()
    assert client_for(reviewer).get(file_url).status_code == 404
    assignment.conflict = ConflictStatus.NONE
    assignment.save()
    assert client_for(reviewer).get(file_url).status_code == 200


def test_an_unconfirmed_colleague_sees_nothing(
    client_for: Any, make_draft: Any, make_user: Any, applicant_org: Organisation
) -> None:
    application = make_draft()
    waiting = make_user()
    services.applicant_join(actor=waiting, enterprise_number=applicant_org.enterprise_number)
    client = client_for(waiting)
    assert client.get(url("detail", pk=application.pk)).status_code == 404
    assert "Digibank Mechelen" not in client.get(url("list")).content.decode()


def test_officer_confirms_people_of_organisations_without_applicants(
    client_for: Any, officer: Any, hub: Any, make_user: Any, programme: Any
) -> None:
    waiting = services.applicant_join(
        actor=make_user(full_name="Lea Lead"),
        enterprise_number=hub.lead_organisation.enterprise_number,
    )
    client = client_for(officer)
    page = client.get(url("officer_applicants", programme=programme.slug))
    assert "Lea Lead" in page.content.decode()
    client.post(url("officer_applicant_confirm", programme=programme.slug, applicant_pk=waiting.pk))
    waiting.refresh_from_db()
    assert waiting.is_confirmed


def test_the_home_page_shows_the_applications(
    client_for: Any, make_draft: Any, applicant: Any
) -> None:
    make_draft()
    page = client_for(applicant).get(reverse("core:home"))
    assert "Digibank Mechelen" in page.content.decode()


# --- query counts ------------------------------------------------------------------------


def _many(applicant: Any, make_call: Any, applicant_org: Organisation, count: int) -> list[Any]:
    round_ = make_call().rounds.get()
    return [
        services.application_start(
            actor=applicant, round=round_, lead_organisation=applicant_org, title=f"Plan {n}"
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [1, 12])
def test_list_query_count_is_bounded(
    client_for: Any,
    make_call: Any,
    applicant: Any,
    applicant_org: Organisation,
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    _many(applicant, make_call, applicant_org, count)
    client = client_for(applicant)
    with django_assert_max_num_queries(9):  # 8 measured, the same for 1 and 12
        assert client.get(url("list")).status_code == 200


def _rich(application: Any, applicant: Any, size: int) -> None:
    complete(application, applicant)
    for n in range(size):
        services.partner_add(
            actor=applicant,
            application=application,
            enterprise_number=enterprise_number(9000000 + n),
            organisation_name=f"Partner {n}",
            organisation_kind="company",
            partner_type="company",
            commitment_letter=pdf(),
        )
        services.budget_line_add(
            actor=applicant,
            application=application,
            category="other",
            description=f"Lijn {n}",
            amount_cents=100,
        )
        services.attachment_add(
            actor=applicant, application=application, title=f"Bijlage {n}", file=pdf()
        )


@pytest.mark.parametrize("size", [1, 8])
@pytest.mark.parametrize(
    "name", ["detail", "edit_partners", "edit_budget", "edit_attachments", "submit"]
)
def test_editor_and_summary_query_counts_are_bounded(
    client_for: Any,
    make_draft: Any,
    applicant: Any,
    size: int,
    name: str,
    django_assert_max_num_queries: Any,
) -> None:
    application = make_draft()
    _rich(application, applicant, size)
    client = client_for(applicant)
    # Measured: 11 for the overview and submit page (summary and checks), 4 per section,
    # the same with 1 and with 8 partners, lines and attachments.
    limit = 12 if name in {"detail", "submit"} else 5
    with django_assert_max_num_queries(limit):
        assert client.get(url(name, pk=application.pk)).status_code == 200


def test_a_signed_in_user_adds_an_organisation(client_for: Any, make_user: Any) -> None:
    user = make_user()
    client = client_for(user)
    assert client.get(url("register"))["Location"] == url("join")
    number = enterprise_number(7100001)
    response = client.post(
        url("join"),
        {
            "enterprise_number": number,
            "organisation_name": "Bibliotheek Lier",
            "organisation_kind": "other",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == url("list")  # never to another site
    assert Applicant.objects.get(user=user).is_pending
