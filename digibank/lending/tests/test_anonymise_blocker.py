"""A person with a device still on loan is not anonymised: not on request (the page
says why) and not by retention. A loan and its return count as contact for retention."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digibank.accounts.models import User
from digibank.lending import services
from digibank.lending.models import Loan, ReturnOutcome
from digibank.network.models import Hub
from digibank.people import services as people_services
from digibank.people import tasks as people_tasks
from digibank.people.models import Participant

pytestmark = pytest.mark.django_db

REASON = "This person still has a device on loan."


@pytest.fixture
def loan(staff: User, hub: Hub, device: Any, participant: Participant) -> Loan:
    return services.loan_checkout(
        actor=staff, hub=hub, device=device, participant=participant, goals_plan="Solliciteren"
    )


def _long_ago() -> Any:
    return timezone.now() - settings.PARTICIPANT_RETENTION - timedelta(days=30)


def _age(participant: Participant, loan: Loan) -> None:
    Participant.objects.filter(pk=participant.pk).update(last_seen_at=_long_ago())
    Loan.objects.filter(pk=loan.pk).update(started_at=_long_ago())


def test_the_page_says_why_and_the_record_stays(
    client_for: Callable[[User], Client], staff: User, hub: Hub, loan: Loan
) -> None:
    url = reverse("people:anonymise", kwargs={"hub": hub.slug, "pk": loan.participant_id})
    client = client_for(staff)
    page = client.get(url)
    assert REASON in page.content.decode()
    assert b"Anonymise this person</button>" not in page.content

    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 200
    assert REASON in response.content.decode()
    assert Participant.objects.get(pk=loan.participant_id).anonymised_at is None


def test_the_service_refuses(staff: User, loan: Loan) -> None:
    with pytest.raises(ValidationError, match=REASON):
        people_services.participant_anonymise(actor=staff, participant=loan.participant)


def test_retention_waits_for_the_return(staff: User, loan: Loan) -> None:
    person = loan.participant
    _age(person, loan)
    assert people_tasks.anonymise_inactive_participants.call() == 0
    person.refresh_from_db()
    assert person.anonymised_at is None
    assert person.given_name

    services.loan_return(
        actor=staff,
        loan=loan,
        powers_on=True,
        accessories_back=True,
        data_removed=True,
        outcome=ReturnOutcome.READY,
        note="Scherm had een kras",
    )
    # The return is contact: the person is seen now and kept.
    assert people_tasks.anonymise_inactive_participants.call() == 0
    person.refresh_from_db()
    assert person.anonymised_at is None
    assert person.last_seen_at > timezone.now() - timedelta(minutes=1)

    # Years later, with nothing since, retention erases the person and the loan's texts.
    _age(person, loan)
    Loan.objects.filter(pk=loan.pk).update(returned_at=_long_ago())
    assert people_tasks.anonymise_inactive_participants.call() == 1
    loan.refresh_from_db()
    assert (loan.goals_plan, loan.return_note) == ("", "")
