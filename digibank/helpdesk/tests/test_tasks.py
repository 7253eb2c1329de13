"""Daily tasks: inactive volunteers are warned, then their digihelper membership (not the
account) is switched off; mandate reminders go out once, in the person's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole
from digibank.core.messaging import LocmemSmsBackend
from digibank.core.models import JournalEntry
from digibank.helpdesk import services, tasks
from digibank.helpdesk.models import Mandate
from digibank.people import services as people_services

pytestmark = pytest.mark.django_db


def _age(membership: Membership, days: int) -> None:
    then = timezone.now() - timedelta(days=days)
    Membership.objects.filter(pk=membership.pk).update(created_at=then)
    membership.user.last_login = then
    membership.user.save(update_fields=["last_login"])


def test_warn_then_deactivate(make_user, hub, settings):
    settings.VOLUNTEER_INACTIVE_DAYS = 100
    user = make_user(HubRole.DIGIHELPER, hub)
    membership = Membership.objects.get(user=user)
    _age(membership, 90)
    assert services.volunteers_deactivate_inactive() == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert services.volunteers_deactivate_inactive() == (0, 0)  # once
    later = timezone.now() + timedelta(days=15)
    assert services.volunteers_deactivate_inactive(now=later) == (0, 1)
    membership.refresh_from_db()
    user.refresh_from_db()
    assert not membership.is_active
    assert user.is_active
    entry = JournalEntry.objects.get(action="helper.deactivate_inactive")
    assert entry.actor is None


def test_activity_keeps_access(make_user, hub, settings, make_help, location):
    settings.VOLUNTEER_INACTIVE_DAYS = 100
    user = make_user(HubRole.DIGIHELPER, hub)
    membership = Membership.objects.get(user=user)
    _age(membership, 200)
    make_help(actor=user)
    assert services.volunteers_deactivate_inactive() == (0, 0)


def test_other_roles_untouched(make_user, hub, settings):
    settings.VOLUNTEER_INACTIVE_DAYS = 10
    user = make_user(HubRole.STAFF, hub)
    _age(Membership.objects.get(user=user), 400)
    assert services.volunteers_deactivate_inactive() == (0, 0)


def test_default_period(make_user, hub):
    user = make_user(HubRole.DIGIHELPER, hub)
    _age(Membership.objects.get(user=user), 100)
    assert services.inactive_days() == 183
    assert tasks.deactivate_inactive_volunteers.call() == [0, 0]


def test_mandate_reminder_once_in_language(hub, staff):
    person = people_services.participant_create(
        actor=staff,
        hub=hub,
        data={"given_name": "Luc", "email": "luc@example.org", "preferred_language": "fr"},
    )
    sms_person = people_services.participant_create(
        actor=staff, hub=hub, data={"given_name": "An", "phone": "0470 99 88 77"}
    )
    today = timezone.localdate()
    values = services.MandateValues(
        kind="burgerprofiel",
        holder_name="Marie",
        starts_on=today - timedelta(days=700),
        ends_on=today + timedelta(days=20),
    )
    services.mandate_create(actor=staff, participant=person, values=values)
    services.mandate_create(actor=staff, participant=sms_person, values=values)
    far = services.MandateValues(
        kind="myminfin", holder_name="Marie", starts_on=today, ends_on=today + timedelta(days=90)
    )
    services.mandate_create(actor=staff, participant=person, values=far)
    assert tasks.remind_ending_mandates.call() == 2
    assert tasks.remind_ending_mandates.call() == 0
    assert len(mail.outbox) == 1
    assert "mandat" in mail.outbox[0].subject.lower()
    assert "Marie" in mail.outbox[0].body
    assert len(LocmemSmsBackend.outbox) == 1


def test_mandate_rules(hub, staff, participant):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.mandate_create(
            actor=staff,
            participant=participant,
            values=services.MandateValues(
                kind="other",
                holder_name="Marie",
                starts_on=today,
                ends_on=today - timedelta(days=1),
                note="wachtwoord: x",
            ),
        )
    assert "ends_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.mandate_create(
            actor=staff,
            participant=participant,
            values=services.MandateValues(
                kind="other",
                holder_name="Marie",
                starts_on=today,
                ends_on=today,
                note="pin 1234",
            ),
        )
    assert "note" in error.value.message_dict
    assert not Mandate.objects.exists()
