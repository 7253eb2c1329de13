"""Two coordinators who each step down at the same moment never leave the hub without
one: real threads, each with its own database connection, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from digibank.accounts.models import Membership, User
from digibank.accounts.roles import HubRole
from digibank.core.testing import labels, run_at_once
from digibank.network import services
from digibank.network.models import Hub


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("change", ["demote", "switch_off"])
def test_two_coordinators_stepping_down_at_once_leave_one(
    hub: Hub, make_user: Callable[..., User], change: str
) -> None:
    first = Membership.objects.get(user=make_user(HubRole.COORDINATOR, hub), hub=hub)
    second = Membership.objects.get(user=make_user(HubRole.COORDINATOR, hub), hub=hub)

    def step_down(membership: Membership) -> Callable[[], None]:
        def action() -> None:
            mine = Membership.objects.get(pk=membership.pk)
            if change == "demote":
                services.member_change_role(actor=mine.user, membership=mine, role=HubRole.STAFF)
            else:
                services.member_set_active(actor=mine.user, membership=mine, active=False)

        return action

    assert labels(run_at_once([step_down(first), step_down(second)])) == ["done", "refused"]
    still_coordinating = Membership.objects.filter(
        hub=hub, role=HubRole.COORDINATOR, is_active=True
    )
    assert still_coordinating.count() == 1
