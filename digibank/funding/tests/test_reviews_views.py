"""Pages of the reviews area: who reaches what (a reviewer sees only what is assigned,
never an application with a conflict, files included; an officer of another programme
gets 404), the forms end to end, and query counts that do not grow with the data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from digibank.accounts.models import User
from digibank.funding.models import (
    Answer,
    Application,
    ApplicationStatus,
    Attachment,
    ConflictStatus,
    Criterion,
    Grant,
    Question,
    QuestionKind,
    ReviewAssignment,
    Round,
    Score,
)
from digibank.funding.services import reviews as services
from digibank.funding.services.reviews import ScoreInput
from digibank.network.models import Hub, Programme

from .factories import MakeApplication, cleared

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def _officer_urls(programme: Programme, application: Application) -> list[str]:
    slug = programme.slug
    return [
        reverse("funding_reviews:round_applications", args=[slug, application.round_id]),
        reverse("funding_reviews:round_ranking", args=[slug, application.round_id]),
        reverse("funding_reviews:application", args=[slug, application.pk]),
        reverse("funding_reviews:decide", args=[slug, application.pk]),
    ]


def test_officer_pages_answer_the_officer(
    client_for: ClientFor,
    officer: User,
    reviewer: User,
    programme: Programme,
    application: Application,
    criteria: list[Criterion],
) -> None:
    assignment = cleared(application, reviewer, officer)
    services.scores_save(
        actor=reviewer,
        assignment=assignment,
        scores={criteria[0].pk: ScoreInput(4, "Reaches many people")},
        comment="Convincing",
    )
    client = client_for(officer)
    for url in _officer_urls(programme, application):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("funding_reviews:application", args=[programme.slug, application.pk]))
    body = page.content.decode()
    assert "Reaches many people" in body
    assert "Convincing" in body
    assert "4.00 of 5 (80.00 %)" in body


def test_officer_of_another_programme_and_reviewers_get_404(
    client_for: ClientFor,
    make_user: Any,
    other_programme: Programme,
    programme: Programme,
    reviewer: User,
    applicant: User,
    application: Application,
) -> None:
    stranger = make_user(programme=other_programme)
    for user in (stranger, reviewer, applicant):
        client = client_for(user)
        for url in _officer_urls(programme, application):
            assert client.get(url).status_code == 404, (user, url)
        response = client.post(
            reverse("funding_reviews:approve", args=[programme.slug, application.pk]),
            {"approve-amount": "100"},
        )
        assert response.status_code == 404
    # Through their own programme's URL, another programme's application is not found.
    client = client_for(stranger)
    url = reverse("funding_reviews:application", args=[other_programme.slug, application.pk])
    assert client.get(url).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_assign_and_unassign_on_the_page(
    client_for: ClientFor,
    officer: User,
    reviewer: User,
    reviewer2: User,
    make_user: Any,
    programme: Programme,
    application: Application,
) -> None:
    client = client_for(officer)
    assign = reverse("funding_reviews:assign", args=[programme.slug, application.pk])
    response = client.post(assign, {"reviewer": str(make_user().pk)})
    assert response.status_code == 400
    assert "Choose a reviewer from the list" in response.content.decode()
    response = client.post(assign, {"reviewer": str(reviewer.pk)})
    assert response.status_code == 302
    assignment = ReviewAssignment.objects.get(reviewer=reviewer)
    # The same reviewer again: no longer in the list.
    assert client.post(assign, {"reviewer": str(reviewer.pk)}).status_code == 400
    remove = reverse("funding_reviews:unassign", args=[programme.slug, assignment.pk])
    assert client.get(remove).status_code == 302
    assert client.post(remove).status_code == 302
    assert not ReviewAssignment.objects.exists()


def test_reviewer_sees_only_own_assignments(
    client_for: ClientFor,
    officer: User,
    reviewer: User,
    reviewer2: User,
    make_application: MakeApplication,
) -> None:
    mine = make_application(title="Mine")
    theirs = make_application(title="Theirs")
    own = services.assignment_create(actor=officer, application=mine, reviewer=reviewer)
    other = cleared(theirs, reviewer2, officer)
    client = client_for(reviewer)
    listing = client.get(reverse("funding_reviews:mine"))
    assert listing.status_code == 200
    body = listing.content.decode()
    # Before declaring: the call and the lead organisation, never the application's title.
    assert mine.round.call.title in body
    assert mine.lead_organisation.name in body
    assert "Mine" not in body
    assert "Theirs" not in body
    for name in ("assignment", "review"):
        assert client.get(reverse(f"funding_reviews:{name}", args=[other.pk])).status_code == 404
    assert client.post(reverse("funding_reviews:complete", args=[other.pk])).status_code == 404
    assert client.get(reverse("funding_reviews:assignment", args=[own.pk])).status_code == 200
    assert client.get(reverse("funding_reviews:review", args=[own.pk])).status_code == 404


def _with_files(application: Application, applicant: User) -> dict[str, str]:
    """One of each kind of file on the application; their download URLs."""
    partner = application.partners.get()
    partner.commitment_letter.save("letter.pdf", ContentFile(b"%PDF-1.4\n"))
    question = Question.objects.create(
        call=application.round.call, position=1, label="Plan", kind=QuestionKind.FILE
    )
    answer = Answer(application=application, question=question)
    answer.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    answer.save()
    attachment = Attachment(application=application, title="Budget", uploaded_by=applicant)
    attachment.file.save("budget.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return {
        "letter": reverse("funding_applications:letter_file", args=[application.pk, partner.pk]),
        "answer": reverse("funding_applications:answer_file", args=[application.pk, answer.pk]),
        "attachment": reverse(
            "funding_applications:attachment_file", args=[application.pk, attachment.pk]
        ),
    }


def test_declare_a_conflict_and_never_see_the_application(
    client_for: ClientFor,
    officer: User,
    reviewer: User,
    reviewer2: User,
    applicant: User,
    application: Application,
) -> None:
    files = _with_files(application, applicant)
    conflicted = services.assignment_create(
        actor=officer, application=application, reviewer=reviewer
    )
    other = services.assignment_create(actor=officer, application=application, reviewer=reviewer2)
    client = client_for(reviewer)
    for url in files.values():  # not yet declared
        assert client.get(url).status_code == 404, url
    page = reverse("funding_reviews:assignment", args=[conflicted.pk])
    response = client.post(page, {"conflict": "yes", "note": ""})
    assert response.status_code == 400
    assert "what the conflict of interest is" in response.content.decode()
    response = client.post(page, {"conflict": "yes", "note": "My sister leads a partner."})
    assert response.status_code == 302
    conflicted.refresh_from_db()
    assert conflicted.conflict == ConflictStatus.CONFLICT
    after = client.get(page)
    assert after.status_code == 200
    assert application.title not in after.content.decode()
    assert client.get(reverse("funding_reviews:review", args=[conflicted.pk])).status_code == 404
    for url in files.values():
        assert client.get(url).status_code == 404, url
    # Posting "no conflict" afterwards changes nothing.
    client.post(page, {"conflict": "no"})
    conflicted.refresh_from_db()
    assert conflicted.conflict == ConflictStatus.CONFLICT

    # The second reviewer declares none and reads the application and its files.
    second = client_for(reviewer2)
    response = second.post(
        reverse("funding_reviews:assignment", args=[other.pk]), {"conflict": "no"}
    )
    assert response["Location"] == reverse("funding_reviews:review", args=[other.pk])
    review = second.get(response["Location"])
    assert review.status_code == 200
    assert application.title in review.content.decode()
    for url in files.values():
        assert second.get(url).status_code == 200, url


def _score_form(criteria: list[Criterion], shown: dict[int, str], new: dict[int, str]) -> dict:
    """A scoring form as the browser sends it: every field, with the values shown when
    the page was loaded as hidden initial values."""
    data = {"comment": "", "initial-comment": ""}
    for criterion in criteria:
        data[f"initial-score_{criterion.pk}"] = shown.get(criterion.pk, "")
        data[f"score_{criterion.pk}"] = new.get(criterion.pk, shown.get(criterion.pk, ""))
        data[f"initial-comment_{criterion.pk}"] = ""
        data[f"comment_{criterion.pk}"] = ""
    return data


def test_scoring_form_saves_only_what_changed_on_the_page(
    client_for: ClientFor,
    officer: User,
    reviewer: User,
    application: Application,
    criteria: list[Criterion],
) -> None:
    reach, partnership = criteria
    assignment = cleared(application, reviewer, officer)
    client = client_for(reviewer)
    url = reverse("funding_reviews:review", args=[assignment.pk])
    # Two tabs opened before any score: tab 1 scores Reach, tab 2 Partnership.
    assert client.post(url, _score_form(criteria, {}, {reach.pk: "4"})).status_code == 302
    assert client.post(url, _score_form(criteria, {}, {partnership.pk: "2"})).status_code == 302
    assert dict(Score.objects.values_list("criterion_id", "value")) == {
        reach.pk: 4,
        partnership.pk: 2,
    }
    # Out of range, or a comment without a score: errors on the page, nothing saved.
    response = client.post(url, _score_form(criteria, {reach.pk: "4"}, {reach.pk: "9"}))
    assert response.status_code == 400
    assert "from 0 to 5" in response.content.decode()
    data = _score_form(criteria, {}, {})
    data[f"comment_{partnership.pk}"] = "x"
    data[f"initial-score_{partnership.pk}"] = ""
    data[f"score_{partnership.pk}"] = ""
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Choose a score" in response.content.decode()
    assert dict(Score.objects.values_list("criterion_id", "value")) == {
        reach.pk: 4,
        partnership.pk: 2,
    }
    complete = client.post(reverse("funding_reviews:complete", args=[assignment.pk]))
    assert complete["Location"] == reverse("funding_reviews:mine")
    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    page = client.get(url)
    assert page.status_code == 200
    assert "You completed this review" in page.content.decode()


def test_decisions_on_the_page(
    client_for: ClientFor,
    officer: User,
    programme: Programme,
    round_: Round,
    make_application: MakeApplication,
) -> None:
    client = client_for(officer)
    Round.objects.filter(pk=round_.pk).update(budget_cents=400_000_00)
    first = make_application(title="Digibank Waasland", requested_cents=350_000_00)
    approve = reverse("funding_reviews:approve", args=[programme.slug, first.pk])
    response = client.post(approve, {"approve-amount": "600000"})
    assert response.status_code == 400
    assert "at most" in response.content.decode()
    response = client.post(approve, {"approve-amount": "350000.50"}, follow=True)
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.awarded_cents == 350_000_50
    assert Grant.objects.get(application=first).amount_cents == 350_000_50
    body = response.content.decode()
    assert "Digibank Waasland" in body
    assert 'id="created-hub"' in body
    assert "passes its budget" not in body
    # The second approval passes the round's budget: approved, with a warning.
    second = make_application(title="Digibank Meetjesland", requested_cents=100_000_00)
    response = client.post(
        reverse("funding_reviews:approve", args=[programme.slug, second.pk]),
        {"approve-amount": "100000"},
        follow=True,
    )
    assert "passes its budget by" in response.content.decode()
    assert Hub.objects.filter(name="Digibank Meetjesland").exists()
    # Deciding again is refused with a message on the page.
    response = client.post(approve, {"approve-amount": "1"})
    assert response.status_code == 400
    assert "Only a submitted application" in response.content.decode()

    third = make_application(title="Third")
    reject = reverse("funding_reviews:reject", args=[programme.slug, third.pk])
    response = client.post(reject, {"reject-reasons": ""})
    assert response.status_code == 400
    assert "Give the reasons" in response.content.decode()
    info = reverse("funding_reviews:request_information", args=[programme.slug, third.pk])
    assert client.post(info, {"info-message": "Which partners?"}).status_code == 302
    third.refresh_from_db()
    assert third.status == ApplicationStatus.MORE_INFORMATION
    page = client.get(reverse("funding_reviews:application", args=[programme.slug, third.pk]))
    assert "Which partners?" in page.content.decode()


def test_home_and_programme_sections(
    client_for: ClientFor,
    officer: User,
    reviewer: User,
    programme: Programme,
    application: Application,
) -> None:
    services.assignment_create(actor=officer, application=application, reviewer=reviewer)
    home = client_for(reviewer).get(reverse("core:home"))
    assert reverse("funding_reviews:mine") in home.content.decode()
    assert "1 application waits for your review" in home.content.decode()
    page = client_for(officer).get(reverse("programmes:detail", args=[programme.slug]))
    assert (
        reverse("funding_reviews:round_ranking", args=[programme.slug, application.round_id])
        in page.content.decode()
    )
    reviewer_page = client_for(reviewer).get(reverse("programmes:detail", args=[programme.slug]))
    assert "funding_reviews" not in reviewer_page.content.decode()
    assert "/ranking/" not in reviewer_page.content.decode()


# --- query counts -----------------------------------------------------------------------


def _lots(
    officer: User,
    reviewers: list[User],
    make_application: MakeApplication,
    criteria: list[Criterion],
    count: int,
) -> list[Application]:
    applications = [make_application(partners=2) for _ in range(count)]
    for application in applications:
        for reviewer in reviewers:
            assignment = cleared(application, reviewer, officer)
            services.scores_save(
                actor=reviewer,
                assignment=assignment,
                scores={c.pk: ScoreInput(3, "ok") for c in criteria},
            )
    return applications


@pytest.mark.parametrize("count", [2, 6])
def test_query_counts_do_not_grow(
    client_for: ClientFor,
    officer: User,
    reviewer: User,
    reviewer2: User,
    programme: Programme,
    make_application: MakeApplication,
    criteria: list[Criterion],
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    applications = _lots(officer, [reviewer, reviewer2], make_application, criteria, count)
    officer_client = client_for(officer)
    reviewer_client = client_for(reviewer)
    first = applications[0]
    assignment = ReviewAssignment.objects.get(application=first, reviewer=reviewer)
    pages = [
        (officer_client, _officer_urls(programme, first)[0], 10),
        (officer_client, _officer_urls(programme, first)[1], 9),
        (officer_client, _officer_urls(programme, first)[2], 18),
        (officer_client, _officer_urls(programme, first)[3], 10),
        (reviewer_client, reverse("funding_reviews:mine"), 5),
        (reviewer_client, reverse("funding_reviews:review", args=[assignment.pk]), 12),
    ]
    for client, url, limit in pages:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url
