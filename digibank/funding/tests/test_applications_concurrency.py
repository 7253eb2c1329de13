"""Two submissions of one application at the same moment (two tabs, a double click):
one revision, one submission; the other is refused in plain words. Real threads, on
SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from digibank.core.models import JournalEntry
from digibank.core.testing import labels, run_at_once
from digibank.funding.models import Applicant, Application, ApplicationRevision, ApplicationStatus
from digibank.funding.services import applications as services

from .factories import complete


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("count", [2, 6])
def test_simultaneous_submits_make_one_revision(
    make_draft: Any, applicant: Any, count: int
) -> None:
    application = complete(make_draft(), applicant)

    def submit() -> None:
        services.application_submit(
            actor=applicant, application=Application.objects.get(pk=application.pk)
        )

    outcomes = labels(run_at_once([submit] * count), messages=True)
    assert outcomes.count("done") == 1, outcomes
    assert all(o.startswith("refused: ") for o in outcomes if o != "done"), outcomes
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.revision == 1
    assert ApplicationRevision.objects.filter(application=application).count() == 1
    assert JournalEntry.objects.filter(action="funding.application_submit").count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_colleague_confirms_while_the_officer_refuses(
    make_draft: Any, applicant: Any, officer: Any, applicant_org: Any, make_user: Any
) -> None:
    """One decision wins; the other is told it was already handled; one journal line."""
    make_draft()  # the organisation applied to the officer's programme
    newcomer = services.applicant_join(
        actor=make_user(), enterprise_number=applicant_org.enterprise_number
    )

    def confirm() -> None:
        services.applicant_confirm(actor=applicant, applicant=Applicant.objects.get(pk=newcomer.pk))

    def refuse() -> None:
        services.applicant_refuse(actor=officer, applicant=Applicant.objects.get(pk=newcomer.pk))

    outcomes = labels(run_at_once([confirm, refuse]), messages=True)
    assert outcomes.count("done") == 1, outcomes
    assert any("already handled" in outcome for outcome in outcomes), outcomes
    newcomer.refresh_from_db()
    decided = JournalEntry.objects.filter(
        action__in=["funding.applicant_confirm", "funding.applicant_refuse"]
    )
    assert decided.count() == 1
    assert newcomer.is_confirmed == (decided.get().action == "funding.applicant_confirm")
