"""Device bank rows for the tenancy walk: devices in several statuses, a data wipe with a
certificate, a repair and a stock-take per hub."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile

from digibank.devices.models import (
    DataWipe,
    Device,
    DevicePhoto,
    DeviceStatus,
    Repair,
    StockTake,
    tag_for_id,
)

# A label's URL ends in the device's tag (devices:by_label): the side's first device.
NEUTRAL_KWARGS: dict[str, Callable[[Any, str], str]] = {
    "tag": lambda world, side: str(world.side(side).objects["device"][0].tag),
}

KWARG_KINDS: dict[tuple[str, str], str] = {
    ("devices:detail", "pk"): "device",
    ("devices:transition", "pk"): "device",
    ("devices:wipe", "pk"): "device",
    ("devices:repair", "pk"): "device",
    ("devices:label", "pk"): "device",
    ("devices:wipe_certificate", "pk"): "device",
    ("devices:wipe_certificate", "wipe_pk"): "wipe",
    ("devices:stock_take", "pk"): "stock_take",
    ("devices:edit", "pk"): "device",
    ("devices:photo_add", "pk"): "device",
    ("devices:photo", "pk"): "device",
    ("devices:photo", "photo_pk"): "photo",
    ("devices:photo_thumbnail", "pk"): "device",
    ("devices:photo_thumbnail", "photo_pk"): "photo",
    ("devices:photo_delete", "pk"): "device",
    ("devices:photo_delete", "photo_pk"): "photo",
}
APP_DEFAULT_KIND: dict[str, str] = {"devices": "device"}


def _png() -> bytes:
    """A tiny PNG: the walk only needs a stored photo file."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, "PNG")
    return out.getvalue()


def fill(side: Any, *, label: str, colleague: Any, location: Any, participants: list[Any]) -> None:
    hub = side.hub
    devices = []
    for kind, status, serial in (
        ("laptop", DeviceStatus.RECEIVED, f"SN-{label}-LAPTOP"),
        ("monitor", DeviceStatus.READY, f"SN-{label}-MONITOR"),
    ):
        device = Device.objects.create(
            hub=hub,
            kind=kind,
            make=f"Make{label}",
            model=f"Model {label}",
            serial_number=serial,
            status=status,
            location=location,
        )
        device.tag = tag_for_id(device.pk)
        device.save(update_fields=["tag"])
        devices.append(device)
        side.hub_records.append(serial)
    side.add("device", *devices)
    wipe = DataWipe(
        hub=hub,
        device=devices[0],
        method="purge",
        tool=f"Wipetool {label}",
        result="passed",
        operator=colleague,
        certificate_number=f"CERT-{label}",
    )
    wipe.certificate.save(f"walk-{label}.pdf", ContentFile(b"%PDF-1.4 walk"), save=False)
    wipe.save()
    side.add("wipe", wipe)
    side.hub_records.append(f"CERT-{label}")
    repair = Repair.objects.create(
        hub=hub,
        device=devices[0],
        problem=f"Broken hinge {label}",
        outcome="fixed",
        trainee_name=f"Trainee {label}",
        recorded_by=colleague,
    )
    side.add("repair", repair)
    side.hub_records.append(f"Broken hinge {label}")
    photo = DevicePhoto(
        hub=hub,
        device=devices[0],
        content_type="image/png",
        width=1,
        height=1,
        description=f"Scratch {label}",
        uploaded_by=colleague,
    )
    photo.image.save(f"walk-{label}.png", ContentFile(_png()), save=False)
    photo.thumbnail.save(f"walk-{label}-thumb.png", ContentFile(_png()), save=False)
    photo.save()
    side.add("photo", photo)
    side.hub_records.append(f"Scratch {label}")
    take = StockTake.objects.create(hub=hub, location=location, done_by=colleague)
    take.seen.create(device=devices[1])
    side.add("stock_take", take)
