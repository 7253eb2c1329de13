"""Two submissions of one application at the same moment (two tabs, a double click):
one revision, one submission; the other is refused in plain words. Real threads, on
SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from digibank.core.models import JournalEntry
from digibank.core.testing import labels, run_at_once
from digibank.funding.models import Application, ApplicationRevision, ApplicationStatus
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
