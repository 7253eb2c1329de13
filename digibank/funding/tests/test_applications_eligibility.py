"""Each rule of funding.eligibility, one problem at a time, with the section to fix it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from digibank.funding import eligibility
from digibank.funding.models import QuestionKind
from digibank.funding.services import applications as services
from digibank.network.models import Municipality, OrganisationKind

from .factories import complete, enterprise_number, pdf

pytestmark = pytest.mark.django_db


def _problems(application: Any) -> list[tuple[str, str]]:
    application.refresh_from_db()
    return [(p.section, p.message) for p in eligibility.check(application)]


def test_a_complete_application_has_no_problems(make_draft: Any, applicant: Any) -> None:
    assert _problems(complete(make_draft(), applicant)) == []


def test_an_empty_draft_lists_everything_missing(make_draft: Any) -> None:
    sections = [section for section, _ in _problems(make_draft())]
    assert sections == ["edit_general", "edit_area", "edit_goals", "edit_budget", "edit_general"]


def test_lead_organisation_kind(make_draft: Any, applicant: Any) -> None:
    application = complete(make_draft(lead_organisation_kinds=["civil_society"]), applicant)
    [(section, message)] = _problems(application)
    assert section == "edit_general"
    assert "Stad Mechelen is a local government" in message
    assert "Civil society organisation" in message


def test_required_partner_types_count_the_lead(make_draft: Any, applicant: Any) -> None:
    application = complete(make_draft(required_partner_types=["government", "company"]), applicant)
    [(section, message)] = _problems(application)
    assert section == "edit_partners"
    assert "Company" in message
    assert "Government" not in message
    partner = services.partner_add(
        actor=applicant,
        application=application,
        enterprise_number=enterprise_number(6000001),
        organisation_name="Computers NV",
        organisation_kind=OrganisationKind.COMPANY,
        partner_type="company",
    )
    assert _problems(application) == [
        ("edit_partners", "Upload the commitment letter of Computers NV.")
    ]
    services.partner_update(
        actor=applicant, partner=partner, partner_type="company", commitment_letter=pdf()
    )
    assert _problems(application) == []


def test_service_area_in_the_region(make_draft: Any, applicant: Any) -> None:
    application = complete(make_draft(region="flanders"), applicant)
    assert _problems(application) == []
    namen = Municipality.objects.get(nis_code="92094")
    services.service_area_add(actor=applicant, application=application, municipality=namen)
    [(section, message)] = _problems(application)
    assert section == "edit_area"
    assert "outside Flanders" in message
    assert namen.name in message


def test_required_goals(make_draft: Any, applicant: Any) -> None:
    application = complete(make_draft(required_goals=["lending", "training"]), applicant)
    services.application_update_goals(actor=applicant, application=application, goals=["lending"])
    [(section, message)] = _problems(application)
    assert section == "edit_goals"
    assert "Train digital skills" in message
    assert "Lend devices" not in message


def test_total_at_most_the_calls_maximum(make_draft: Any, applicant: Any) -> None:
    application = complete(make_draft(max_amount_cents=10_000_00), applicant)
    assert _problems(application) == []
    services.budget_line_add(
        actor=applicant,
        application=application,
        category="other",
        description="Een euro te veel",
        amount_cents=1_00,
    )
    [(section, message)] = _problems(application)
    assert section == "edit_budget"
    assert "10,001" in message
    assert "10,000" in message


@pytest.mark.parametrize(
    ("ends_on", "problem"),
    [
        (date(2026, 12, 31), None),  # 1 September to 31 December: 4 months
        (date(2027, 1, 1), "at most 4 months"),
        (date(2026, 9, 30), "at least 2 months"),
        (date(2026, 10, 31), None),  # exactly 2 months
    ],
)
def test_period_length(make_draft: Any, applicant: Any, ends_on: date, problem: str | None) -> None:
    application = complete(make_draft(min_duration_months=2, max_duration_months=4), applicant)
    services.application_update_general(
        actor=applicant,
        application=application,
        title=application.title,
        summary=application.summary,
        starts_on=date(2026, 9, 1),
        ends_on=ends_on,
    )
    messages = [message for _, message in _problems(application)]
    if problem is None:
        assert messages == []
    else:
        assert len(messages) == 1
        assert problem in messages[0]


def test_required_questions(make_call: Any, make_draft: Any, applicant: Any) -> None:
    call = make_call(
        questions=(
            {"label": "Waarom samen?", "kind": QuestionKind.LONG_TEXT},
            {"label": "Extra", "kind": QuestionKind.TEXT, "is_required": False},
            {"label": "Plan", "kind": QuestionKind.FILE},
        )
    )
    application = complete(make_draft(call), applicant)
    assert _problems(application) == [
        ("edit_answers", "Answer the question “Waarom samen?”."),
        ("edit_answers", "Answer the question “Plan”."),
    ]
    why, _extra, plan = list(call.questions.all())
    services.answer_save(actor=applicant, application=application, question=why, value="Sterker")
    services.answer_save(actor=applicant, application=application, question=plan, value=pdf())
    assert _problems(application) == []
