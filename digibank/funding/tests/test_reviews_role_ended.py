"""A reviewer whose reviewer role on the programme ends loses every assigned
application at once: the assignment stays in history (the officer sees "reviewer no
longer active"), but every review page and file answers 404 and the services refuse."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from digibank.accounts.models import ProgrammeRole
from digibank.accounts.roles import ProgrammeRoleKind
from digibank.funding.models import Attachment, ReviewAssignment
from digibank.funding.services import reviews as services
from digibank.funding.services.reviews import ScoreInput

from .factories import MakeApplication, cleared

pytestmark = pytest.mark.django_db


def _review_urls(assignment: ReviewAssignment) -> list[str]:
    return [
        reverse(f"funding_reviews:{name}", kwargs={"pk": assignment.pk})
        for name in ("assignment", "review", "complete")
    ]


def test_a_reviewer_whose_role_ends_reaches_nothing(
    make_application: MakeApplication,
    reviewer: Any,
    officer: Any,
    programme: Any,
    criteria: list[Any],
    client_for: Any,
) -> None:
    application = make_application()
    attachment = Attachment.objects.create(
        application=application,
        title="Plan",
        file=ContentFile(b"%PDF-1.4 plan", "plan.pdf"),
        uploaded_by=application.created_by,
    )
    file_url = reverse(
        "funding_applications:attachment_file",
        kwargs={"pk": application.pk, "attachment_pk": attachment.pk},
    )
    assignment = cleared(application, reviewer, officer)
    services.scores_save(
        actor=reviewer, assignment=assignment, scores={criteria[0].pk: ScoreInput(4, "Good")}
    )
    client = client_for(reviewer)
    assert (
        client.get(reverse("funding_reviews:review", kwargs={"pk": assignment.pk})).status_code
        == 200
    )
    assert client.get(file_url).status_code == 200
    listed = reverse("funding_reviews:assignment", kwargs={"pk": assignment.pk})
    assert listed in client.get(reverse("funding_reviews:mine")).content.decode()

    ProgrammeRole.objects.filter(
        user=reviewer, programme=programme, role=ProgrammeRoleKind.REVIEWER
    ).delete()

    for url in _review_urls(assignment):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"conflict": "no"}).status_code == 404, url
    assert client.get(file_url).status_code == 404
    assert listed not in client.get(reverse("funding_reviews:mine")).content.decode()
    with pytest.raises(ValidationError):
        services.scores_save(
            actor=reviewer, assignment=assignment, scores={criteria[0].pk: ScoreInput(1, "")}
        )
    with pytest.raises(ValidationError):
        services.review_complete(actor=reviewer, assignment=assignment)
    # History stays; the officer sees the reviewer is no longer active.
    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists()
    page = client_for(officer).get(
        reverse(
            "funding_reviews:application",
            kwargs={"programme": programme.slug, "pk": application.pk},
        )
    )
    text = page.content.decode()
    assert reviewer.full_name in text
    assert "reviewer no longer active" in text


def test_an_active_reviewer_is_not_marked_inactive(
    make_application: MakeApplication, reviewer: Any, officer: Any, programme: Any, client_for: Any
) -> None:
    application = make_application()
    cleared(application, reviewer, officer)
    page = client_for(officer).get(
        reverse(
            "funding_reviews:application",
            kwargs={"programme": programme.slug, "pk": application.pk},
        )
    )
    assert reviewer.full_name in page.content.decode()
    assert "reviewer no longer active" not in page.content.decode()


def test_a_reviewer_role_on_another_programme_does_not_count(
    make_application: MakeApplication,
    reviewer: Any,
    officer: Any,
    programme: Any,
    other_programme: Any,
    client_for: Any,
) -> None:
    assignment = cleared(make_application(), reviewer, officer)
    ProgrammeRole.objects.filter(user=reviewer, programme=programme).delete()
    ProgrammeRole.objects.create(
        user=reviewer, programme=other_programme, role=ProgrammeRoleKind.REVIEWER
    )
    client = client_for(reviewer)
    for url in _review_urls(assignment):
        assert client.get(url).status_code == 404, url
