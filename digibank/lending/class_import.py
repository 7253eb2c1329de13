"""A class list read against the pupils already known: a row whose class, name and year
of birth match a pupil of that class is that pupil (no duplicate record); other rows are
new pupils; pupils of the class the list does not name are shown as unmatched. The same
plan feeds the preview (nothing saved) and the assignment (services.class_assign)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.core.text import fold
from digibank.devices.models import Device
from digibank.devices.queries import device_by_tag
from digibank.network.models import Hub
from digibank.people.models import Participant

from .models import Loan, SchoolClass

NEW = "new"
MATCHED = "matched"
HAS_DEVICE = "has_device"
PROBLEM = "problem"


@dataclass
class ClassRow:
    number: int  # the row in the file (row 1 holds the column names)
    given_name: str
    family_name: str
    birth_year: int | None
    tag: str
    status: str = NEW
    pupil: Participant | None = None
    device: Device | None = None
    problem: str = ""


@dataclass
class ClassPlan:
    rows: list[ClassRow]
    unmatched: list[Participant] = field(default_factory=list)

    def with_status(self, status: str) -> list[ClassRow]:
        return [row for row in self.rows if row.status == status]

    @property
    def problems(self) -> list[str]:
        return [row.problem for row in self.rows if row.problem]


def _key(given: str, family: str, birth_year: int | None) -> tuple[str, str, int | None]:
    return fold(given), fold(family), birth_year


def _birth_year(text: str) -> int | str | None:
    """The year, None when empty, or the problem."""
    text = text.strip()
    if not text:
        return None
    this_year = timezone.localdate().year
    if not text.isdigit() or not this_year - 100 <= int(text) <= this_year:
        return _("the year of birth must be a year such as %(year)s") % {"year": this_year - 11}
    return int(text)


def class_pupils(*, hub: Hub, class_name: str) -> list[Participant]:
    """The active pupils who got a device through this class."""
    school_class = SchoolClass.objects.filter(hub=hub, name=class_name).first()
    if school_class is None:
        return []
    return list(
        Participant.objects.filter(
            hub=hub,
            loans__school_class_link__school_class=school_class,
            anonymised_at__isnull=True,
            merged_into__isnull=True,
        )
        .distinct()
        .order_by("family_key", "given_key", "id")[:1000]
    )


def _read_row(number: int, row: Mapping[str, str]) -> ClassRow:
    given, family, tag, year = (
        str(row.get(key, "")).strip() for key in ("given_name", "family_name", "tag", "birth_year")
    )
    birth_year = _birth_year(year)
    result = ClassRow(
        number=number,
        given_name=given,
        family_name=family,
        birth_year=birth_year if not isinstance(birth_year, str) else None,
        tag=tag,
    )
    if not (given or family):
        result.problem = _("Row %(row)s: give the pupil's name.") % {"row": number}
    elif isinstance(birth_year, str):
        result.problem = _("Row %(row)s: %(problem)s") % {"row": number, "problem": birth_year}
    return result


def plan_class_import(*, hub: Hub, class_name: str, rows: list[Mapping[str, str]]) -> ClassPlan:
    """What importing `rows` for `class_name` would do, row by row. Reads only."""
    pupils = class_pupils(hub=hub, class_name=class_name) if class_name else []
    known: dict[tuple[str, str, int | None], list[Participant]] = {}
    for pupil in pupils:
        known.setdefault(_key(pupil.given_name, pupil.family_name, pupil.birth_year), []).append(
            pupil
        )
    plan = ClassPlan(rows=[])
    seen_devices: set[int] = set()
    matched_ids: set[int] = set()
    for number, raw in enumerate(rows, start=2):
        row = _read_row(number, raw)
        plan.rows.append(row)
        if row.problem:
            row.status = PROBLEM
            continue
        device = device_by_tag(hub=hub, tag=row.tag) if row.tag else None
        if device is None:
            row.status = PROBLEM
            row.problem = _("Row %(row)s: no device of this hub has the tag “%(tag)s”.") % {
                "row": number,
                "tag": row.tag,
            }
            continue
        if device.pk in seen_devices:
            row.status = PROBLEM
            row.problem = _("Row %(row)s: this device is already on an earlier row.") % {
                "row": number
            }
            continue
        seen_devices.add(device.pk)
        row.device = device
        # Without a year of birth a name alone could be another child: a new pupil.
        key = _key(row.given_name, row.family_name, row.birth_year)
        matches = known.get(key, []) if row.birth_year is not None else []
        if len(matches) > 1:
            row.status = PROBLEM
            row.problem = _(
                "Row %(row)s: more than one pupil of this class has this name and year of "
                "birth. Lend this device from the pupil's own page."
            ) % {"row": number}
        elif matches:
            row.pupil = matches[0]
            matched_ids.add(row.pupil.pk)
            row.status = MATCHED
    _mark_devices_already_lent(plan)
    plan.unmatched = [pupil for pupil in pupils if pupil.pk not in matched_ids]
    return plan


def _mark_devices_already_lent(plan: ClassPlan) -> None:
    """A matched pupil who already has this very device needs nothing (one query)."""
    matched = plan.with_status(MATCHED)
    pairs = {(row.pupil.pk, row.device.pk) for row in matched if row.pupil and row.device}
    if not pairs:
        return
    open_pairs = set(
        Loan.objects.filter(
            participant_id__in={pupil for pupil, _device in pairs},
            device_id__in={device for _pupil, device in pairs},
            returned_at__isnull=True,
        ).values_list("participant_id", "device_id")
    )
    for row in matched:
        if row.pupil and row.device and (row.pupil.pk, row.device.pk) in open_pairs:
            row.status = HAS_DEVICE
