"""The officers' call pages: who may open them, creating a call from its kind's defaults,
rounds typed in Brussels time, questions and criteria, publishing with clear reasons,
the programme page's section, and query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole, ProgrammeRoleKind
from digibank.funding.models import Applicant, ApplicationStatus, Call, Criterion, Question
from digibank.funding.services import calls as services
from digibank.network.models import Hub, Organisation, OrganisationKind, Programme

from .factories import call_via_services, create_application, ready_call, round_via_services

pytestmark = pytest.mark.django_db


def url(name: str, programme: Programme, **kwargs: Any) -> str:
    return reverse(f"funding_calls:{name}", kwargs={"programme": programme.slug, **kwargs})


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- who may open the officers' pages -------------------------------------------------------


def test_only_the_programmes_officers_reach_the_call_pages(
    officer: User,
    programme: Programme,
    other_programme: Programme,
    make_user: Callable[..., User],
    hub: Hub,
    client_for: Callable[[User], Client],
) -> None:
    call = ready_call(officer, programme)
    pages = [
        url("officer_list", programme),
        url("officer_create", programme),
        url("officer_detail", programme, pk=call.pk),
        url("officer_edit", programme, pk=call.pk),
        url("round_create", programme, pk=call.pk),
        url("round_edit", programme, pk=call.pk, round_pk=call.rounds.get().pk),
        url("criterion_edit", programme, pk=call.pk, criterion_pk=call.criteria.get().pk),
    ]
    for page in pages:
        assert client_for(officer).get(page).status_code == 200, page
    other_officer = make_user(programme=other_programme)
    reviewer = make_user(programme=programme, programme_role=ProgrammeRoleKind.REVIEWER)
    coordinator = make_user(HubRole.COORDINATOR, hub)
    applicant = make_user()
    Applicant.objects.create(
        user=applicant,
        organisation=Organisation.objects.create(
            name="Vzw Samen", kind=OrganisationKind.CIVIL_SOCIETY
        ),
    )
    for user in (other_officer, reviewer, coordinator, applicant):
        client = client_for(user)
        for page in pages:
            assert client.get(page).status_code == 404, (user, page)
        response = client.post(url("officer_publish", programme, pk=call.pk))
        assert response.status_code == 404
    anonymous = Client().get(pages[0])
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))


def test_a_call_of_another_programme_is_not_found(
    officer: User,
    programme: Programme,
    other_programme: Programme,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    theirs = ready_call(make_user(programme=other_programme), other_programme)
    client = client_for(officer)
    assert client.get(url("officer_detail", programme, pk=theirs.pk)).status_code == 404
    mine = call_via_services(officer, programme)
    their_round = theirs.rounds.get()
    assert (
        client.get(url("round_edit", programme, pk=mine.pk, round_pk=their_round.pk)).status_code
        == 404
    )
    response = client.post(url("round_remove", programme, pk=mine.pk, round_pk=their_round.pk))
    assert response.status_code == 404
    assert client.get(url("officer_detail", programme, pk=2**63)).status_code == 404
    assert theirs.rounds.exists()


# --- creating and changing a call -----------------------------------------------------------


def test_create_a_call_from_the_kinds_defaults(
    officer: User, programme: Programme, client_for: Callable[[User], Client]
) -> None:
    client = client_for(officer)
    choice = client.get(url("officer_create", programme))
    assert "What kind of call?" in choice.text
    form = client.get(url("officer_create", programme) + "?kind=preparation")
    assert form.context["form"]["max_amount_euros"].value() == 15000
    assert form.context["form"]["max_duration_months"].value() == 4
    implementation = client.get(url("officer_create", programme) + "?kind=implementation")
    assert implementation.context["form"]["min_duration_months"].value() == 24
    assert implementation.context["form"]["required_goals"].value() == [
        "lending",
        "training",
        "guidance",
    ]
    response = client.post(
        url("officer_create", programme),
        {
            "title": "Voortraject 2026",
            "description": "Vorm een partnerschap.",
            "kind": "preparation",
            "max_amount_euros": "12500.50",
            "max_duration_months": "4",
            "limits_reason": "Kleinere voortrajecten",
            "lead_organisation_kinds": ["local_government"],
            "region": "flanders",
            "score_scale_max": "5",
        },
    )
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("officer_detail", programme, pk=call.pk)
    assert call.max_amount_cents == 12_500_50
    assert call.slug == "voortraject-2026"
    assert call.lead_organisation_kinds == ["local_government"]
    assert call.programme == programme
    assert not call.is_published


def test_a_bad_call_form_shows_errors_and_saves_nothing(
    officer: User, programme: Programme, client_for: Callable[[User], Client]
) -> None:
    response = client_for(officer).post(
        url("officer_create", programme),
        {
            "title": "",
            "kind": "implementation",
            "max_amount_euros": "-5",
            "min_duration_months": "24",
            "max_duration_months": "12",
            "score_scale_max": "5",
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    errors = response.context["form"].errors
    assert set(errors) == {"title", "max_amount_euros", "max_duration_months"}
    assert not Call.objects.exists()
    # An unknown kind goes back to the choice.
    again = client_for(officer).get(url("officer_create", programme) + "?kind=pirates")
    assert "What kind of call?" in again.text


def test_edit_a_call(
    officer: User, programme: Programme, client_for: Callable[[User], Client]
) -> None:
    call = call_via_services(officer, programme, title="Oud")
    client = client_for(officer)
    form = client.get(url("officer_edit", programme, pk=call.pk))
    assert form.context["form"]["max_amount_euros"].value() == 500000
    data = {
        "title": "Nieuw",
        "kind": "implementation",
        "max_amount_euros": "450000",
        "min_duration_months": "24",
        "required_goals": ["lending", "training", "guidance"],
        "score_scale_max": "10",
        "limits_reason": "Minder budget",
    }
    response = client.post(url("officer_edit", programme, pk=call.pk), data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.title, call.max_amount_cents, call.score_scale_max) == ("Nieuw", 450_000_00, 10)
    assert call.slug == "oud"


# --- rounds ---------------------------------------------------------------------------------


def round_data(**changes: str) -> dict[str, str]:
    return {
        "name": "Ronde 1",
        "opens_on": "2030-03-01",
        "opens_time": "09:00",
        "closes_on": "2030-04-30",
        "closes_time": "17:00",
        "budget_euros": "2000000",
    } | changes


def test_add_a_round_in_brussels_time(
    officer: User, programme: Programme, client_for: Callable[[User], Client]
) -> None:
    call = call_via_services(officer, programme)
    response = client_for(officer).post(url("round_create", programme, pk=call.pk), round_data())
    assert response.status_code == 302
    round_ = call.rounds.get()
    assert round_.opens_at == datetime(2030, 3, 1, 8, 0, tzinfo=UTC)  # winter: UTC+1
    assert round_.closes_at == datetime(2030, 4, 30, 15, 0, tzinfo=UTC)  # summer: UTC+2
    assert round_.budget_cents == 2_000_000_00
    detail = client_for(officer).get(url("officer_detail", programme, pk=call.pk))
    assert "1 Mar 2030, 09:00" in detail.text
    assert "30 Apr 2030, 17:00" in detail.text


def test_round_errors_are_shown_on_the_form(
    officer: User, programme: Programme, client_for: Callable[[User], Client]
) -> None:
    call = call_via_services(officer, programme)
    client = client_for(officer)
    response = client.post(
        url("round_create", programme, pk=call.pk), round_data(closes_on="2030-02-01")
    )
    assert response.context["form"].errors["closes_on"] == ["The round must close after it opens."]
    client.post(url("round_create", programme, pk=call.pk), round_data())
    overlap = client.post(
        url("round_create", programme, pk=call.pk),
        round_data(name="Ronde 2", opens_on="2030-04-01", closes_on="2030-06-01"),
    )
    assert overlap.status_code == 200
    assert "overlaps with “Ronde 1”" in overlap.context["form"].errors["opens_on"][0]
    assert call.rounds.count() == 1


def test_closing_a_round_with_submitted_applications_in_the_past_is_refused(
    officer: User, programme: Programme, client_for: Callable[[User], Client]
) -> None:
    call = call_via_services(officer, programme)
    round_ = round_via_services(officer, call)
    create_application(round_, created_by=officer, status=ApplicationStatus.SUBMITTED)
    yesterday = timezone.localdate() - timedelta(days=1)
    client = client_for(officer)
    response = client.post(
        url("round_edit", programme, pk=call.pk, round_pk=round_.pk),
        round_data(
            opens_on=str(yesterday - timedelta(days=5)), closes_on=str(yesterday), budget_euros="5"
        ),
    )
    assert response.status_code == 200
    assert "cannot be moved into the past" in response.text
    before = round_.closes_at
    round_.refresh_from_db()
    assert round_.closes_at == before
    removal = client.post(
        url("round_remove", programme, pk=call.pk, round_pk=round_.pk), follow=True
    )
    assert "This round cannot be removed: 1 application(s) were started in it." in (
        " ".join(messages_of(removal))
    )
    assert call.rounds.count() == 1


def test_remove_an_empty_round_after_confirming(
    officer: User, programme: Programme, client_for: Callable[[User], Client]
) -> None:
    call = call_via_services(officer, programme)
    round_ = round_via_services(officer, call, name="Weg ermee")
    client = client_for(officer)
    page = url("round_remove", programme, pk=call.pk, round_pk=round_.pk)
    confirm = client.get(page)
    assert "Remove the round “Weg ermee”?" in confirm.text
    assert call.rounds.exists()
    response = client.post(page)
    assert response.status_code == 302
    assert not call.rounds.exists()


# --- questions and criteria -----------------------------------------------------------------


def test_questions_added_moved_changed_and_removed(
    officer: User, programme: Programme, client_for: Callable[[User], Client]
) -> None:
    call = call_via_services(officer, programme)
    client = client_for(officer)
    client.post(
        url("question_create", programme, pk=call.pk),
        {"label": "Waarom?", "kind": "long_text", "is_required": "on"},
    )
    refused = client.post(
        url("question_create", programme, pk=call.pk),
        {"label": "Welke?", "kind": "choice", "choices": "Alleen"},
    )
    assert "Give at least two choices, one per line." in refused.text
    client.post(
        url("question_create", programme, pk=call.pk),
        {"label": "Welke?", "kind": "choice", "choices": "Klein\nGroot\n"},
    )
    second = Question.objects.get(label="Welke?")
    assert second.choices == ["Klein", "Groot"]
    assert second.is_required is False
    move = client.post(
        url("question_move", programme, pk=call.pk, question_pk=second.pk), {"direction": "up"}
    )
    assert move.status_code == 302
    assert list(call.questions.values_list("label", flat=True)) == ["Welke?", "Waarom?"]
    assert (
        client.get(url("question_move", programme, pk=call.pk, question_pk=second.pk)).status_code
        == 302
    )
    client.post(
        url("question_edit", programme, pk=call.pk, question_pk=second.pk),
        {"label": "Hoe groot?", "kind": "choice", "choices": "Klein\nGroot", "is_required": "on"},
    )
    second.refresh_from_db()
    assert (second.label, second.is_required) == ("Hoe groot?", True)
    client.post(url("question_remove", programme, pk=call.pk, question_pk=second.pk))
    assert list(call.questions.values_list("label", flat=True)) == ["Waarom?"]


def test_criteria_added_changed_and_removed(
    officer: User, programme: Programme, client_for: Callable[[User], Client]
) -> None:
    call = call_via_services(officer, programme)
    client = client_for(officer)
    client.post(
        url("criterion_create", programme, pk=call.pk),
        {"name": "Bereik", "description": "Hoeveel mensen?", "weight": "3"},
    )
    client.post(url("criterion_create", programme, pk=call.pk), {"name": "Plan", "weight": "1"})
    bereik = Criterion.objects.get(name="Bereik")
    assert bereik.weight == 3
    client.post(
        url("criterion_move", programme, pk=call.pk, criterion_pk=bereik.pk),
        {"direction": "down"},
    )
    assert list(call.criteria.values_list("name", flat=True)) == ["Plan", "Bereik"]
    bad = client.post(
        url("criterion_edit", programme, pk=call.pk, criterion_pk=bereik.pk),
        {"name": "Bereik", "weight": "0"},
    )
    assert "weight" in bad.context["form"].errors
    client.post(url("criterion_remove", programme, pk=call.pk, criterion_pk=bereik.pk))
    assert list(call.criteria.values_list("name", flat=True)) == ["Plan"]


# --- publishing -----------------------------------------------------------------------------


def test_publish_is_refused_with_the_reasons_then_done(
    officer: User, programme: Programme, client_for: Callable[[User], Client]
) -> None:
    call = call_via_services(officer, programme)
    client = client_for(officer)
    detail = client.get(url("officer_detail", programme, pk=call.pk))
    assert "Before you can publish this call:" in detail.text
    refused = client.post(url("officer_publish", programme, pk=call.pk), follow=True)
    shown = messages_of(refused)
    assert any("Add at least one round" in message for message in shown)
    assert any("Add at least one review criterion" in message for message in shown)
    call.refresh_from_db()
    assert not call.is_published
    round_via_services(officer, call)
    services.criterion_create(actor=officer, call=call, data={"name": "Bereik"})
    done = client.post(url("officer_publish", programme, pk=call.pk), follow=True)
    assert "The call is published: anyone can now read it." in messages_of(done)
    call.refresh_from_db()
    assert call.is_published
    assert Client().get(reverse("funding_calls:public_detail", args=[call.slug])).status_code == 200
    client.post(url("officer_unpublish", programme, pk=call.pk))
    assert Client().get(reverse("funding_calls:public_detail", args=[call.slug])).status_code == 404


# --- the programme page -------------------------------------------------------------------


def test_programme_page_links_officers_to_their_calls(
    officer: User,
    programme: Programme,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    ready_call(officer, programme)
    call_via_services(officer, programme, title="Concept")
    page = client_for(officer).get(reverse("programmes:detail", args=[programme.slug]))
    assert page.status_code == 200
    assert url("officer_list", programme) in page.text
    assert url("officer_create", programme) in page.text
    assert "2 calls, 1 published" in page.text
    reviewer = make_user(programme=programme, programme_role=ProgrammeRoleKind.REVIEWER)
    seen = client_for(reviewer).get(reverse("programmes:detail", args=[programme.slug]))
    assert seen.status_code == 200
    assert url("officer_list", programme) not in seen.text


# --- query counts ---------------------------------------------------------------------------


def test_officer_pages_query_counts_stay_flat(
    officer: User,
    programme: Programme,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(officer)
    for number in range(30):
        call = ready_call(officer, programme, title=f"Oproep {number}")
    now = timezone.now()
    for number in range(5):
        round_via_services(
            officer,
            call,
            name=f"Later {number}",
            opens_at=now + timedelta(days=30 * (number + 1)),
            closes_at=now + timedelta(days=30 * (number + 1) + 10),
        )
        services.question_create(
            actor=officer, call=call, data={"label": f"Vraag {number}", "kind": "text"}
        )
        services.criterion_create(actor=officer, call=call, data={"name": f"Criterium {number}"})
    with django_assert_max_num_queries(8):
        listing = client.get(url("officer_list", programme))
    assert listing.status_code == 200
    assert "30 calls" in listing.text
    assert "Page 1 of 2" in listing.text
    with django_assert_max_num_queries(10):
        detail = client.get(url("officer_detail", programme, pk=call.pk))
    assert detail.status_code == 200
    assert "6 rounds" not in detail.text  # the table lists them
    assert detail.text.count("Later ") >= 5
