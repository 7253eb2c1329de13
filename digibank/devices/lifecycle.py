"""The device lifecycle in one table: which status may follow which. Services consult
only this table (and the data-wipe rule in `device_transition`).

Some statuses belong to records of a higher app (a device on loan or offered to
someone: lending). The device page asks that app through `status_seam` before it
changes such a device, so it never strands a record it cannot see: the owning app
refuses with a reason, sends the user to its own page, or does the change itself
(registered in its AppConfig.ready; this app imports none of them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from .models import DeviceStatus as S

if TYPE_CHECKING:
    from .models import Device

TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.WIPING, S.REFURBISHING, S.READY, S.IN_REPAIR, S.RETIRED}),
    S.WIPING: frozenset({S.REFURBISHING, S.READY, S.IN_REPAIR, S.RETIRED}),
    S.REFURBISHING: frozenset({S.WIPING, S.READY, S.IN_REPAIR, S.RETIRED}),
    S.READY: frozenset({S.RESERVED, S.ON_LOAN, S.WIPING, S.IN_REPAIR, S.RETIRED}),
    S.RESERVED: frozenset({S.READY, S.ON_LOAN, S.IN_REPAIR, S.RETIRED}),
    S.ON_LOAN: frozenset({S.RETURNED, S.RETIRED}),
    S.RETURNED: frozenset({S.WIPING, S.READY, S.IN_REPAIR, S.RETIRED}),
    S.IN_REPAIR: frozenset({S.WIPING, S.REFURBISHING, S.READY, S.RETIRED}),
    S.RETIRED: frozenset(),
}

# Transitions the device page offers as buttons; the others (reserved, on loan,
# returned) belong to the lending screens.
MANUAL_TARGETS: frozenset[str] = frozenset(
    {S.WIPING, S.REFURBISHING, S.READY, S.IN_REPAIR, S.RETIRED}
)

# Button labels on the device page.
ACTION_LABELS = {
    S.WIPING: _("Start data wipe"),
    S.REFURBISHING: _("Start refurbishing"),
    S.READY: _("Mark ready to lend"),
    S.IN_REPAIR: _("Send to repair"),
    S.RETIRED: _("Retire"),
}


def allowed_next(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())


@dataclass(frozen=True)
class Seam:
    """What the app owning a device's record says about a change from the device page:
    `refusal` (why not), `url` (its page that does this instead) or `perform` (it makes
    the change itself, closing its record first: called as perform(actor, device, to,
    reason) inside the device page's transaction)."""

    refusal: str = ""
    url: str = ""
    perform: Callable[[Any, Device, str, str], None] | None = None


SeamHook = Callable[["Device", str], Seam | None]
ReadyHook = Callable[[Any, "Device"], None]

_seams: list[SeamHook] = []
_ready_hooks: list[ReadyHook] = []


def register_status_seam(hook: SeamHook) -> None:
    """A higher app says what happens when the device page moves a device it holds."""
    if hook not in _seams:
        _seams.append(hook)


def register_ready_hook(hook: ReadyHook) -> None:
    """A higher app learns that the device page made a device ready (in the same
    transaction), for example to offer it to the first person waiting."""
    if hook not in _ready_hooks:
        _ready_hooks.append(hook)


def status_seam(device: Device, to: str) -> Seam | None:
    for hook in _seams:
        seam = hook(device, to)
        if seam is not None:
            return seam
    return None


def ready_hooks() -> list[ReadyHook]:
    return list(_ready_hooks)
