"""Where the database itself keeps lending consistent:

- DeviceHolding: one row per device that is out (a person's loan or an organisation
  loan item); its unique device column refuses a second holder, whatever the callers do.
- ReservationDay rows of a loan: each day of the loan's expected period (today up to the
  due date) is claimed for the device, with the same unique (device, day) constraint as
  reservations, so a loan and a reservation never overlap, also under concurrency.

The services call these helpers in their own transaction; an IntegrityError becomes a
ValidationError that names the conflicting record."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DeviceHolding, Loan, OrganisationLoanItem, ReservationDay, ReservedDevice

# A loan without a due date (long-term, gift) claims no days; reservations check it under
# the device lock instead (reservation_conflict_with_loans).
MAX_LOAN_DAYS_CLAIMED = 1100


def hold_for_loan(loan: Loan) -> None:
    try:
        with transaction.atomic():
            DeviceHolding.objects.create(hub_id=loan.hub_id, device_id=loan.device_id, loan=loan)
    except IntegrityError:
        raise ValidationError({"tag": _("This device is already lent out.")}) from None


def hold_for_organisation(items: list[OrganisationLoanItem]) -> None:
    try:
        with transaction.atomic():
            DeviceHolding.objects.bulk_create(
                DeviceHolding(hub_id=item.hub_id, device_id=item.device_id, organisation_item=item)
                for item in sorted(items, key=lambda item: item.device_id)
            )
    except IntegrityError:
        raise ValidationError({"devices": _("One of these devices is already lent out.")}) from None


def hold_open_records() -> int:
    """A holding for every device out that has none yet (records written in bulk, as
    the demo does, skip the services)."""
    rows = [
        DeviceHolding(hub_id=hub_id, device_id=device_id, loan_id=pk)
        for pk, hub_id, device_id in Loan.objects.filter(returned_at__isnull=True, holding=None)
        .exclude(kind="gift")
        .values_list("pk", "hub_id", "device_id")
        .iterator(chunk_size=5000)
    ]
    rows += [
        DeviceHolding(hub_id=hub_id, device_id=device_id, organisation_item_id=pk)
        for pk, hub_id, device_id in OrganisationLoanItem.objects.filter(
            returned_at__isnull=True, holding=None
        ).values_list("pk", "hub_id", "device_id")
    ]
    DeviceHolding.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def release(*, loan: Loan | None = None, items: list[OrganisationLoanItem] | None = None) -> None:
    if loan is not None:
        DeviceHolding.objects.filter(loan=loan).delete()
    if items:
        DeviceHolding.objects.filter(organisation_item__in=[item.pk for item in items]).delete()


def reservation_label(item: ReservedDevice) -> str:
    reservation = item.reservation
    return _("“%(purpose)s” for %(partner)s, %(start)s to %(end)s") % {
        "purpose": reservation.purpose,
        "partner": reservation.partner.organisation.name,
        "start": reservation.starts_on.isoformat(),
        "end": reservation.ends_on.isoformat(),
    }


def _reserved_items(device_id: int, first: date, last: date | None) -> list[ReservedDevice]:
    days = ReservationDay.objects.filter(device_id=device_id, item__isnull=False, day__gte=first)
    if last is not None:
        days = days.filter(day__lte=last)
    return list(
        ReservedDevice.objects.filter(pk__in=days.values("item_id"))
        .select_related("reservation__partner__organisation")
        .order_by("starts_on", "pk")[:3]
    )


def loan_reservation_conflict(device_id: int, first: date, last: date | None) -> str:
    """Why a loan of this device from `first` to `last` (None: no end) clashes with a
    reservation, naming it; "" when it does not."""
    items = _reserved_items(device_id, first, last)
    if not items:
        return ""
    return _(
        "This device is reserved for an organisation during the loan period: %(reservation)s. "
        "Choose another device."
    ) % {"reservation": "; ".join(reservation_label(item) for item in items)}


def claim_loan_days(loan: Loan, *, first: date, last: date) -> None:
    """Claim the device for each day from `first` to `last` for this loan."""
    span = min((last - first).days + 1, MAX_LOAN_DAYS_CLAIMED)
    # Days this loan claimed already (a renewal after the due date was moved) stay.
    own = set(
        ReservationDay.objects.filter(loan=loan, day__gte=first).values_list("day", flat=True)
    )
    days = (first + timedelta(days=n) for n in range(span))
    rows = [
        ReservationDay(hub_id=loan.hub_id, loan=loan, device_id=loan.device_id, day=day)
        for day in days
        if day not in own
    ]
    try:
        with transaction.atomic():
            ReservationDay.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        problem = loan_reservation_conflict(loan.device_id, first, last)
        raise ValidationError(
            {"tag": problem or _("This device was just reserved for these dates.")}
        ) from None


def release_loan_days(loan: Loan) -> None:
    """The device is back: from today on its days are free again (past days stay as
    history until the row goes with the loan)."""
    ReservationDay.objects.filter(loan=loan, day__gte=timezone.localdate()).delete()


def loan_conflict_for_reservation(device_ids: list[int], starts_on: date) -> str:
    """Why devices on loan cannot be reserved from `starts_on`, naming the loans: a loan
    without a due date, overdue, or due on or after the start. "" when none."""
    today = timezone.localdate()
    loans = list(
        Loan.objects.filter(device_id__in=device_ids, holding__isnull=False)
        .select_related("device")
        .order_by("device_id")
    )
    clashing = [
        loan
        for loan in loans
        if loan.due_on is None or loan.due_on >= starts_on or loan.due_on < today
    ]
    if not clashing:
        return ""
    names = ", ".join(
        _("%(tag)s (loan %(loan)s, due %(due)s)")
        % {
            "tag": loan.device.tag,
            "loan": loan.pk,
            "due": loan.due_on.isoformat() if loan.due_on else _("no due date"),
        }
        for loan in clashing[:10]
    )
    return _("On loan past the start of the reservation: %(loans)s.") % {"loans": names}
