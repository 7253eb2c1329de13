"""What lending adds to other pages: dashboard panel, hub figures, the participant's
timeline, and moving rows when two records are merged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digibank.accounts.models import User
from digibank.lending import panels, services
from digibank.lending.models import DeviceRequest, EvidenceCheck, Loan
from digibank.network.models import Hub
from digibank.people import services as people_services
from digibank.people.timeline import timeline_for

from .conftest import MakeDevice, MakeParticipant

pytestmark = pytest.mark.django_db


def test_dashboard_panel_counts_due_and_overdue(
    client_for: Callable[[User], Client],
    staff: User,
    hub: Hub,
    make_device: MakeDevice,
    make_participant: MakeParticipant,
) -> None:
    services.policy_update(actor=staff, hub=hub, data={"max_concurrent_loans": 5})
    person = make_participant()
    loan = services.loan_checkout(actor=staff, hub=hub, device=make_device(), participant=person)
    Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    page = client_for(staff).get(reverse("network:dashboard", kwargs={"hub": hub.slug}))
    assert page.status_code == 200
    assert b"loan overdue" in page.content


def test_hub_figures_one_query(
    staff: User,
    hub: Hub,
    other_hub: Hub,
    device: Any,
    participant: Any,
    django_assert_num_queries: Any,
) -> None:
    services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    with django_assert_num_queries(1):
        figures = panels.hub_figures([hub.pk, other_hub.pk])
    assert figures[hub.pk][panels.LOANS_FIGURE] == 1
    assert figures[other_hub.pk][panels.LOANS_FIGURE] == 0


def test_timeline_shows_loan_and_return(
    staff: User, hub: Hub, device: Any, participant: Any
) -> None:
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    services.loan_return(
        actor=staff,
        loan=loan,
        powers_on=True,
        accessories_back=True,
        data_removed=True,
        outcome="ready",
    )
    titles = [str(item.title) for item in timeline_for(participant)]
    assert "Temporary loan" in titles
    assert "Device returned" in titles


def test_merge_moves_lending_rows(
    coordinator: User, staff: User, hub: Hub, device: Any, make_participant: MakeParticipant
) -> None:
    source = make_participant(given_name="Jan")
    target = make_participant(given_name="Jan")
    services.evidence_record(actor=staff, participant=source, kind="school")
    services.evidence_record(actor=staff, participant=source, kind="vdab")
    services.evidence_record(actor=staff, participant=target, kind="school")
    services.request_create(actor=staff, participant=source, kind="laptop")
    services.loan_checkout(actor=staff, hub=hub, device=device, participant=source)
    people_services.participant_merge(actor=coordinator, source=source, target=target)
    assert Loan.objects.get().participant_id == target.pk
    assert DeviceRequest.objects.get().participant_id == target.pk
    assert sorted(
        EvidenceCheck.objects.filter(participant=target).values_list("kind", flat=True)
    ) == ["school", "vdab"]
