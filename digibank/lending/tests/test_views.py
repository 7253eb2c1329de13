"""The lending pages: what each role may do, errors without 500s, another hub's rows
answer 404, and query counts that do not grow with the data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.devices.models import Device, DeviceStatus
from digibank.lending import services
from digibank.lending.models import (
    DeviceRequest,
    EvidenceCheck,
    LendingPolicy,
    Loan,
    RequestStatus,
)
from digibank.network.models import Hub
from digibank.people.models import Participant

from .conftest import MakeDevice, MakeParticipant, lending_url

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def test_checkout_by_typed_tag(
    client_for: ClientFor, staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    client = client_for(staff)
    url = lending_url(hub, "checkout", pk=participant.pk)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "tag": str(device.tag).lower(),
            "kind": "temporary",
            "goals_plan": "CV",
            "signed_on_paper": "on",
        },
    )
    loan = Loan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == lending_url(hub, "loan", pk=loan.pk)
    assert loan.signed_at is not None
    assert loan.goals_plan == "CV"
    page = client.get(lending_url(hub, "loan", pk=loan.pk))
    assert b"Signed on paper" in page.content


def test_checkout_errors_are_shown(
    client_for: ClientFor,
    staff: User,
    hub: Hub,
    other_hub: Hub,
    make_device: MakeDevice,
    participant: Participant,
) -> None:
    client = client_for(staff)
    url = lending_url(hub, "checkout", pk=participant.pk)
    response = client.post(url, {"tag": "DB99999999", "kind": "temporary"})
    assert response.status_code == 200
    assert b"No device of this hub has this tag." in response.content
    foreign = make_device(hub=other_hub)
    response = client.post(url, {"tag": foreign.tag, "kind": "temporary"})
    assert b"No device of this hub has this tag." in response.content
    response = client.post(url, {"tag": "", "kind": "temporary"})
    assert response.status_code == 200
    services.policy_update(actor=staff, hub=hub, data={"target_groups": ["pupil"]})
    device = make_device()
    response = client.post(url, {"tag": device.tag, "kind": "temporary"})
    assert b"This person may not borrow now." in response.content
    assert not Loan.objects.exists()


def test_refused_request_shows_the_reasons(
    client_for: ClientFor, staff: User, hub: Hub, participant: Participant
) -> None:
    services.policy_update(actor=staff, hub=hub, data={"target_groups": ["jobseeker"]})
    client = client_for(staff)
    response = client.post(
        lending_url(hub, "request_create", pk=participant.pk),
        {"kind": "laptop", "needs": ["jobs"]},
    )
    request = DeviceRequest.objects.get()
    assert request.status == RequestStatus.REFUSED
    page = client.get(response["Location"])
    assert b"Why this request was refused" in page.content
    assert b"Does not belong to a group that may borrow" in page.content


def test_request_needs_are_required(
    client_for: ClientFor, staff: User, hub: Hub, participant: Participant
) -> None:
    response = client_for(staff).post(
        lending_url(hub, "request_create", pk=participant.pk), {"kind": "laptop"}
    )
    assert response.status_code == 200
    assert not DeviceRequest.objects.exists()


def test_waiting_list_offer_and_accept(
    client_for: ClientFor,
    staff: User,
    coordinator: User,
    hub: Hub,
    make_participant: MakeParticipant,
    device: Device,
) -> None:
    first = services.request_create(actor=staff, participant=make_participant(), kind="monitor")
    second = services.request_create(actor=staff, participant=make_participant(), kind="monitor")
    manager = client_for(coordinator)
    manager.post(
        lending_url(hub, "request_urgency", pk=second.pk), {"points": "5", "reason": "Job"}
    )
    page = manager.get(lending_url(hub, "waiting") + "?kind=monitor")
    assert b"each point counts as one day earlier" in page.content
    manager.post(lending_url(hub, "request_remove", pk=first.pk), {"reason": "Has a laptop now"})
    first.refresh_from_db()
    assert first.status == RequestStatus.SKIPPED
    client = client_for(staff)
    response = client.post(lending_url(hub, "offer_next"), {"kind": "monitor", "device": device.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == RequestStatus.OFFERED
    offer = second.offers.get()
    response = client.post(
        lending_url(hub, "offer_accept", pk=offer.pk), {"kind": "temporary", "goals_plan": ""}
    )
    assert response.status_code == 302
    assert Loan.objects.get().participant_id == second.participant_id
    again = client.post(lending_url(hub, "offer_accept", pk=offer.pk), {"kind": "temporary"})
    assert again.status_code == 302
    assert Loan.objects.count() == 1


def test_staff_may_not_change_priority_or_policy(
    client_for: ClientFor, staff: User, hub: Hub, participant: Participant
) -> None:
    request = services.request_create(actor=staff, participant=participant, kind="laptop")
    client = client_for(staff)
    assert (
        client.post(lending_url(hub, "request_remove", pk=request.pk), {"reason": "x"}).status_code
        == 403
    )
    assert client.get(lending_url(hub, "policy")).status_code == 403


def test_coordinator_edits_the_policy(client_for: ClientFor, coordinator: User, hub: Hub) -> None:
    client = client_for(coordinator)
    assert client.get(lending_url(hub, "policy")).status_code == 200
    data = {
        "target_groups": ["jobseeker", "low_income"],
        "residence_required": "on",
        "required_evidence": ["vdab"],
        "max_concurrent_loans": "2",
        "default_loan_days": "60",
        "days_laptop": "120",
        "max_renewals": "1",
        "deposit_euros": "25.50",
        "offer_days": "5",
        "reminder_days": "3",
        "conditions": "Bring it back clean.",
    }
    response = client.post(lending_url(hub, "policy"), data)
    assert response.status_code == 302
    policy = LendingPolicy.objects.get(hub=hub)
    assert policy.deposit_cents == 2550
    assert policy.loan_days_for("laptop") == 120
    assert policy.loan_days_for("monitor") == 60
    assert policy.residence_required
    bad = client.post(lending_url(hub, "policy"), {**data, "offer_days": "0"})
    assert bad.status_code == 200
    assert b"error" in bad.content.lower()


def test_evidence_recorded_from_the_persons_page(
    client_for: ClientFor, staff: User, hub: Hub, participant: Participant
) -> None:
    client = client_for(staff)
    client.post(lending_url(hub, "evidence_add", pk=participant.pk), {"kind": "school"})
    assert EvidenceCheck.objects.get().seen_by == staff
    page = client.get(lending_url(hub, "participant", pk=participant.pk))
    assert b"seen by Sam Staff" in page.content


def test_return_with_the_checklist(
    client_for: ClientFor, staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    client = client_for(staff)
    url = lending_url(hub, "loan_return", pk=loan.pk)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"powers_on": "on", "outcome": "ready"})
    assert refused.status_code == 200
    assert b"data is removed" in refused.content
    response = client.post(
        url, {"powers_on": "on", "accessories_back": "on", "data_removed": "on", "outcome": "ready"}
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.status == DeviceStatus.READY
    assert client.get(url).status_code == 302  # already closed


def test_renew_and_sign_buttons(
    client_for: ClientFor, staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    client = client_for(staff)
    client.post(lending_url(hub, "loan_signed", pk=loan.pk))
    client.post(lending_url(hub, "loan_renew", pk=loan.pk))
    loan.refresh_from_db()
    assert loan.signed_at is not None
    assert loan.renewals == 1
    client.post(lending_url(hub, "loan_renew", pk=loan.pk))  # refused politely
    loan.refresh_from_db()
    assert loan.renewals == 1


def test_agreement_pdf_in_the_persons_language(
    client_for: ClientFor, staff: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    person = make_participant(preferred_language="fr")
    loan = services.loan_checkout(
        actor=staff, hub=hub, device=device, participant=person, goals_plan="Apprendre"
    )
    response = client_for(staff).get(lending_url(hub, "agreement", pk=loan.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("role", "status"),
    [(HubRole.DIGIHELPER, 200), (HubRole.STAFF, 200), (HubRole.COORDINATOR, 200)],
)
def test_roles_that_lend_see_the_pages(
    client_for: ClientFor, make_user: Callable[..., User], hub: Hub, role: str, status: int
) -> None:
    client = client_for(make_user(role, hub))
    assert client.get(lending_url(hub, "list")).status_code == status
    assert client.get(lending_url(hub, "waiting")).status_code == status


def test_trainer_may_not_lend(
    client_for: ClientFor, make_user: Callable[..., User], hub: Hub
) -> None:
    client = client_for(make_user(HubRole.TRAINER, hub))
    assert client.get(lending_url(hub, "list")).status_code == 403


def test_another_hubs_rows_answer_404(
    client_for: ClientFor,
    make_user: Callable[..., User],
    staff: User,
    hub: Hub,
    other_hub: Hub,
    make_device: MakeDevice,
    make_participant: MakeParticipant,
) -> None:
    person = make_participant(hub=other_hub)
    loan = services.loan_checkout(
        actor=staff, hub=other_hub, device=make_device(hub=other_hub), participant=person
    )
    request = services.request_create(actor=staff, participant=person, kind="laptop")
    client = client_for(staff)
    for name, pk in [
        ("participant", person.pk),
        ("checkout", person.pk),
        ("request_create", person.pk),
        ("request", request.pk),
        ("loan", loan.pk),
        ("loan_return", loan.pk),
        ("agreement", loan.pk),
    ]:
        assert client.get(lending_url(hub, name, pk=pk)).status_code == 404, name
    assert client.get(lending_url(hub, "loan", pk=2**64)).status_code == 404


def _many_loans(staff: User, hub: Hub, make_device: MakeDevice, count: int) -> list[Participant]:
    from digibank.people import services as people_services

    services.policy_update(actor=staff, hub=hub, data={"max_concurrent_loans": 50})
    people = [
        people_services.participant_create(actor=staff, hub=hub, data={"given_name": f"P{n}"})
        for n in range(3)
    ]
    for n in range(count):
        loan = services.loan_checkout(
            actor=staff,
            hub=hub,
            device=make_device(),
            participant=people[n % 3],
            waiting_acknowledged=True,  # others wait for monitors (fairness.py)
        )
        services.request_create(
            actor=staff, participant=people[n % 3], kind="monitor"
        ) if n < 3 else None
        if n % 4 == 0:
            services.loan_return(
                actor=staff,
                loan=loan,
                powers_on=True,
                accessories_back=True,
                data_removed=True,
                outcome="in_repair",
            )
    return people


def test_pages_do_not_grow_with_the_data(
    client_for: ClientFor,
    staff: User,
    hub: Hub,
    make_device: MakeDevice,
    django_assert_max_num_queries: Any,
) -> None:
    people = _many_loans(staff, hub, make_device, 33)
    client = client_for(staff)
    loan = Loan.objects.filter(participant=people[0]).first()
    assert loan is not None
    request = DeviceRequest.objects.first()
    assert request is not None
    pages = [
        lending_url(hub, "list"),
        lending_url(hub, "list") + "?state=all",
        lending_url(hub, "waiting") + "?kind=monitor",
        lending_url(hub, "participant", pk=people[0].pk),
        lending_url(hub, "loan", pk=loan.pk),
        lending_url(hub, "request", pk=request.pk),
        reverse_people(hub, people[0]),
    ]
    for url in pages:
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200, url


def reverse_people(hub: Hub, participant: Participant) -> str:
    from django.urls import reverse

    return reverse("people:detail", kwargs={"hub": hub.slug, "pk": participant.pk})


def test_persons_page_shows_current_loans(
    client_for: ClientFor, staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    page = client_for(staff).get(reverse_people(hub, participant))
    assert b"Devices on loan" in page.content
    assert str(device.tag).encode() in page.content
