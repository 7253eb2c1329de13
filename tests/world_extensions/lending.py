"""Lending rows for the tenancy walk: a policy, evidence seen, a request with an open
offer, a refused request, and a loan per hub."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from digibank.devices.models import DeviceStatus
from digibank.devices.services import device_register, device_transition
from digibank.lending import services
from digibank.lending.models import LendingPolicy, Loan, SchoolClass, WaitingPass
from digibank.network.models import HubPartner, Organisation

_PK = "pk"
KWARG_KINDS: dict[tuple[str, str], str] = {
    ("lending:participant", _PK): "participant",
    ("lending:evidence_add", _PK): "participant",
    ("lending:request_create", _PK): "participant",
    ("lending:checkout", _PK): "participant",
    ("lending:request", _PK): "device_request",
    ("lending:request_urgency", _PK): "device_request",
    ("lending:request_remove", _PK): "device_request",
    ("lending:request_withdraw", _PK): "device_request",
    ("lending:offer_pass_over", _PK): "device_offer",
    ("lending:request_approve", _PK): "device_request",
    ("lending:offer_accept", _PK): "device_offer",
    ("lending:offer_decline", _PK): "device_offer",
    ("lending:loan", _PK): "loan",
    ("lending:loan_signed", _PK): "loan",
    ("lending:loan_renew", _PK): "loan",
    ("lending:loan_return", _PK): "loan",
    ("lending:loan_lost", _PK): "loan",
    ("lending:agreement", _PK): "loan",
    ("lending:reservation", _PK): "organisation_reservation",
    ("lending:reservation_cancel", _PK): "organisation_reservation",
    ("lending:reservation_hand_over", _PK): "organisation_reservation",
    ("lending:organisation_loan", _PK): "organisation_loan",
    ("lending:organisation_signed", _PK): "organisation_loan",
    ("lending:organisation_agreement", _PK): "organisation_loan",
    ("lending:loan_deposit", _PK): "loan",
    ("lending:loan_deposit_refund", _PK): "loan",
    ("lending:class_return", _PK): "school_class",
}
APP_DEFAULT_KIND: dict[str, str] = {"lending": "loan"}


def _ready_monitor(side: Any, colleague: Any, label: str) -> Any:
    device = device_register(
        actor=colleague, hub=side.hub, kind="monitor", make="Iiyama", model=f"Prolite {label}"
    )
    device_transition(actor=colleague, device=device, to=DeviceStatus.READY)
    device.refresh_from_db()
    return device


def fill(side: Any, *, label: str, colleague: Any, location: Any, participants: list[Any]) -> None:
    hub = side.hub
    services.policy_update(
        actor=colleague,
        hub=hub,
        data={"max_concurrent_loans": 5, "conditions": f"Lending rules of {label}"},
    )
    side.add("lending_policy", LendingPolicy.objects.get(hub=hub))
    side.hub_records.append(f"Lending rules of {label}")
    person = participants[0]
    services.evidence_record(actor=colleague, participant=person, kind="school")
    waiting = services.request_create(
        actor=colleague, participant=person, kind="monitor", needs_note=f"Homework {label}"
    )
    offer = services.offer_next(
        actor=colleague, hub=hub, device=_ready_monitor(side, colleague, label)
    )
    assert offer is not None
    other = services.request_create(actor=colleague, participant=person, kind="laptop")
    side.add("device_request", waiting, other)
    side.add("device_offer", offer)
    # Passed over once for a device (waitlist.offer_pass_over): its reason is about them.
    WaitingPass.objects.create(
        hub=hub, request=other, device=offer.device, reason=f"Passed {label}", passed_by=colleague
    )
    side.personal_data.append(f"Homework {label}")
    loan = services.loan_checkout(
        actor=colleague,
        hub=hub,
        device=_ready_monitor(side, colleague, label),
        participant=person,
        goals_plan=f"Goals of {label}",
    )
    side.add("loan", loan)
    side.personal_data.append(f"Goals of {label}")
    # A signature on screen and a waived deposit: both hold text about the borrower.
    services.loan_sign_on_screen(
        actor=colleague, loan=loan, signer_name=f"Signer {label}", agreed=True
    )
    Loan.objects.filter(pk=loan.pk).update(deposit_cents=2000)
    services.loan_deposit_collect(
        actor=colleague, loan=loan, received_cents=0, method="waived", waiver_reason="Low income"
    )
    side.personal_data.append(f"Signer {label}")

    organisation = Organisation.objects.create(name=f"School {label}", kind="school")
    partner = HubPartner.objects.create(
        hub=hub, organisation=organisation, partner_type="knowledge_institution"
    )
    reservation = services.reservation_create(
        actor=colleague,
        hub=hub,
        partner=partner,
        purpose=f"Class of {label}",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 6, 30),
        devices=[_ready_monitor(side, colleague, label)],
    )
    side.add("organisation_reservation", reservation)
    side.hub_records.append(f"Class of {label}")

    # A set handed over to the partner (an organisation loan), and a class with
    # long-term assignments for the bulk return.
    today = timezone.localdate()
    current = services.reservation_create(
        actor=colleague,
        hub=hub,
        partner=partner,
        purpose=f"Course of {label}",
        starts_on=today,
        ends_on=today + timedelta(days=30),
        devices=[_ready_monitor(side, colleague, label)],
    )
    side.add("organisation_reservation", current)
    organisation_loan = services.organisation_checkout(
        actor=colleague,
        reservation=current,
        device_ids=[item.device_id for item in current.items.all()],
        picked_up_by=f"Contact of {label}",
    )
    side.add("organisation_loan", organisation_loan)
    side.hub_records += [f"Course of {label}", f"Contact of {label}"]
    device = _ready_monitor(side, colleague, label)
    services.class_assign(
        actor=colleague,
        hub=hub,
        rows=[{"given_name": "Pupil", "family_name": f"Of {label}", "tag": str(device.tag)}],
        class_name=f"Class 5 of {label}",
    )
    side.add("school_class", SchoolClass.objects.get(hub=hub))
    side.hub_records.append(f"Class 5 of {label}")
    side.personal_data.append(f"Pupil Of {label}")
