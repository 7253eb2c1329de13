"""Writes at the same moment: two saves of one digihelper profile make one profile, and
a burst of quick-tally taps counts every tap. Real threads, each with its own database
connection, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from digibank.accounts.models import Membership, User
from digibank.core.testing import labels, run_at_once
from digibank.helpdesk import services
from digibank.helpdesk.models import DigihelperProfile, HelpQuestion, HelpTopic
from digibank.network.models import Hub, Location

from .conftest import make_location


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_profile_saved_twice_at_once(hub: Hub, digihelper: User) -> None:
    membership = Membership.objects.get(user=digihelper, hub=hub)

    def save(language: str) -> Callable[[], None]:
        def action() -> None:
            services.profile_save(
                actor=digihelper,
                membership=Membership.objects.get(pk=membership.pk),
                topics=list(HelpTopic.objects.filter(code="itsme")),
                languages=[language],
                locations=[],
                availability=language,
            )

        return action

    assert labels(run_at_once([save("ar"), save("fr")]), messages=True) == ["done", "done"]
    profile = DigihelperProfile.objects.get(membership=membership)
    assert profile.languages.count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tally_burst_counts_every_tap(hub: Hub, digihelper: User) -> None:
    location: Location = make_location(hub)
    topic = HelpTopic.objects.get(code="itsme")

    def tap() -> None:
        services.help_tally(actor=digihelper, hub=hub, location=location, topic=topic)

    assert labels(run_at_once([tap] * 6), messages=True) == ["done"] * 6
    assert HelpQuestion.objects.filter(is_complete=False).count() == 6
