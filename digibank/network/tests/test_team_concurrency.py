"""Two coordinators who each step down at the same moment never leave the hub without
one: real threads, each with its own database connection, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from digibank.accounts.models import Membership, User
from digibank.accounts.roles import HubRole
from digibank.network import services
from digibank.network.models import Hub


def run_at_once(*actions: Callable[[], None]) -> list[str]:
    """Start the actions together on their own threads; what each one ended with."""
    start = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def worker(action: Callable[[], None]) -> None:
        start.wait()
        try:
            action()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # any other failure is reported in the outcome
            outcomes.append(f"error: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


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

    assert run_at_once(step_down(first), step_down(second)) == ["done", "refused"]
    still_coordinating = Membership.objects.filter(
        hub=hub, role=HubRole.COORDINATOR, is_active=True
    )
    assert still_coordinating.count() == 1
