"""Every change to devices: intake, lifecycle transitions, data wipes, repairs,
stock-takes and CSV import. Each service runs in one transaction, locks the device row
it changes, enforces the rules and writes the audit journal in the same transaction.
Journal details hold statuses, kinds and ids, never personal data.

Rule violations raise django.core.exceptions.ValidationError with a plain-language
message (a dict keyed by form field where one field is at fault)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from digibank.core.journal import journal_write
from digibank.core.pdf_files import NOT_A_PDF, is_pdf
from digibank.core.text import contains_national_number
from digibank.network.models import Hub, Location, Organisation, OrganisationKind
from digibank.network.services import OrganisationValues, organisation_create

from .lifecycle import MANUAL_TARGETS, allowed_next, ready_hooks, status_seam
from .models import (
    DataWipe,
    Device,
    DeviceKind,
    DevicePhoto,
    DeviceSource,
    DeviceStatus,
    Repair,
    RepairOutcome,
    RetirementReason,
    StockTake,
    StockTakeSeen,
    WipeMethod,
    WipeResult,
    normalise_tag,
    tag_for_id,
)
from .photos import MAX_PHOTOS_PER_DEVICE, prepare_photo

# Fields a device is registered with (intake form, CSV import).
DEVICE_FIELDS = (
    "kind",
    "make",
    "model",
    "serial_number",
    "cpu",
    "ram_gb",
    "storage_gb",
    "os",
    "keyboard_layout",
    "source",
    "donor",
    "programme_note",
    "intake_date",
    "value_cents",
    "condition",
    "location",
)


def _lock(device: Device) -> Device:
    return Device.objects.select_for_update().get(pk=device.pk)


def _check_same_hub(hub: Hub, location: Location | None) -> None:
    if location is not None and location.hub_id != hub.pk:
        raise ValidationError({"location": _("Choose a location of this hub.")})


def _check_donor(source: str, donor: Organisation | None) -> None:
    if donor is not None and source != DeviceSource.DONATION:
        raise ValidationError({"donor": _("Only a donated device has a donor organisation.")})


def _refuse_national_numbers(values: Mapping[str, Any]) -> None:
    for field in ("make", "model", "serial_number", "programme_note"):
        value = values.get(field)
        if isinstance(value, str) and contains_national_number(value):
            raise ValidationError(
                {field: _("This looks like a national register number. We never store those.")}
            )


def _donor_for_name(*, actor: Any, hub: Hub, name: str, values: Mapping[str, Any]) -> Organisation:
    """The organisation named `name` anywhere on the platform (same name, any case), or
    a new organisation with that name."""
    name = " ".join(name.split())
    if values.get("donor") is not None:
        raise ValidationError(
            {"donor_name": _("Choose a donor in the list or type a name, not both.")}
        )
    if values.get("source", DeviceSource.DONATION) != DeviceSource.DONATION:
        raise ValidationError({"donor": _("Only a donated device has a donor organisation.")})
    if len(name) > 200:
        raise ValidationError({"donor_name": _("The name is too long: at most 200 characters.")})
    existing = Organisation.objects.filter(name__iexact=name).order_by("pk").first()
    if existing is not None:
        return existing
    return organisation_create(
        actor=actor,
        values=OrganisationValues(name=name, kind=OrganisationKind.OTHER),
        hub_id=hub.pk,
    )


# --- intake -----------------------------------------------------------------------------


EARLIEST_INTAKE = date(1990, 1, 1)


def check_intake_date(day: date) -> None:
    """A device came in on a real day: not in the future, not before 1990 (a typo such
    as 0225 or 2205 would otherwise count in reports for ever)."""
    if day > timezone.localdate():
        raise ValidationError({"intake_date": _("The intake date cannot be in the future.")})
    if day < EARLIEST_INTAKE:
        raise ValidationError({"intake_date": _("The intake date cannot be before 1990.")})


def _new_device(*, hub: Hub, values: Mapping[str, Any]) -> Device:
    data = {k: v for k, v in values.items() if k in DEVICE_FIELDS}
    for key in ("make", "model", "serial_number", "cpu", "os", "programme_note"):
        data[key] = (data.get(key) or "").strip()
    data.setdefault("intake_date", timezone.localdate())
    if data.get("intake_date") is None:
        data["intake_date"] = timezone.localdate()
    if not data.get("keyboard_layout"):
        data["keyboard_layout"] = ""
    device = Device(hub=hub, **data)
    device.full_clean(exclude=["hub", "tag"])
    check_intake_date(device.intake_date)
    _check_same_hub(hub, device.location)
    _check_donor(device.source, device.donor)
    _refuse_national_numbers(data)
    return device


@transaction.atomic
def device_register(*, actor: Any, hub: Hub, donor_name: str = "", **values: Any) -> Device:
    """Register a device that came in (donated, bought or from a programme). A donor is
    an organisation (`donor`), or `donor_name`: the organisation of that name on the
    platform, created when there is none yet."""
    if donor_name.strip():
        values["donor"] = _donor_for_name(actor=actor, hub=hub, name=donor_name, values=values)
    device = _new_device(hub=hub, values=values)
    now = timezone.now()
    device.status = DeviceStatus.RECEIVED
    device.cycle_started_at = now
    device.status_changed_at = now
    device.save()
    device.tag = tag_for_id(device.pk)
    Device.objects.filter(pk=device.pk).update(tag=device.tag)
    journal_write(
        actor=actor,
        action="device.register",
        subject=device,
        hub_id=hub.pk,
        details={"kind": device.kind, "source": device.source, "tag": device.tag},
    )
    return device


@transaction.atomic
def device_update(*, actor: Any, device: Device, donor_name: str = "", **values: Any) -> Device:
    """Correct a device's description (not its status: see device_transition).
    `donor_name` works as in device_register."""
    device = _lock(device)
    if donor_name.strip():
        values["donor"] = _donor_for_name(
            actor=actor,
            hub=device.hub,
            name=donor_name,
            values={"source": device.source, **values},
        )
    changed = []
    for key, value in values.items():
        if key not in DEVICE_FIELDS:
            raise TypeError(key)
        if isinstance(value, str):
            value = value.strip()
        if getattr(device, key) != value:
            setattr(device, key, value)
            changed.append(key)
    if not changed:
        return device
    device.full_clean(exclude=["hub", "tag"])
    if "intake_date" in changed:
        check_intake_date(device.intake_date)
    _check_same_hub(device.hub, device.location)
    _check_donor(device.source, device.donor)
    _refuse_national_numbers(values)
    device.save()
    journal_write(
        actor=actor,
        action="device.update",
        subject=device,
        hub_id=device.hub_id,
        details={"fields": sorted(changed)},
    )
    return device


# --- lifecycle --------------------------------------------------------------------------


def latest_passed_wipe(device: Device) -> DataWipe | None:
    return (
        DataWipe.objects.filter(
            device=device, result=WipeResult.PASSED, created_at__gte=device.cycle_started_at
        )
        .order_by("-created_at")
        .first()
    )


def transition_refusal(device: Device, to: str, reason: str = "") -> str | None:
    """Why `device` may not move to status `to` now, or None when it may."""
    if to not in DeviceStatus.values:
        return _("Unknown status.")
    current = DeviceStatus(device.status)
    target = DeviceStatus(to)
    if to not in allowed_next(device.status):
        if current == target:
            return _("The device is already “%(status)s”.") % {"status": target.label}
        return _("A device that is “%(from)s” cannot become “%(to)s”.") % {
            "from": current.label,
            "to": target.label,
        }
    if target == DeviceStatus.RETIRED and reason not in RetirementReason.values:
        return _("Choose why the device is retired.")
    if target == DeviceStatus.READY and device.stores_data and latest_passed_wipe(device) is None:
        return _(
            "This device stores data. Record a passed data wipe first: "
            "it must be done after the device came in or was returned."
        )
    return None


@transaction.atomic
def device_transition(*, actor: Any, device: Device, to: str, reason: str = "") -> Device:
    """Move `device` to status `to` if the lifecycle allows it. `reason` is the
    retirement reason when `to` is "retired" (recycled, lost, stolen, given_away) and is
    ignored otherwise. Returning a device starts a new cycle: it needs a new wipe."""
    locked = _lock(device)
    refusal = transition_refusal(locked, to, reason)
    if refusal:
        raise ValidationError(refusal, code="transition")
    previous = locked.status
    now = timezone.now()
    locked.status = to
    locked.status_changed_at = now
    locked.retirement_reason = reason if to == DeviceStatus.RETIRED else ""
    if to == DeviceStatus.RETURNED:
        locked.cycle_started_at = now
    locked.save(
        update_fields=[
            "status",
            "status_changed_at",
            "retirement_reason",
            "cycle_started_at",
            "updated_at",
        ]
    )
    details = {"from": previous, "to": to}
    if to == DeviceStatus.RETIRED:
        details["reason"] = reason
    journal_write(
        actor=actor,
        action="device.transition",
        subject=locked,
        hub_id=locked.hub_id,
        details=details,
    )
    # Keep the caller's object in step.
    device.status = locked.status
    device.status_changed_at = locked.status_changed_at
    device.retirement_reason = locked.retirement_reason
    device.cycle_started_at = locked.cycle_started_at
    return locked


@transaction.atomic
def device_change_status(*, actor: Any, device: Device, to: str, reason: str = "") -> Device:
    """A status change asked for on the device page. Where another app holds a record
    for this device (a loan, an offer), that app decides under the device lock: it
    refuses with its reason, or makes the change itself (closing its record first).
    A device made ready here is announced to the apps that wait for one."""
    if to not in MANUAL_TARGETS:
        raise ValidationError(_("Use the lending screens for this."), code="transition")
    locked = _lock(device)
    seam = status_seam(locked, to)
    if seam is not None and seam.refusal:
        raise ValidationError(seam.refusal, code="transition")
    if seam is not None and seam.url:
        raise ValidationError(
            _("This device is lent out: close the loan on the lending page first."),
            code="transition",
        )
    if seam is not None and seam.perform is not None:
        seam.perform(actor, locked, to, reason)
    else:
        device_transition(actor=actor, device=locked, to=to, reason=reason)
    if to == DeviceStatus.READY:
        for hook in ready_hooks():
            hook(actor, locked)
    locked.refresh_from_db()
    device.status = locked.status
    device.retirement_reason = locked.retirement_reason
    device.status_changed_at = locked.status_changed_at
    return locked


# --- wipes and repairs ------------------------------------------------------------------


@transaction.atomic
def wipe_record(
    *,
    actor: Any,
    device: Device,
    method: str,
    tool: str,
    result: str,
    wiped_on: date | None = None,
    operator: Any = None,
    certificate_number: str = "",
    certificate: UploadedFile | None = None,
) -> DataWipe:
    """Record a data wipe (NIST SP 800-88) and its verification."""
    device = _lock(device)
    errors: dict[str, str] = {}
    if not device.stores_data:
        raise ValidationError(_("This kind of device stores no data: no wipe is needed."))
    if device.status in (DeviceStatus.ON_LOAN, DeviceStatus.RETIRED, DeviceStatus.RESERVED):
        raise ValidationError(
            _("A device that is “%(status)s” cannot be wiped here.")
            % {"status": device.get_status_display()}
        )
    if method not in WipeMethod.values:
        errors["method"] = _("Choose a method.")
    if result not in WipeResult.values:
        errors["result"] = _("Choose the result of the verification.")
    if not tool.strip():
        errors["tool"] = _("Say which tool was used.")
    wiped_on = wiped_on or timezone.localdate()
    if wiped_on > timezone.localdate():
        errors["wiped_on"] = _("The date cannot be in the future.")
    if certificate is not None and not is_pdf(certificate):  # by content, not by name
        errors["certificate"] = str(NOT_A_PDF)
    if errors:
        raise ValidationError(errors)
    wipe = DataWipe(
        hub_id=device.hub_id,
        device=device,
        method=method,
        tool=tool.strip(),
        result=result,
        wiped_on=wiped_on,
        operator=operator or actor,
        certificate_number=certificate_number.strip(),
    )
    if certificate is not None:
        wipe.certificate = certificate
    wipe.save()
    journal_write(
        actor=actor,
        action="device.wipe",
        subject=device,
        hub_id=device.hub_id,
        details={"wipe": wipe.pk, "method": method, "result": result},
    )
    return wipe


@transaction.atomic
def repair_record(
    *,
    actor: Any,
    device: Device,
    problem: str,
    outcome: str,
    parts: str = "",
    cost_cents: int = 0,
    minutes_spent: int = 0,
    repaired_by: Any = None,
    trainee_name: str = "",
    repaired_on: date | None = None,
) -> Repair:
    """Log a repair or maintenance job on a device."""
    device = _lock(device)
    errors: dict[str, str] = {}
    if not problem.strip():
        errors["problem"] = _("Describe the problem.")
    if outcome not in RepairOutcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if cost_cents < 0:
        errors["cost_cents"] = _("The cost cannot be negative.")
    if minutes_spent < 0:
        errors["minutes_spent"] = _("The time cannot be negative.")
    if repaired_by is None and not trainee_name.strip():
        errors["trainee_name"] = _("Say who did the repair: a team member or a trainee.")
    repaired_on = repaired_on or timezone.localdate()
    if repaired_on > timezone.localdate():
        errors["repaired_on"] = _("The date cannot be in the future.")
    if device.status == DeviceStatus.RETIRED:
        raise ValidationError(_("A retired device cannot be repaired."))
    for field, text in (("problem", problem), ("parts", parts), ("trainee_name", trainee_name)):
        if contains_national_number(text):
            errors[field] = _("This looks like a national register number. We never store those.")
    if errors:
        raise ValidationError(errors)
    repair = Repair.objects.create(
        hub_id=device.hub_id,
        device=device,
        problem=problem.strip(),
        parts=parts.strip(),
        cost_cents=cost_cents,
        minutes_spent=minutes_spent,
        repaired_by=repaired_by,
        trainee_name=trainee_name.strip(),
        outcome=outcome,
        repaired_on=repaired_on,
        recorded_by=actor,
    )
    journal_write(
        actor=actor,
        action="device.repair",
        subject=device,
        hub_id=device.hub_id,
        details={"repair": repair.pk, "outcome": outcome},
    )
    return repair


# --- photos -----------------------------------------------------------------------------


@transaction.atomic
def photo_add(
    *, actor: Any, device: Device, upload: UploadedFile, description: str = ""
) -> DevicePhoto:
    """Add a photo (JPEG or PNG, checked with Pillow, re-encoded without metadata)."""
    device = _lock(device)
    if DevicePhoto.objects.filter(device=device).count() >= MAX_PHOTOS_PER_DEVICE:
        raise ValidationError(
            {
                "photo": _("A device has at most %(count)s photos. Delete one first.")
                % {"count": MAX_PHOTOS_PER_DEVICE}
            }
        )
    description = " ".join(description.split())[:200]
    if contains_national_number(description):
        raise ValidationError(
            {"description": _("This looks like a national register number. We never store those.")}
        )
    prepared = prepare_photo(upload, size=upload.size)
    photo = DevicePhoto(
        hub_id=device.hub_id,
        device=device,
        content_type=prepared.content_type,
        width=prepared.width,
        height=prepared.height,
        description=description,
        uploaded_by=actor,
    )
    stem = f"{device.tag or device.pk}-{timezone.now():%Y%m%d%H%M%S%f}"
    photo.image.save(f"{stem}.{prepared.extension}", ContentFile(prepared.content), save=False)
    photo.thumbnail.save(
        f"{stem}-thumb.{prepared.extension}", ContentFile(prepared.thumbnail), save=False
    )
    names = [photo.image.name, photo.thumbnail.name]
    try:
        photo.save()
    except Exception:
        _delete_files(names)  # files are not part of the transaction
        raise
    journal_write(
        actor=actor,
        action="device.photo_add",
        subject=device,
        hub_id=device.hub_id,
        details={"photo": photo.pk},
    )
    return photo


def _delete_files(names: list[str | None]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            try:
                default_storage.delete(name)
            except OSError:
                continue


@transaction.atomic
def photo_delete(*, actor: Any, photo: DevicePhoto) -> None:
    """Delete a photo of a device (its files go after the transaction commits)."""
    locked = DevicePhoto.objects.select_for_update().filter(pk=photo.pk).first()
    if locked is None:
        raise ValidationError(_("This photo was already deleted."))
    names = [locked.image.name, locked.thumbnail.name]
    device_id, hub_id, pk = locked.device_id, locked.hub_id, locked.pk
    locked.delete()
    transaction.on_commit(lambda: _delete_files(names))
    journal_write(
        actor=actor,
        action="device.photo_delete",
        subject=Device.objects.get(pk=device_id),
        hub_id=hub_id,
        details={"photo": pk},
    )


# --- stock-take -------------------------------------------------------------------------

MAX_STOCK_TAKE_TAGS = 5000


@transaction.atomic
def stock_take_record(
    *, actor: Any, hub: Hub, location: Location, tags: Iterable[str]
) -> tuple[StockTake, list[str]]:
    """Mark the devices whose tags were scanned as seen at `location`. Returns the
    stock-take and the tags that match no device of this hub."""
    if location.hub_id != hub.pk:
        raise ValidationError({"location": _("Choose a location of this hub.")})
    # In scanning order, each once (a dict: linear, however often a tag was scanned).
    wanted = list(dict.fromkeys(tag for tag in map(normalise_tag, tags) if tag))
    if not wanted:
        raise ValidationError({"tags": _("Scan or type at least one tag.")})
    if len(wanted) > MAX_STOCK_TAKE_TAGS:
        raise ValidationError(
            {"tags": _("At most %(n)s tags at a time.") % {"n": MAX_STOCK_TAKE_TAGS}}
        )
    found = dict(Device.objects.filter(hub=hub, tag__in=wanted).values_list("tag", "pk"))
    take = StockTake.objects.create(hub=hub, location=location, done_by=actor)
    StockTakeSeen.objects.bulk_create(
        [StockTakeSeen(stock_take=take, device_id=pk) for pk in found.values()]
    )
    journal_write(
        actor=actor,
        action="device.stock_take",
        subject=take,
        hub_id=hub.pk,
        details={"location": location.pk, "seen": len(found), "unknown": len(wanted) - len(found)},
    )
    return take, [tag for tag in wanted if tag not in found]


# --- import -----------------------------------------------------------------------------


@transaction.atomic
def devices_import(*, actor: Any, hub: Hub, rows: list[dict[str, Any]]) -> list[Device]:
    """Register every row or none: rows are checked first; when any is wrong a
    ValidationError lists the errors per row number (1 = first data row, the header
    being row 0 is not counted)."""
    errors: list[str] = []
    checked: list[Device] = []
    for number, values in enumerate(rows, start=1):
        try:
            checked.append(_new_device(hub=hub, values=values))
        except ValidationError as exc:
            for message in _messages(exc):
                errors.append(_("Row %(row)s: %(message)s") % {"row": number, "message": message})
    if errors:
        raise ValidationError(errors)
    if not checked:
        raise ValidationError(_("The file has no devices."))
    devices = []
    for values in rows:
        devices.append(device_register(actor=actor, hub=hub, **values))
    journal_write(
        actor=actor,
        action="device.import",
        subject=None,
        hub_id=hub.pk,
        details={"count": len(devices)},
    )
    return devices


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        out = []
        for field, errs in exc.error_dict.items():
            label = field
            try:
                label = capfirst(str(getattr(Device._meta.get_field(field), "verbose_name", field)))
            except Exception:
                label = ""
            for err in errs:
                text = " ".join(str(m) for m in err.messages)
                out.append(f"{label}: {text}" if label else text)
        return out
    return [str(m) for m in exc.messages]


__all__ = [
    "DeviceKind",
    "device_change_status",
    "device_register",
    "device_transition",
    "device_update",
    "devices_import",
    "photo_add",
    "photo_delete",
    "repair_record",
    "stock_take_record",
    "transition_refusal",
    "wipe_record",
]
