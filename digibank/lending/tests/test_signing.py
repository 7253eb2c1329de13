"""Signing the loan agreement on screen: a drawn signature (a small PNG, checked on the
server) or the typed full name, with the staff member as witness, kept with the loan,
shown on the loan page and in the agreement PDF, and journaled."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from PIL import Image, ImageDraw

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.devices.models import Device
from digibank.lending import services
from digibank.lending.models import Loan, LoanSignature, SignatureMethod
from digibank.lending.signatures import png_from_data_url, validate_signature_png
from digibank.network.models import Hub
from digibank.people import services as people_services
from digibank.people.models import Participant

from .conftest import MakeDevice, MakeParticipant, lending_url

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def signature_png(*, size: tuple[int, int] = (600, 200), drawn: bool = True) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if drawn:
        ImageDraw.Draw(image).line([(20, 150), (200, 40), (400, 160), (580, 30)], "#111", 3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


@pytest.fixture
def loan(staff: User, hub: Hub, device: Device, participant: Participant) -> Loan:
    return services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)


# --- PNG checks ---------------------------------------------------------------------------


def test_a_drawn_signature_passes() -> None:
    validate_signature_png(signature_png())
    assert png_from_data_url(data_url(signature_png())) == signature_png()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not an image at all", "could not be read"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "could not be read"),  # PNG magic, no PNG
        (signature_png()[:120], "could not be read"),  # cut off
        (signature_png(drawn=False), "The signature is empty"),
        (signature_png(size=(5000, 200)), "unusual size"),
        (signature_png(size=(10, 10)), "unusual size"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (101 * 1024), "too large"),
    ],
)
def test_bad_pngs_are_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_signature_png(data)
    assert message in " ".join(caught.value.message_dict["signature"])


def test_a_jpeg_is_not_a_png() -> None:
    out = io.BytesIO()
    Image.new("RGB", (600, 200), "white").save(out, "JPEG")
    with pytest.raises(ValidationError, match="could not be read"):
        validate_signature_png(out.getvalue())


@pytest.mark.parametrize(
    "text",
    ["", "data:image/jpeg;base64,AAAA", "data:image/png;base64,***", "javascript:alert(1)"],
)
def test_bad_data_urls_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="could not be read"):
        png_from_data_url(text)


# --- the service --------------------------------------------------------------------------


def test_sign_with_a_drawn_signature(staff: User, loan: Loan) -> None:
    signature = services.loan_sign_on_screen(
        actor=staff, loan=loan, signer_name="  Jan   Peeters ", agreed=True, image=signature_png()
    )
    loan.refresh_from_db()
    assert signature.method == SignatureMethod.DRAWN
    assert bytes(signature.image) == signature_png()
    assert signature.signer_name == "Jan Peeters"
    assert signature.witnessed_by == staff
    assert loan.signed_at == signature.signed_at
    assert loan.signed_recorded_by == staff
    entry = JournalEntry.objects.filter(action="lending.signed_on_screen").get()
    assert entry.details == {"method": "drawn"}
    assert entry.hub_id == loan.hub_id


def test_sign_with_the_typed_name(staff: User, loan: Loan) -> None:
    signature = services.loan_sign_on_screen(
        actor=staff, loan=loan, signer_name="Jan Peeters", agreed=True
    )
    assert signature.method == SignatureMethod.TYPED
    assert bytes(signature.image) == b""


def test_signing_needs_a_name_and_agreement(staff: User, loan: Loan) -> None:
    with pytest.raises(ValidationError) as caught:
        services.loan_sign_on_screen(actor=staff, loan=loan, signer_name=" ", agreed=False)
    assert set(caught.value.message_dict) == {"signer_name", "agree"}
    with pytest.raises(ValidationError, match="empty"):
        services.loan_sign_on_screen(
            actor=staff,
            loan=loan,
            signer_name="Jan Peeters",
            agreed=True,
            image=signature_png(drawn=False),
        )
    loan.refresh_from_db()
    assert loan.signed_at is None
    assert not LoanSignature.objects.exists()


def test_an_agreement_is_signed_once(staff: User, loan: Loan) -> None:
    services.loan_sign_on_screen(actor=staff, loan=loan, signer_name="Jan Peeters", agreed=True)
    with pytest.raises(ValidationError, match="already signed"):
        services.loan_sign_on_screen(actor=staff, loan=loan, signer_name="Jan Peeters", agreed=True)
    with pytest.raises(ValidationError):  # nor on paper afterwards
        services.loan_mark_signed(actor=staff, loan=loan)
    assert LoanSignature.objects.count() == 1


def test_anonymising_erases_the_signature_but_keeps_the_fact(staff: User, loan: Loan) -> None:
    services.loan_sign_on_screen(
        actor=staff, loan=loan, signer_name="Jan Peeters", agreed=True, image=signature_png()
    )
    Loan.objects.filter(pk=loan.pk).update(returned_at=timezone.now())  # back: no blocker
    people_services.participant_anonymise(actor=staff, participant=loan.participant)
    signature = LoanSignature.objects.get()
    assert signature.signer_name == ""
    assert bytes(signature.image) == b""
    assert signature.method == SignatureMethod.DRAWN


# --- the pages ----------------------------------------------------------------------------


def test_sign_page_with_typed_name(
    client_for: ClientFor, staff: User, hub: Hub, loan: Loan
) -> None:
    client = client_for(staff)
    url = lending_url(hub, "loan_sign", pk=loan.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert b"data-signature-pad" in page.content
    assert b"signature-pad.js" in page.content
    response = client.post(url, {"signer_name": "Jan Peeters", "agree": "on", "signature": ""})
    assert response.status_code == 302
    assert response["Location"] == lending_url(hub, "loan", pk=loan.pk)
    detail = client.get(response["Location"])
    assert b'data-signed="typed"' in detail.content
    assert b"Signed on screen by Jan Peeters by typing their full name" in detail.content
    assert client.get(url).status_code == 302  # already signed: back to the loan


def test_sign_page_with_a_drawn_signature_shows_it(
    client_for: ClientFor, staff: User, hub: Hub, loan: Loan
) -> None:
    client = client_for(staff)
    response = client.post(
        lending_url(hub, "loan_sign", pk=loan.pk),
        {"signer_name": "Jan Peeters", "agree": "on", "signature": data_url(signature_png())},
    )
    assert response.status_code == 302
    detail = client.get(lending_url(hub, "loan", pk=loan.pk))
    assert b'data-signed="drawn"' in detail.content
    assert b'src="data:image/png;base64,' in detail.content
    pdf = client.get(lending_url(hub, "agreement", pk=loan.pk))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_sign_page_errors_are_shown_and_nothing_is_saved(
    client_for: ClientFor, staff: User, hub: Hub, loan: Loan
) -> None:
    client = client_for(staff)
    url = lending_url(hub, "loan_sign", pk=loan.pk)
    response = client.post(url, {"signer_name": "", "signature": ""})
    assert response.status_code == 200
    assert b"Type your full name." in response.content
    assert b"Tick the box" in response.content
    for bad in ("data:image/png;base64,AAAA", data_url(b"GIF89a" + b"\x00" * 50), "x" * 100):
        response = client.post(url, {"signer_name": "Jan Peeters", "agree": "on", "signature": bad})
        assert response.status_code == 200
        assert b"The drawn signature could not be read." in response.content
    response = client.post(
        url,
        {
            "signer_name": "Jan Peeters",
            "agree": "on",
            "signature": data_url(signature_png(drawn=False)),
        },
    )
    assert b"The signature is empty." in response.content
    loan.refresh_from_db()
    assert loan.signed_at is None
    assert not LoanSignature.objects.exists()


def test_signed_agreement_pdf_with_typed_name(
    client_for: ClientFor, staff: User, hub: Hub, loan: Loan
) -> None:
    services.loan_sign_on_screen(actor=staff, loan=loan, signer_name="Jan Peeters", agreed=True)
    pdf = client_for(staff).get(lending_url(hub, "agreement", pk=loan.pk))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_another_hubs_loan_cannot_be_signed(
    client_for: ClientFor,
    staff: User,
    other_hub: Hub,
    hub: Hub,
    make_device: MakeDevice,
    make_participant: MakeParticipant,
) -> None:
    person = make_participant(hub=other_hub)
    foreign = services.loan_checkout(
        actor=staff, hub=other_hub, device=make_device(hub=other_hub), participant=person
    )
    client = client_for(staff)
    url = lending_url(hub, "loan_sign", pk=foreign.pk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"signer_name": "X", "agree": "on"}).status_code == 404
    assert not LoanSignature.objects.exists()


def test_loan_and_sign_pages_query_counts(
    client_for: ClientFor,
    staff: User,
    hub: Hub,
    loan: Loan,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(staff)
    with django_assert_max_num_queries(20):
        assert client.get(lending_url(hub, "loan_sign", pk=loan.pk)).status_code == 200
    services.loan_sign_on_screen(
        actor=staff, loan=loan, signer_name="Jan Peeters", agreed=True, image=signature_png()
    )
    with django_assert_max_num_queries(20):
        assert client.get(lending_url(hub, "loan", pk=loan.pk)).status_code == 200
