"""The state model as a property (issue 11): random sequences of what staff can do, across
the devices and lending apps, through the services; after every step the data agrees
with lending.state.STATUS_RECORDS (a device's status goes with its open records), no
device is held twice, no open offer sits on a device that is not reserved, and nobody
has more loans than the policy allows. A second machine clicks the same actions over
HTTP: every answer is a page, a redirect or a refusal, never a 500.

Each example runs in a savepoint over the same small world and is rolled back, so the
examples stay fast (well under 30 s per database)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from digibank.accounts.models import User
from digibank.devices.lifecycle import MANUAL_TARGETS
from digibank.devices.models import Device, DeviceStatus
from digibank.devices.services import device_change_status
from digibank.lending import services, state
from digibank.lending.losses import loan_close_lost
from digibank.lending.models import (
    DeviceOffer,
    Loan,
    OfferStatus,
    OrganisationLoan,
    OrganisationLoanItem,
    OrganisationReservation,
)
from digibank.network.models import Hub, HubPartner, Organisation
from digibank.people import services as people_services
from digibank.people.models import Participant

from .conftest import MakeDevice, MakeParticipant

DEVICES = 4
PEOPLE = 3
TARGETS = sorted(MANUAL_TARGETS)
RETIRE_REASONS = ["recycled", "lost", "stolen", "given_away"]
LOSSES = ["lost", "stolen", "not_returned"]
OUTCOMES = ["ready", "in_repair", "retired"]

index = st.integers(min_value=0, max_value=10)


class World:
    """The fixed world every example starts from."""

    def __init__(
        self, hub: Hub, staff: User, coordinator: User, devices: list[Device], people: list[Any]
    ) -> None:
        self.hub, self.staff, self.coordinator = hub, staff, coordinator
        self.device_ids = [device.pk for device in devices]
        self.people_ids = [person.pk for person in people]
        organisation = Organisation.objects.create(name="Basisschool De Linde", kind="school")
        self.partner = HubPartner.objects.create(
            hub=hub, organisation=organisation, partner_type="knowledge_institution"
        )


@pytest.fixture
def world(
    hub: Hub,
    staff: User,
    coordinator: User,
    make_device: MakeDevice,
    make_participant: MakeParticipant,
) -> World:
    services.policy_update(actor=coordinator, hub=hub, data={"max_concurrent_loans": 2})
    devices = [make_device() for _ in range(DEVICES)]
    people = [
        make_participant(given_name=f"P{n}", email=f"p{n}@example.org") for n in range(PEOPLE)
    ]
    return World(hub, staff, coordinator, devices, people)


def _pick(rows: list[Any], n: int) -> Any:
    return rows[n % len(rows)] if rows else None


class LendingMachine(RuleBasedStateMachine):
    """Drives the services; a ValidationError is a clear refusal and is fine."""

    world: World

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.today = timezone.localdate()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers -------------------------------------------------------------------

    def device(self, n: int) -> Device:
        return Device.objects.get(pk=_pick(self.world.device_ids, n))

    def person(self, n: int) -> Participant:
        return Participant.objects.get(pk=_pick(self.world.people_ids, n))

    def open_loan(self, n: int) -> Loan | None:
        return _pick(list(Loan.objects.filter(holding__isnull=False).order_by("pk")), n)

    def open_offer(self, n: int) -> DeviceOffer | None:
        return _pick(list(DeviceOffer.objects.filter(status=OfferStatus.OPEN).order_by("pk")), n)

    def run(self, action: Any) -> None:
        try:
            with transaction.atomic():
                action()
        except ValidationError:
            pass

    @property
    def actor(self) -> User:
        return self.world.coordinator

    # --- the rules -----------------------------------------------------------------

    @rule(n=index, to=st.sampled_from(TARGETS), reason=st.sampled_from(RETIRE_REASONS))
    def device_page(self, n: int, to: str, reason: str) -> None:
        self.run(
            lambda: device_change_status(
                actor=self.actor, device=self.device(n), to=to, reason=reason
            )
        )

    @rule(n=index, to=st.sampled_from(TARGETS), reason=st.sampled_from(RETIRE_REASONS))
    def device_page_on_a_held_device(self, n: int, to: str, reason: str) -> None:
        """The same buttons, aimed at a device lending holds (on loan or offered), where
        a stranded record would come from."""
        held = list(
            Device.objects.filter(
                pk__in=self.world.device_ids, status__in=["on_loan", "reserved"]
            ).order_by("pk")
        )
        device = _pick(held, n)
        if device is not None:
            self.run(
                lambda: device_change_status(actor=self.actor, device=device, to=to, reason=reason)
            )

    @rule(n=index)
    def request(self, n: int) -> None:
        self.run(
            lambda: services.request_create(
                actor=self.actor, participant=self.person(n), kind="monitor"
            )
        )

    @rule(n=index)
    def offer(self, n: int) -> None:
        self.run(
            lambda: services.offer_next(actor=self.actor, hub=self.world.hub, device=self.device(n))
        )

    @rule(n=index)
    def accept(self, n: int) -> None:
        offer = self.open_offer(n)
        if offer is not None:
            self.run(lambda: services.offer_accept(actor=self.actor, offer=offer))

    @rule(n=index, expire=st.booleans())
    def decline_or_expire(self, n: int, expire: bool) -> None:
        offer = self.open_offer(n)
        if offer is None:
            return
        if expire:
            DeviceOffer.objects.filter(pk=offer.pk).update(
                expires_at=timezone.now() - timedelta(minutes=1)
            )
            services.offers_expire()
        else:
            self.run(lambda: services.offer_decline(actor=self.actor, offer=offer))

    @rule(p=index, d=index, kind=st.sampled_from(["temporary", "long_term", "gift"]))
    def checkout(self, p: int, d: int, kind: str) -> None:
        self.run(
            lambda: services.loan_checkout(
                actor=self.actor,
                hub=self.world.hub,
                device=self.device(d),
                participant=self.person(p),
                kind=kind,
            )
        )

    @rule(n=index, outcome=st.sampled_from(OUTCOMES))
    def give_back(self, n: int, outcome: str) -> None:
        loan = self.open_loan(n)
        if loan is not None:
            self.run(
                lambda: services.loan_return(
                    actor=self.actor,
                    loan=loan,
                    powers_on=True,
                    accessories_back=True,
                    data_removed=True,
                    outcome=outcome,
                )
            )

    @rule(n=index)
    def renew(self, n: int) -> None:
        loan = self.open_loan(n)
        if loan is not None:
            self.run(lambda: services.loan_renew(actor=self.actor, loan=loan))

    @rule(n=index, loss=st.sampled_from(LOSSES))
    def lost(self, n: int, loss: str) -> None:
        loan = self.open_loan(n)
        if loan is not None:
            self.run(
                lambda: loan_close_lost(actor=self.actor, loan=loan, loss=loss, lost_on=self.today)
            )

    @rule(
        devices=st.lists(index, min_size=1, max_size=2),
        start=st.integers(min_value=0, max_value=120),
        days=st.integers(min_value=0, max_value=10),
    )
    def reserve(self, devices: list[int], start: int, days: int) -> None:
        first = self.today + timedelta(days=start)
        self.run(
            lambda: services.reservation_create(
                actor=self.actor,
                hub=self.world.hub,
                partner=self.world.partner,
                purpose="Course",
                starts_on=first,
                ends_on=first + timedelta(days=days),
                devices=[self.device(n) for n in devices],
            )
        )

    @rule(n=index)
    def hand_over(self, n: int) -> None:
        reservation = _pick(
            list(OrganisationReservation.objects.filter(starts_on=self.today).order_by("pk")), n
        )
        if reservation is None:
            return
        ids = list(reservation.items.filter(active=True).values_list("device_id", flat=True))
        self.run(
            lambda: services.organisation_checkout(
                actor=self.actor, reservation=reservation, device_ids=ids, picked_up_by="Mr Jansen"
            )
        )

    @rule(n=index, outcome=st.sampled_from(OUTCOMES))
    def organisation_back(self, n: int, outcome: str) -> None:
        item = _pick(
            list(OrganisationLoanItem.objects.filter(returned_at__isnull=True).order_by("pk")), n
        )
        if item is None:
            return
        self.run(
            lambda: services.organisation_return(
                actor=self.actor,
                loan=OrganisationLoan.objects.get(pk=item.loan_id),
                item_ids=[item.pk],
                powers_on=True,
                accessories_back=True,
                data_removed=True,
                outcome=outcome,
            )
        )

    @rule(n=index)
    def cancel(self, n: int) -> None:
        reservation = _pick(
            list(OrganisationReservation.objects.filter(cancelled_at=None).order_by("pk")), n
        )
        if reservation is not None:
            self.run(lambda: services.reservation_cancel(actor=self.actor, reservation=reservation))

    @rule(n=index)
    def anonymise(self, n: int) -> None:
        self.run(
            lambda: people_services.participant_anonymise(
                actor=self.actor, participant=self.person(n)
            )
        )

    # --- after every step ----------------------------------------------------------

    @invariant()
    def records_match_statuses(self) -> None:
        assert state.invariant_problems() == []

    @invariant()
    def no_loan_overlaps_a_reservation(self) -> None:
        from digibank.lending.models import ReservationDay

        # The day claims are unique per device and day, so both kinds of claimant can
        # never share one; and a device on a person's loan is never on an organisation
        # loan (holdings).
        assert not ReservationDay.objects.filter(item__isnull=False, loan__isnull=False).exists()
        held = Loan.objects.filter(holding__isnull=False).values_list("device_id", flat=True)
        assert not OrganisationLoanItem.objects.filter(
            returned_at__isnull=True, device_id__in=list(held)
        ).exists()


def _run(machine: type[RuleBasedStateMachine], examples: int, steps: int) -> None:
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )


@pytest.mark.django_db
def test_the_state_model_holds_for_any_sequence_of_actions(world: World) -> None:
    LendingMachine.world = world
    _run(LendingMachine, examples=10, steps=25)


# --- the same, clicked over HTTP --------------------------------------------------------

OK = {200, 302, 404, 405}


class ClickingMachine(RuleBasedStateMachine):
    """What a user can click on the device and lending pages, in any order."""

    world: World
    client: Client

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"hub": self.world.hub.slug, **kwargs})

    def post(self, path: str, data: dict[str, Any] | None = None) -> None:
        answer = self.client.post(path, data or {})
        assert answer.status_code in OK, (path, answer.status_code)

    def device_id(self, n: int) -> int:
        return int(_pick(self.world.device_ids, n))

    def loan_id(self, n: int) -> int:
        return int(_pick(list(Loan.objects.order_by("pk").values_list("pk", flat=True)), n) or 1)

    def offer_id(self, n: int) -> int:
        ids = list(DeviceOffer.objects.order_by("pk").values_list("pk", flat=True))
        return int(_pick(ids, n) or 1)

    @rule(n=index, to=st.sampled_from(DeviceStatus.values), confirm=st.booleans())
    def device_status(self, n: int, to: str, confirm: bool) -> None:
        data = {"to": to, "reason": "recycled", "confirm": "yes" if confirm else ""}
        self.post(self.url("devices:transition", pk=self.device_id(n)), data)

    @rule(n=index)
    def ask(self, n: int) -> None:
        person = _pick(self.world.people_ids, n)
        self.post(
            self.url("lending:request_create", pk=person), {"kind": "monitor", "needs": "jobs"}
        )

    @rule(n=index)
    def offer_first(self, n: int) -> None:
        self.post(self.url("lending:offer_next"), {"kind": "monitor", "device": self.device_id(n)})

    @rule(n=index, accept=st.booleans())
    def answer_offer(self, n: int, accept: bool) -> None:
        if accept:
            self.post(self.url("lending:offer_accept", pk=self.offer_id(n)), {"kind": "temporary"})
        else:
            self.post(self.url("lending:offer_decline", pk=self.offer_id(n)))

    @rule(p=index, d=index)
    def lend(self, p: int, d: int) -> None:
        tag = Device.objects.get(pk=self.device_id(d)).tag
        person = _pick(self.world.people_ids, p)
        self.post(self.url("lending:checkout", pk=person), {"tag": tag, "kind": "temporary"})

    @rule(n=index, outcome=st.sampled_from(OUTCOMES))
    def take_back(self, n: int, outcome: str) -> None:
        data = {"powers_on": "on", "data_removed": "on", "outcome": outcome}
        self.post(self.url("lending:loan_return", pk=self.loan_id(n)), data)

    @rule(n=index)
    def renew(self, n: int) -> None:
        self.post(self.url("lending:loan_renew", pk=self.loan_id(n)))

    @rule(n=index, loss=st.sampled_from([*LOSSES, "eaten"]))
    def lost(self, n: int, loss: str) -> None:
        data = {"loss": loss, "lost_on": timezone.localdate().isoformat()}
        self.post(self.url("lending:loan_lost", pk=self.loan_id(n)), data)

    @rule(n=index, start=st.integers(min_value=0, max_value=60))
    def reserve(self, n: int, start: int) -> None:
        first = timezone.localdate() + timedelta(days=start)
        data = {
            "partner": self.world.partner.pk,
            "purpose": "Course",
            "starts_on": first.isoformat(),
            "ends_on": (first + timedelta(days=3)).isoformat(),
            "tags": Device.objects.get(pk=self.device_id(n)).tag,
        }
        self.post(self.url("lending:reservation_create"), data)

    @invariant()
    def records_match_statuses(self) -> None:
        assert state.invariant_problems() == []


@pytest.mark.django_db
def test_any_clicks_answer_a_page_or_a_refusal_never_a_500(world: World) -> None:
    client = Client()
    client.force_login(world.coordinator)
    ClickingMachine.world = world
    ClickingMachine.client = client
    _run(ClickingMachine, examples=6, steps=20)
