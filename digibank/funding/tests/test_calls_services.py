"""The calls services: defaults by kind, slugs, rounds (order, overlap, editing rules),
questions and criteria (positions, removal rules), publication rules and journal lines."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.journal import action_label, journal_for_subject
from digibank.core.models import JournalEntry
from digibank.funding.models import (
    Answer,
    ApplicationStatus,
    Call,
    CallKind,
    Criterion,
    Question,
    ReviewAssignment,
    Round,
    Score,
)
from digibank.funding.services import calls as services
from digibank.network.models import Programme

from .factories import call_via_services, create_application, ready_call, round_via_services

pytestmark = pytest.mark.django_db


def actions(call: Call) -> list[str]:
    return list(journal_for_subject(call).order_by("id").values_list("action", flat=True))


# --- calls and their defaults -------------------------------------------------------------


def test_preparation_call_starts_with_its_defaults(officer: User, programme: Programme) -> None:
    call = call_via_services(
        officer, programme, title="Voortraject 2026", kind=CallKind.PREPARATION
    )
    assert call.max_amount_cents == 15_000_00
    assert call.max_duration_months == 4
    assert call.min_duration_months is None
    assert call.required_goals == []
    assert call.is_published is False
    assert call.programme == programme
    assert call.created_by == officer


def test_implementation_call_starts_with_its_defaults(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme, kind=CallKind.IMPLEMENTATION)
    assert call.max_amount_cents == 500_000_00
    assert call.min_duration_months == 24
    assert call.max_duration_months is None
    assert call.required_goals == ["lending", "training", "guidance"]
    assert call.score_scale_max == 5


def test_officer_may_change_the_defaults(officer: User, programme: Programme) -> None:
    call = call_via_services(
        officer,
        programme,
        kind=CallKind.IMPLEMENTATION,
        max_amount_cents=350_000_00,
        min_duration_months=30,
        required_goals=["training"],
        lead_organisation_kinds=["local_government"],
        required_partner_types=["civil_society", "government"],
        region="flanders",
        score_scale_max=10,
        limits_reason="Kleinere projecten in deze ronde",
    )
    assert call.max_amount_cents == 350_000_00
    assert call.min_duration_months == 30
    assert call.required_goals == ["training"]
    assert call.required_partner_types == ["government", "civil_society"]  # known order
    assert call.region == "flanders"
    assert call.score_scale_max == 10


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "other"}, "kind"),
        ({"title": "  "}, "title"),
        ({"max_amount_cents": 0}, "max_amount_cents"),
        ({"required_goals": ["dancing"]}, "required_goals"),
        ({"lead_organisation_kinds": ["pirates"]}, "lead_organisation_kinds"),
        ({"region": "mars"}, "region"),
        ({"min_duration_months": 12, "max_duration_months": 6}, "max_duration_months"),
        ({"score_scale_max": 1}, "score_scale_max"),
    ],
)
def test_call_input_is_checked(
    officer: User, programme: Programme, data: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        call_via_services(officer, programme, **data)
    assert field in caught.value.error_dict
    assert not Call.objects.exists()


def test_slugs_are_made_from_the_title_and_unique(officer: User, programme: Programme) -> None:
    first = call_via_services(officer, programme, title="Oproep Digibanken 2026")
    second = call_via_services(officer, programme, title="Oproep digibanken 2026")
    third = call_via_services(officer, programme, title="Oproep digibanken 2026")
    assert first.slug == "oproep-digibanken-2026"
    assert second.slug == "oproep-digibanken-2026-2"
    assert third.slug == "oproep-digibanken-2026-3"
    assert call_via_services(officer, programme, title="!!!").slug == "call"


def test_update_keeps_the_slug_and_journals_the_fields(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme, title="Eerste titel")
    services.call_update(
        actor=officer,
        call=call,
        data={
            "title": "Andere titel",
            "max_amount_cents": 400_000_00,
            "limits_reason": "Minder budget",
        },
    )
    call.refresh_from_db()
    assert call.title == "Andere titel"
    assert call.slug == "eerste-titel"
    entry = journal_for_subject(call).get(action="funding.call_update")
    assert entry.details == {
        "fields": ["limits_reason", "max_amount_cents", "title"],
        "limits_differ": ["max_amount_cents"],
        "limits_reason": "Minder budget",
    }
    assert entry.actor == officer


def test_create_is_journaled(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    entry = journal_for_subject(call).get()
    assert entry.action == "funding.call_create"
    assert entry.details == {"kind": "implementation", "slug": call.slug}
    assert str(action_label("funding.call_create")) == "Call created"


# --- publication ----------------------------------------------------------------------


def test_publish_needs_a_round_and_a_criterion(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    with pytest.raises(ValidationError) as caught:
        services.call_publish(actor=officer, call=call)
    assert len(caught.value.messages) == 2
    assert "round" in caught.value.messages[0]
    assert "criterion" in caught.value.messages[1]
    round_via_services(officer, call)
    with pytest.raises(ValidationError) as caught:
        services.call_publish(actor=officer, call=call)
    assert caught.value.messages == [
        "Add at least one review criterion: reviewers need to know what to score."
    ]
    services.criterion_create(actor=officer, call=call, data={"name": "Reach"})
    services.call_publish(actor=officer, call=call)
    call.refresh_from_db()
    assert call.is_published
    assert actions(call)[-1] == "funding.call_publish"


def test_unpublish_and_publish_twice_are_harmless(officer: User, programme: Programme) -> None:
    call = ready_call(officer, programme)
    services.call_publish(actor=officer, call=call)
    assert actions(call).count("funding.call_publish") == 1
    services.call_unpublish(actor=officer, call=call)
    services.call_unpublish(actor=officer, call=call)
    call.refresh_from_db()
    assert not call.is_published
    assert actions(call).count("funding.call_unpublish") == 1


def test_a_published_call_keeps_one_round_and_one_criterion(
    officer: User, programme: Programme
) -> None:
    call = ready_call(officer, programme)
    with pytest.raises(ValidationError, match="at least one round"):
        services.round_delete(actor=officer, round_=call.rounds.get())
    with pytest.raises(ValidationError, match="at least one review criterion"):
        services.criterion_delete(actor=officer, criterion=call.criteria.get())
    assert call.rounds.count() == 1
    assert call.criteria.count() == 1


# --- rounds -------------------------------------------------------------------------------


def test_rounds_are_ordered_by_opening_and_journaled(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    now = timezone.now()
    later = round_via_services(
        officer,
        call,
        name="Ronde 2",
        opens_at=now + timedelta(days=30),
        closes_at=now + timedelta(days=60),
    )
    first = round_via_services(officer, call, name="Ronde 1")
    assert list(call.rounds.all()) == [first, later]
    entry = journal_for_subject(call).filter(action="funding.round_create").order_by("id").first()
    assert entry is not None
    assert entry.details["name"] == "Ronde 2"
    assert entry.details["budget_cents"] == 1_000_000_00


def test_a_round_closes_after_it_opens(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        round_via_services(officer, call, opens_at=now, closes_at=now)
    assert caught.value.message_dict == {"closes_at": ["The round must close after it opens."]}
    with pytest.raises(ValidationError):
        round_via_services(officer, call, opens_at=now, closes_at=now - timedelta(hours=1))
    with pytest.raises(ValidationError) as caught:
        round_via_services(officer, call, budget_cents=0)
    assert "budget_cents" in caught.value.error_dict
    assert not Round.objects.exists()


def test_rounds_of_a_call_do_not_overlap(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    now = timezone.now()
    round_via_services(
        officer, call, name="Voorjaar", opens_at=now, closes_at=now + timedelta(days=10)
    )
    with pytest.raises(ValidationError, match="overlaps with “Voorjaar”"):
        round_via_services(
            officer,
            call,
            name="Zomer",
            opens_at=now + timedelta(days=9),
            closes_at=now + timedelta(days=20),
        )
    # Back to back is fine: one closes at the moment the next opens.
    round_via_services(
        officer,
        call,
        name="Zomer",
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=20),
    )
    # Another call's rounds do not count.
    other = call_via_services(officer, programme, title="Andere")
    round_via_services(officer, other, opens_at=now, closes_at=now + timedelta(days=10))


def test_round_update_changes_and_journals(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    round_ = round_via_services(officer, call)
    new_close = round_.closes_at + timedelta(days=5)
    services.round_update(
        actor=officer, round_=round_, data={"closes_at": new_close, "name": "Eerste ronde"}
    )
    round_.refresh_from_db()
    assert round_.closes_at == new_close
    assert round_.name == "Eerste ronde"
    entry = journal_for_subject(call).get(action="funding.round_update")
    assert entry.details == {"round": round_.pk, "fields": ["closes_at", "name"]}


def test_closing_moved_into_the_past_is_refused_with_submitted_applications(
    officer: User, programme: Programme
) -> None:
    call = call_via_services(officer, programme)
    round_ = round_via_services(officer, call)
    past = timezone.now() - timedelta(minutes=1)
    # Only drafts: the officer may close the round early.
    create_application(round_, created_by=officer, status=ApplicationStatus.DRAFT)
    services.round_update(actor=officer, round_=round_, data={"closes_at": past})
    round_.refresh_from_db()
    assert round_.closes_at == past
    # Opening it again and a submitted application: no more closing into the past.
    services.round_update(
        actor=officer, round_=round_, data={"closes_at": timezone.now() + timedelta(days=3)}
    )
    create_application(round_, created_by=officer)
    with pytest.raises(ValidationError) as caught:
        services.round_update(actor=officer, round_=round_, data={"closes_at": past})
    assert "cannot be moved into the past" in caught.value.message_dict["closes_at"][0]
    # Later is still fine, and so is changing other things.
    services.round_update(actor=officer, round_=round_, data={"budget_cents": 5_000_00})


def test_a_round_with_applications_cannot_be_removed(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    round_ = round_via_services(officer, call)
    create_application(round_, created_by=officer, status=ApplicationStatus.DRAFT)
    with pytest.raises(ValidationError, match="1 application"):
        services.round_delete(actor=officer, round_=round_)
    assert Round.objects.filter(pk=round_.pk).exists()


def test_an_empty_round_is_removed_and_journaled(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    round_ = round_via_services(officer, call, name="Weg")
    services.round_delete(actor=officer, round_=round_)
    assert not Round.objects.exists()
    entry = journal_for_subject(call).get(action="funding.round_delete")
    assert entry.details == {"round": round_.pk, "name": "Weg"}


# --- questions ----------------------------------------------------------------------------


def test_questions_get_the_next_position_and_move(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    first = services.question_create(
        actor=officer, call=call, data={"label": "Waarom?", "kind": "long_text"}
    )
    second = services.question_create(
        actor=officer, call=call, data={"label": "Hoeveel?", "kind": "number"}
    )
    third = services.question_create(
        actor=officer, call=call, data={"label": "Wanneer?", "kind": "date", "is_required": False}
    )
    assert [first.position, second.position, third.position] == [1, 2, 3]
    services.question_move(actor=officer, question=third, up=True)
    assert list(call.questions.values_list("label", flat=True)) == [
        "Waarom?",
        "Wanneer?",
        "Hoeveel?",
    ]
    # Nothing above the first one: no change, no journal line.
    services.question_move(actor=officer, question=first, up=True)
    services.question_move(actor=officer, question=first, up=False)
    assert list(call.questions.values_list("label", flat=True)) == [
        "Wanneer?",
        "Waarom?",
        "Hoeveel?",
    ]
    assert actions(call).count("funding.question_move") == 2


def test_choice_questions_need_two_choices(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    with pytest.raises(ValidationError) as caught:
        services.question_create(
            actor=officer, call=call, data={"label": "Welke?", "kind": "choice", "choices": "Een"}
        )
    assert "choices" in caught.value.error_dict
    question = services.question_create(
        actor=officer,
        call=call,
        data={"label": "Welke?", "kind": "choice", "choices": ["Een", " Twee ", "", "Een"]},
    )
    assert question.choices == ["Een", "Twee"]
    # Choices are dropped for other kinds.
    services.question_update(actor=officer, question=question, data={"kind": "text"})
    question.refresh_from_db()
    assert question.choices == []


def test_an_answered_question_keeps_its_kind_and_stays(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    question = services.question_create(
        actor=officer, call=call, data={"label": "Waarom?", "kind": "long_text"}
    )
    application = create_application(round_via_services(officer, call), created_by=officer)
    Answer.objects.create(application=application, question=question, text="Samen")
    with pytest.raises(ValidationError) as caught:
        services.question_update(actor=officer, question=question, data={"kind": "number"})
    assert "kind" in caught.value.error_dict
    services.question_update(actor=officer, question=question, data={"label": "Waarom samen?"})
    with pytest.raises(ValidationError, match="already answered"):
        services.question_delete(actor=officer, question=question)
    assert Question.objects.filter(pk=question.pk).exists()


def test_question_changes_are_journaled(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    question = services.question_create(
        actor=officer, call=call, data={"label": "Waarom?", "kind": "text"}
    )
    services.question_update(actor=officer, question=question, data={"is_required": False})
    services.question_delete(actor=officer, question=question)
    assert actions(call)[1:] == [
        "funding.question_create",
        "funding.question_update",
        "funding.question_delete",
    ]
    update = journal_for_subject(call).get(action="funding.question_update")
    assert update.details == {"question": question.pk, "fields": ["is_required"]}


# --- criteria -----------------------------------------------------------------------------


def test_criteria_with_weights_positions_and_moves(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme)
    reach = services.criterion_create(
        actor=officer, call=call, data={"name": "Bereik", "weight": 3}
    )
    plan = services.criterion_create(actor=officer, call=call, data={"name": "Plan"})
    assert (reach.position, reach.weight, plan.position, plan.weight) == (1, 3, 2, 1)
    services.criterion_move(actor=officer, criterion=reach, up=False)
    assert list(call.criteria.values_list("name", flat=True)) == ["Plan", "Bereik"]
    with pytest.raises(ValidationError) as caught:
        services.criterion_update(actor=officer, criterion=plan, data={"weight": 0})
    assert "weight" in caught.value.error_dict
    services.criterion_update(actor=officer, criterion=plan, data={"description": "Haalbaar"})
    services.criterion_delete(actor=officer, criterion=plan)
    assert list(Criterion.objects.values_list("name", flat=True)) == ["Bereik"]
    assert actions(call)[1:] == [
        "funding.criterion_create",
        "funding.criterion_create",
        "funding.criterion_move",
        "funding.criterion_update",
        "funding.criterion_delete",
    ]


def test_a_scored_criterion_cannot_be_removed(
    officer: User, programme: Programme, make_user: Any
) -> None:
    call = call_via_services(officer, programme)
    first = services.criterion_create(actor=officer, call=call, data={"name": "Bereik"})
    services.criterion_create(actor=officer, call=call, data={"name": "Plan"})
    application = create_application(round_via_services(officer, call), created_by=officer)
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=make_user(), assigned_by=officer
    )
    Score.objects.create(assignment=assignment, criterion=first, value=3)
    with pytest.raises(ValidationError, match="already scored"):
        services.criterion_delete(actor=officer, criterion=first)


def test_every_action_has_a_label() -> None:
    for action in services.ACTIONS:
        assert str(action_label(action)) != action
    assert all(action.startswith("funding.") for action in services.ACTIONS)
    assert not JournalEntry.objects.exists()
