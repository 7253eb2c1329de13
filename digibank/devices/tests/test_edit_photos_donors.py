"""Changing a device's description, photos of a device (checked uploads served only
through a permission-checked view) and donors chosen from the whole platform or typed as
a new organisation."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from digibank.core.models import JournalEntry
from digibank.devices import services
from digibank.devices.models import Device, DevicePhoto
from digibank.devices.photos import MAX_PHOTOS_PER_DEVICE
from digibank.network.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def url(name: str, hub: Any, **kwargs: Any) -> str:
    return reverse(f"devices:{name}", kwargs={"hub": hub.slug, **kwargs})


def image_bytes(
    kind: str = "JPEG", size: tuple[int, int] = (800, 600), exif: bool = False
) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        image.save(out, kind, exif=data)
    else:
        image.save(out, kind)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- edit -------------------------------------------------------------------------------


def test_edit_page_changes_the_description_through_the_service(
    coordinator: Any, client_for: Callable, hub: Any, make_device: Callable, location: Any
) -> None:
    device = make_device(value_cents=12_550)
    client = client_for(coordinator)
    detail = client.get(url("detail", hub, pk=device.pk))
    assert url("edit", hub, pk=device.pk).encode() in detail.content
    page = client.get(url("edit", hub, pk=device.pk))
    assert page.status_code == 200
    assert b'value="125,50"' in page.content
    response = client.post(
        url("edit", hub, pk=device.pk),
        {
            "kind": "laptop",
            "make": "Lenovo",
            "model": "ThinkPad T490",
            "serial_number": "PF-1",
            "ram_gb": "16",
            "keyboard_layout": "azerty",
            "source": "donation",
            "intake_date": device.intake_date.isoformat(),
            "value": "130",
            "condition": "A",
            "location": location.pk,
        },
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert (device.model, device.ram_gb, device.value_cents, device.condition) == (
        "ThinkPad T490",
        16,
        13_000,
        "A",
    )
    entry = JournalEntry.objects.filter(action="device.update").get()
    assert "model" in entry.details["fields"]


def test_edit_errors_are_shown_and_nothing_changes(
    coordinator: Any, client_for: Callable, hub: Any, make_device: Callable
) -> None:
    device = make_device()
    response = client_for(coordinator).post(
        url("edit", hub, pk=device.pk),
        {"kind": "laptop", "source": "purchase", "condition": "B", "make": "85.07.30-033.28"},
    )
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert b"national register number" in response.content
    device.refresh_from_db()
    assert device.make == "Lenovo"


def test_edit_needs_manage_and_the_own_hub(
    digihelper: Any,
    coordinator: Any,
    client_for: Callable,
    hub: Any,
    other_hub: Any,
    make_device: Callable,
) -> None:
    device = make_device()
    assert client_for(digihelper).get(url("edit", hub, pk=device.pk)).status_code == 403
    foreign = make_device(h=other_hub)
    assert client_for(coordinator).get(url("edit", hub, pk=foreign.pk)).status_code == 404


# --- donors -----------------------------------------------------------------------------


def test_a_new_donor_is_created_by_name(coordinator: Any, hub: Any) -> None:
    device = services.device_register(
        actor=coordinator, hub=hub, kind="laptop", donor_name="  Bakkerij   Peeters "
    )
    assert device.donor is not None
    assert device.donor.name == "Bakkerij Peeters"
    assert device.donor.kind == OrganisationKind.OTHER
    again = services.device_register(
        actor=coordinator, hub=hub, kind="laptop", donor_name="bakkerij peeters"
    )
    assert again.donor_id == device.donor_id  # the same organisation, found by name
    assert Organisation.objects.filter(name__iexact="bakkerij peeters").count() == 1


def test_donor_name_rules(coordinator: Any, hub: Any) -> None:
    existing = Organisation.objects.create(name="Telenet", kind=OrganisationKind.COMPANY)
    with pytest.raises(ValidationError) as caught:
        services.device_register(
            actor=coordinator, hub=hub, kind="laptop", donor=existing, donor_name="Other"
        )
    assert "donor_name" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.device_register(
            actor=coordinator, hub=hub, kind="laptop", source="purchase", donor_name="Shop"
        )
    assert not Organisation.objects.filter(name="Shop").exists()
    assert not Device.objects.exists()


def test_any_organisation_can_be_found_and_chosen_as_donor(
    coordinator: Any, client_for: Callable, hub: Any
) -> None:
    far = Organisation.objects.create(name="Verre Stichting Digitaal", kind="civil_society")
    client = client_for(coordinator)
    page = client.get(url("create", hub))
    assert b"Verre Stichting" not in page.content  # not a partner: not in the short list
    found = client.post(
        url("create", hub),
        {
            "kind": "laptop",
            "make": "Dell",
            "source": "donation",
            "donor_name": "stichting dig",
            "find_donor": "1",
            "condition": "B",
        },
    )
    assert found.status_code == 200
    assert f'<option value="{far.pk}">'.encode() in found.content
    assert b'value="Dell"' in found.content  # what was typed is kept
    assert not Device.objects.exists()
    response = client.post(
        url("create", hub),
        {"kind": "laptop", "make": "Dell", "source": "donation", "donor": far.pk, "condition": "B"},
    )
    assert response.status_code == 302
    assert Device.objects.get().donor_id == far.pk


def test_typed_new_donor_through_the_form(coordinator: Any, client_for: Callable, hub: Any) -> None:
    client = client_for(coordinator)
    nothing = client.post(
        url("create", hub),
        {
            "kind": "laptop",
            "source": "donation",
            "donor_name": "Garage Janssens",
            "find_donor": "1",
            "condition": "B",
        },
    )
    assert b"No organisation found" in nothing.content
    response = client.post(
        url("create", hub),
        {"kind": "laptop", "source": "donation", "donor_name": "Garage Janssens", "condition": "B"},
    )
    assert response.status_code == 302
    donor = Device.objects.get().donor
    assert donor is not None
    assert donor.name == "Garage Janssens"
    bad = client.post(
        url("create", hub),
        {"kind": "laptop", "source": "donation", "donor": "999999", "condition": "B"},
    )
    assert bad.status_code == 200
    assert b"error-summary" in bad.content


# --- photos -----------------------------------------------------------------------------


def test_photo_upload_view_and_delete(
    coordinator: Any,
    client_for: Callable,
    hub: Any,
    make_device: Callable,
    django_capture_on_commit_callbacks: Any,
) -> None:
    device = make_device()
    client = client_for(coordinator)
    assert client.get(url("photo_add", hub, pk=device.pk)).status_code == 200
    response = client.post(
        url("photo_add", hub, pk=device.pk),
        {"photo": upload(image_bytes(exif=True)), "description": "Kras op het deksel"},
    )
    assert response.status_code == 302
    photo = DevicePhoto.objects.get()
    assert (photo.width, photo.height, photo.content_type) == (800, 600, "image/jpeg")
    detail = client.get(url("detail", hub, pk=device.pk))
    thumb_url = url("photo_thumbnail", hub, pk=device.pk, photo_pk=photo.pk)
    assert thumb_url.encode() in detail.content
    assert b'alt="Kras op het deksel"' in detail.content
    full = client.get(url("photo", hub, pk=device.pk, photo_pk=photo.pk))
    assert full.status_code == 200
    assert full["Content-Type"] == "image/jpeg"
    body = b"".join(full.streaming_content)
    assert b"SecretCam" not in body  # metadata is dropped
    thumb = client.get(thumb_url)
    thumbnail = Image.open(io.BytesIO(b"".join(thumb.streaming_content)))
    assert max(thumbnail.size) <= 240
    assert str(photo.image.name).encode() not in detail.content  # never a media URL
    assert JournalEntry.objects.filter(action="device.photo_add").count() == 1
    image_name = str(photo.image.name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("photo_delete", hub, pk=device.pk, photo_pk=photo.pk))
    assert response.status_code == 302
    assert not DevicePhoto.objects.exists()
    from django.core.files.storage import default_storage

    assert not default_storage.exists(image_name)
    assert JournalEntry.objects.filter(action="device.photo_delete").count() == 1


def test_png_is_accepted(coordinator: Any, make_device: Callable) -> None:
    photo = services.photo_add(
        actor=coordinator,
        device=make_device(),
        upload=upload(image_bytes("PNG"), "p.png", "image/png"),
    )
    assert photo.content_type == "image/png"
    assert str(photo.image.name).endswith(".png")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a photo", b"not a photo we can read"),
        (b"", b"The submitted file is empty"),
        (image_bytes("GIF"), b"not a photo we can read"),
        (image_bytes()[:200], b"not a photo we can read"),
    ],
)
def test_bad_uploads_get_a_clear_message(
    coordinator: Any,
    client_for: Callable,
    hub: Any,
    make_device: Callable,
    data: bytes,
    message: bytes,
) -> None:
    device = make_device()
    response = client_for(coordinator).post(
        url("photo_add", hub, pk=device.pk), {"photo": upload(data)}
    )
    assert response.status_code == 200
    assert message in response.content
    assert not DevicePhoto.objects.exists()


def test_photo_limits(coordinator: Any, make_device: Callable, monkeypatch: Any) -> None:
    from digibank.devices import photos

    device = make_device()
    monkeypatch.setattr(photos, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(ValidationError, match="too large"):
        services.photo_add(actor=coordinator, device=device, upload=upload(image_bytes()))
    monkeypatch.undo()
    monkeypatch.setattr(photos, "MAX_PIXELS", 100)
    with pytest.raises(ValidationError, match="too many pixels"):
        services.photo_add(actor=coordinator, device=device, upload=upload(image_bytes()))
    monkeypatch.undo()
    small = image_bytes(size=(40, 30))
    for _ in range(MAX_PHOTOS_PER_DEVICE):
        services.photo_add(actor=coordinator, device=device, upload=upload(small))
    with pytest.raises(ValidationError, match="at most"):
        services.photo_add(actor=coordinator, device=device, upload=upload(small))


def test_photos_are_only_for_members_of_the_hub(
    coordinator: Any,
    digihelper: Any,
    client: Any,
    client_for: Callable,
    hub: Any,
    other_hub: Any,
    make_device: Callable,
    django_assert_max_num_queries: Any,
) -> None:
    device = make_device()
    photo = services.photo_add(actor=coordinator, device=device, upload=upload(image_bytes()))
    photo_url = url("photo", hub, pk=device.pk, photo_pk=photo.pk)
    anonymous = client.get(photo_url)
    assert anonymous.status_code == 302  # to the sign-in page
    helper = client_for(digihelper)
    assert helper.get(photo_url).status_code == 200  # may see devices
    assert helper.post(url("photo_delete", hub, pk=device.pk, photo_pk=photo.pk)).status_code == 403
    assert helper.get(url("photo_add", hub, pk=device.pk)).status_code == 403
    foreign = make_device(h=other_hub)
    staff_client = client_for(coordinator)
    # Another device's id with this photo: 404, and another hub's device: 404.
    assert staff_client.get(url("photo", hub, pk=foreign.pk, photo_pk=photo.pk)).status_code == 404
    other = make_device()
    assert staff_client.get(url("photo", hub, pk=other.pk, photo_pk=photo.pk)).status_code == 404
    assert staff_client.get(url("photo", hub, pk=device.pk, photo_pk=2**64)).status_code == 404
    for _ in range(4):
        services.photo_add(actor=coordinator, device=device, upload=upload(image_bytes()))
    with django_assert_max_num_queries(14):
        assert staff_client.get(url("detail", hub, pk=device.pk)).status_code == 200
