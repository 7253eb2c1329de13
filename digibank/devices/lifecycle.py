"""The device lifecycle in one table: which status may follow which. Services consult
only this table (and the data-wipe rule in `device_transition`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import DeviceStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.WIPING, S.REFURBISHING, S.READY, S.IN_REPAIR, S.RETIRED}),
    S.WIPING: frozenset({S.REFURBISHING, S.READY, S.IN_REPAIR, S.RETIRED}),
    S.REFURBISHING: frozenset({S.WIPING, S.READY, S.IN_REPAIR, S.RETIRED}),
    S.READY: frozenset({S.RESERVED, S.ON_LOAN, S.WIPING, S.IN_REPAIR, S.RETIRED}),
    S.RESERVED: frozenset({S.READY, S.ON_LOAN, S.RETIRED}),
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
