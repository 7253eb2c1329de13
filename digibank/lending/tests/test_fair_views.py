"""The fair waiting list through the pages: the check-out form asks to confirm when
others wait (a coordinator's reason where the hub refuses), renewal likewise, the
approvals inbox and the follow-up list, passing over on the waiting list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from digibank.accounts.models import User
from digibank.devices.models import Device
from digibank.lending import services
from digibank.lending.models import DeviceOffer, DeviceRequest, Loan, OfferStatus, RequestStatus
from digibank.network.models import Hub

from .conftest import MakeDevice, MakeParticipant, lending_url
from .test_views import ClientFor

pytestmark = pytest.mark.django_db


def _someone_waits(staff: User, make_participant: MakeParticipant) -> DeviceRequest:
    return services.request_create(
        actor=staff, participant=make_participant(given_name="Wachtend"), kind="monitor"
    )


def test_checkout_form_asks_to_confirm_when_others_wait(
    client_for: ClientFor,
    staff: User,
    hub: Hub,
    make_participant: MakeParticipant,
    device: Device,
) -> None:
    _someone_waits(staff, make_participant)
    walk_in = make_participant(given_name="Binnen")
    client = client_for(staff)
    url = lending_url(hub, "checkout", pk=walk_in.pk)
    data = {"tag": str(device.tag), "kind": "temporary", "goals_plan": ""}
    page = client.post(url, data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 person waits for this kind of device" in html
    assert 'type="checkbox" name="waiting_acknowledged"' in html
    assert 'name="waiting_override_reason"' in html
    assert "Coordinator" not in html
    assert not Loan.objects.exists()
    done = client.post(url, {**data, "waiting_acknowledged": "on"})
    assert done.status_code == 302
    assert Loan.objects.get().participant_id == walk_in.pk


def test_coordinator_overrides_a_refusing_policy_with_a_reason(
    client_for: ClientFor,
    staff: User,
    coordinator: User,
    hub: Hub,
    make_participant: MakeParticipant,
    device: Device,
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"checkout_when_waiting": "refuse"})
    _someone_waits(staff, make_participant)
    walk_in = make_participant(given_name="Binnen")
    client = client_for(coordinator)
    url = lending_url(hub, "checkout", pk=walk_in.pk)
    data = {"tag": str(device.tag), "kind": "temporary", "goals_plan": ""}
    page = client.post(url, data)
    assert "only a coordinator can decide otherwise" in page.content.decode()
    assert 'type="text" name="waiting_override_reason"' in page.content.decode()
    assert 'type="checkbox" name="waiting_acknowledged"' not in page.content.decode()
    # Staff see the refusal, with no field they cannot use.
    refused = client_for(staff).post(url, {**data, "waiting_acknowledged": "on"})
    assert "only a coordinator can decide otherwise" in refused.content.decode()
    assert "waiting_override_reason" not in refused.content.decode()
    done = client.post(url, {**data, "waiting_override_reason": "Exam tomorrow"})
    assert done.status_code == 302
    assert Loan.objects.get().waiting_override_reason == "Exam tomorrow"


def test_renew_asks_to_confirm_when_others_wait(
    client_for: ClientFor,
    staff: User,
    hub: Hub,
    make_participant: MakeParticipant,
    device: Device,
) -> None:
    borrower = make_participant(given_name="Lener")
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=borrower)
    _someone_waits(staff, make_participant)
    client = client_for(staff)
    url = lending_url(hub, "loan_renew", pk=loan.pk)
    page = client.post(url)
    assert page.status_code == 200
    assert "renew anyway" in page.content.decode()
    assert client.post(url, {"waiting_acknowledged": "on"}).status_code == 302
    loan.refresh_from_db()
    assert loan.renewals == 1


def test_approvals_inbox_with_age_and_follow_up(
    client_for: ClientFor,
    staff: User,
    coordinator: User,
    hub: Hub,
    make_participant: MakeParticipant,
    django_assert_max_num_queries: Any,
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"approval_required": True})
    requests = [
        services.request_create(
            actor=staff, participant=make_participant(given_name=f"P{n}"), kind="laptop"
        )
        for n in range(12)
    ]
    DeviceRequest.objects.filter(pk=requests[0].pk).update(
        requested_at=timezone.now() - timedelta(days=9)
    )
    client = client_for(coordinator)
    with django_assert_max_num_queries(20):
        page = client.get(lending_url(hub, "approvals"))
    html = page.content.decode()
    assert "1\xa0week, 2\xa0days" in html  # the oldest request's age
    assert html.index("P0") < html.index("P1 ")
    assert client_for(staff).get(lending_url(hub, "approvals")).status_code == 403
    done = client.post(
        lending_url(hub, "request_approve", pk=requests[0].pk), {"back": "approvals"}
    )
    assert done["Location"] == lending_url(hub, "approvals")
    requests[0].refresh_from_db()
    assert requests[0].status == RequestStatus.WAITING
    with django_assert_max_num_queries(20):
        assert client.get(lending_url(hub, "follow_up")).status_code == 200


def test_pass_over_from_the_waiting_list(
    client_for: ClientFor,
    staff: User,
    coordinator: User,
    hub: Hub,
    make_participant: MakeParticipant,
    make_device: MakeDevice,
) -> None:
    first = _someone_waits(staff, make_participant)
    second = _someone_waits(staff, make_participant)
    offer = services.offer_next(actor=staff, hub=hub, device=make_device())
    assert offer is not None
    client = client_for(coordinator)
    page = client.get(lending_url(hub, "waiting") + "?kind=monitor")
    assert "Pass over for this device" in page.content.decode()
    client.post(lending_url(hub, "offer_pass_over", pk=offer.pk), {"reason": ""})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN  # a reason is needed
    client.post(lending_url(hub, "offer_pass_over", pk=offer.pk), {"reason": "Needs a bigger one"})
    offer.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert offer.status == OfferStatus.PASSED
    assert first.status == RequestStatus.WAITING
    assert second.status == RequestStatus.OFFERED
    # Opened with GET it leads back to lending and passes nobody over.
    assert client.get(lending_url(hub, "offer_pass_over", pk=offer.pk)).status_code == 302
    assert DeviceOffer.objects.filter(status=OfferStatus.PASSED).count() == 1
    withdrawn = client_for(staff).post(lending_url(hub, "request_withdraw", pk=first.pk))
    assert withdrawn.status_code == 302
    first.refresh_from_db()
    assert first.status == RequestStatus.WITHDRAWN


def test_policy_form_sets_the_waiting_rules_and_evidence_gets_a_date(
    client_for: ClientFor,
    staff: User,
    coordinator: User,
    hub: Hub,
    make_participant: MakeParticipant,
) -> None:
    client = client_for(coordinator)
    page = client.get(lending_url(hub, "policy"))
    assert "Lending a device directly while others wait for that kind" in page.content.decode()
    data = {
        "max_concurrent_loans": "1",
        "default_loan_days": "90",
        "max_renewals": "1",
        "deposit_euros": "0",
        "offer_days": "7",
        "reminder_days": "3",
        "checkout_when_waiting": "refuse",
        "renew_when_waiting": "allow",
        "staff_set_urgency": "on",
    }
    assert client.post(lending_url(hub, "policy"), data).status_code == 302
    policy = services.queries.policy_for(hub)
    assert policy.checkout_when_waiting == "refuse"
    assert policy.renew_when_waiting == "allow"
    assert policy.staff_set_urgency is True
    person = make_participant()
    url = lending_url(hub, "evidence_add", pk=person.pk)
    until = timezone.localdate() + timedelta(days=365)
    staff_client = client_for(staff)
    staff_client.post(url, {"kind": "increased_allowance", "valid_until": "1800-01-01"})
    assert not person.evidence_checks.exists()  # refused with a message, nothing saved
    staff_client.post(url, {"kind": "increased_allowance", "valid_until": until.isoformat()})
    assert person.evidence_checks.get().valid_until == until
    page = staff_client.get(lending_url(hub, "participant", pk=person.pk))
    assert "valid until" in page.content.decode()
