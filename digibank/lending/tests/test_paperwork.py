"""The agreement kept as signed (rendered once, stored with its SHA-256, served as
stored, redacted on anonymisation), a scan of the paper instead, conditions per
language, and the receipt of a cash deposit. PDFs are read back with pypdf."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.utils import translation
from django.utils.formats import date_format
from PIL import Image
from pypdf import PdfReader

from digibank.accounts.models import User
from digibank.devices.models import Device
from digibank.lending import paperwork, services
from digibank.lending.models import AgreementSource, KeptAgreement, Loan
from digibank.network.models import Hub
from digibank.people import services as people_services
from digibank.people.models import Participant

from .conftest import MakeParticipant, lending_url

pytestmark = pytest.mark.django_db

DUTCH = "Zorg goed voor het toestel. Breng het op tijd terug."
FRENCH = "Prenez soin de l'appareil. Rapportez-le à temps."


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _policy(hub: Hub, actor: User, **data: Any) -> None:
    services.policy_update(
        actor=actor,
        hub=hub,
        data={"conditions": DUTCH, "conditions_by_language": {"fr": FRENCH}, **data},
    )


def _lend(staff: User, hub: Hub, device: Device, person: Participant, **kw: Any) -> Loan:
    return services.loan_checkout(actor=staff, hub=hub, device=device, participant=person, **kw)


def _stored(kept: KeptAgreement) -> bytes:
    return paperwork.kept_agreement_bytes(kept)


def test_signing_keeps_the_pdf_once_with_its_hash_and_downloads_serve_it(
    staff: User,
    coordinator: User,
    hub: Hub,
    device: Device,
    make_participant: MakeParticipant,
    client_for: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _policy(hub, coordinator)
    person = make_participant(given_name="Fatima", family_name="Elmi", preferred_language="fr")
    loan = _lend(staff, hub, device, person)
    assert not KeptAgreement.objects.filter(loan=loan).exists()
    services.loan_sign_on_screen(actor=staff, loan=loan, signer_name="Fatima Elmi", agreed=True)

    kept = KeptAgreement.objects.get(loan=loan)
    data = _stored(kept)
    assert kept.source == AgreementSource.RENDERED
    assert kept.sha256 == hashlib.sha256(data).hexdigest()
    text = pdf_text(data)
    assert "Fatima Elmi" in text
    assert FRENCH in text  # the borrower's language has conditions: they are used
    assert DUTCH not in text
    assert "français" in text.lower()  # "Langue de ce contrat : français"
    assert loan.due_on is not None
    with translation.override("fr"):
        assert date_format(loan.due_on, "DATE_FORMAT") in text  # "8 mars 2027"

    # Conditions change later; the download is still the stored file, never re-rendered.
    _policy(hub, coordinator, conditions_by_language={"fr": "Nouvelles conditions."})
    monkeypatch.setattr(paperwork, "render_pdf", lambda html: pytest.fail("re-rendered"))
    response = client_for(staff).get(lending_url(hub, "agreement", pk=loan.pk))
    assert response.status_code == 200
    assert response.content == data
    assert response["X-Content-SHA256"] == kept.sha256


def test_signed_on_paper_at_checkout_keeps_a_copy(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    loan = _lend(staff, hub, device, participant, signed_on_paper=True)
    kept = KeptAgreement.objects.get(loan=loan)
    assert "Jan Peeters" in pdf_text(_stored(kept))


def test_agreement_says_which_language_the_conditions_are_in(
    staff: User, coordinator: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"conditions": DUTCH})
    person = make_participant(preferred_language="en")
    loan = _lend(staff, hub, device, person)
    assert (loan.language, loan.conditions_language) == ("en", "nl")
    text = pdf_text(paperwork.render_agreement(loan))
    assert "Language of this agreement: English" in text
    assert "The conditions below are in Dutch" in text
    assert DUTCH in text


def test_agreement_entirely_in_the_borrowers_language_says_nothing_about_it(
    staff: User, coordinator: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    services.policy_update(
        actor=coordinator,
        hub=hub,
        data={"conditions": DUTCH, "conditions_by_language": {"en": "Look after it."}},
    )
    loan = _lend(staff, hub, device, make_participant(preferred_language="en"))
    text = pdf_text(paperwork.render_agreement(loan))
    assert "Look after it." in text
    assert "conditions below are in" not in text


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(out, format="PNG")
    return out.getvalue()


def test_a_scan_of_the_paper_becomes_the_kept_agreement(
    staff: User, hub: Hub, device: Device, participant: Participant, client_for: Any
) -> None:
    loan = _lend(staff, hub, device, participant)
    client = client_for(staff)
    url = lending_url(hub, "agreement_scan", pk=loan.pk)
    assert client.get(url).status_code == 200

    fake = io.BytesIO(b"%PDF-1.4 not really a pdf")
    fake.name = "scan.pdf"
    response = client.post(url, {"file": fake})
    assert response.status_code == 200
    assert "not a PDF or a photo" in response.content.decode()
    assert not KeptAgreement.objects.filter(loan=loan).exists()

    photo = io.BytesIO(_png())
    photo.name = "anything.txt"  # judged by content, not by name
    response = client.post(url, {"file": photo})
    assert response.status_code == 302
    kept = KeptAgreement.objects.get(loan=loan)
    assert (kept.source, kept.content_type) == (AgreementSource.SCAN, "image/png")
    assert kept.sha256 == hashlib.sha256(_png()).hexdigest()
    loan.refresh_from_db()
    assert loan.signed_at is not None
    download = client.get(lending_url(hub, "agreement", pk=loan.pk))
    assert download["Content-Type"] == "image/png"
    assert download.content == _png()


def test_a_scan_replaces_the_rendered_paper_copy(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    loan = _lend(staff, hub, device, participant, signed_on_paper=True)
    rendered = KeptAgreement.objects.get(loan=loan)
    scan = paperwork.render_agreement(loan)  # any real PDF will do as the scan
    kept = paperwork.agreement_upload_scan(actor=staff, loan=loan, data=scan)
    assert kept.pk == rendered.pk
    assert kept.source == AgreementSource.SCAN
    assert _stored(kept) == scan


def test_anonymising_redacts_the_kept_agreement_and_keeps_fact_and_hash(
    staff: User, coordinator: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    person = make_participant(given_name="Yusuf", family_name="Demir")
    loan = _lend(staff, hub, device, person)
    services.loan_sign_on_screen(actor=staff, loan=loan, signer_name="Yusuf Demir", agreed=True)
    kept = KeptAgreement.objects.get(loan=loan)
    original_hash = kept.sha256
    services.loan_return(
        actor=staff,
        loan=loan,
        powers_on=True,
        accessories_back=True,
        data_removed=True,
        outcome="ready",
    )
    people_services.participant_anonymise(actor=coordinator, participant=person)

    kept.refresh_from_db()
    assert kept.redacted_at is not None
    assert kept.sha256 == original_hash
    text = pdf_text(_stored(kept))
    assert "Demir" not in text
    assert original_hash in text.replace(" ", "")


def test_cash_deposit_receipt_names_person_amount_and_due_date(
    staff: User,
    coordinator: User,
    hub: Hub,
    device: Device,
    make_participant: MakeParticipant,
    client_for: Any,
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"deposit_cents": 2500})
    person = make_participant(given_name="Anna", family_name="Maes", preferred_language="nl")
    loan = _lend(staff, hub, device, person, deposit_method="cash", deposit_received_cents=2500)
    response = client_for(staff).get(lending_url(hub, "deposit_receipt", pk=loan.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Anna Maes" in text
    assert "25" in text
    assert loan.due_on is not None
    with translation.override("nl"):
        assert date_format(loan.due_on, "DATE_FORMAT") in text
    assert "Nederlands" in text or "Dutch" in text  # the receipt's language, named


def test_no_receipt_without_a_cash_deposit(
    staff: User, hub: Hub, device: Device, participant: Participant, client_for: Any
) -> None:
    loan = _lend(staff, hub, device, participant)
    response = client_for(staff).get(lending_url(hub, "deposit_receipt", pk=loan.pk))
    assert response.status_code == 404


def test_policy_form_names_missing_condition_languages(
    coordinator: User, hub: Hub, client_for: Any
) -> None:
    client = client_for(coordinator)
    url = lending_url(hub, "policy")
    page = client.get(url).content.decode()
    assert "The conditions are missing in: Dutch, French, English" in page
    services.policy_update(
        actor=coordinator,
        hub=hub,
        data={"conditions": DUTCH, "conditions_by_language": {"en": "Look after it."}},
    )
    page = client.get(url).content.decode()
    assert "The conditions are missing in: French." in page


def test_conditions_only_in_known_languages(coordinator: User, hub: Hub) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.policy_update(
            actor=coordinator, hub=hub, data={"conditions_by_language": {"xx": "?"}}
        )


def test_paperwork_pages_stay_within_their_queries(
    staff: User,
    coordinator: User,
    hub: Hub,
    device: Device,
    participant: Participant,
    client_for: Any,
    django_assert_max_num_queries: Any,
) -> None:
    loan = _lend(staff, hub, device, participant, signed_on_paper=True)
    client = client_for(staff)
    for name in ("loan", "agreement_scan", "agreement"):
        with django_assert_max_num_queries(24):
            assert client.get(lending_url(hub, name, pk=loan.pk)).status_code == 200
    with django_assert_max_num_queries(24):
        assert client_for(coordinator).get(lending_url(hub, "policy")).status_code == 200
