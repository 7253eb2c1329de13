"""The credential guard's specification: a shared table of phrases in Dutch, French and
English, written the way helpers write notes. Every phrase to refuse holds a PIN,
password, code, card number or national register number; every phrase to accept is an
ordinary note that must go through (postcodes, dates, phone numbers, amounts, IBANs)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from digibank.core.credentials import (
    contains_card_number,
    credential_problem,
    luhn_valid,
    refuse_credentials,
    validate_no_credentials,
)

REFUSED = [
    # Dutch
    "de pin is: 1234",
    "pin van eID is 1 2 3 4",
    "ww: Kat123!",
    "PIN: 1234",
    "pin 1234",
    "pincode 0000 gegeven",
    "pincode bankkaart = 1 2 3 4",
    "zijn pin is 4 8 2 1",
    "puk 12345678",
    "pukcode is 12345678",
    "sms-code: 482913",
    "activatiecode 123-456",
    "code van de bankkaart: 4821",
    "geheime code 9876",
    "wachtwoord: Zomer",
    "wachtwoord is Zomer2024",
    "paswoord = kat",
    "paswoord Zon2024!",
    "het wachtwoord van itsme is Lente#22",
    "mijn wachtwoord: appel",
    "login jan.peeters / ww Zomer2024",
    "rijksregisternummer 85073003328",
    "85.07.30-033.28",
    "RRN 850730 033 28 gecontroleerd",
    "kaart 5500-0000-0000-0004",
    # French
    "mot de passe : soleil",
    "mot de passe est soleil75",
    "mon mot de passe c'est Bruxelles2024",
    "mdp: azerty",
    "code pin : 1234",
    "le code PIN de la carte est 4 3 2 1",
    "code secret 9876",
    "code d'activation : 4821",
    "numéro de carte 4111 1111 1111 1111",
    "numéro national 85.07.30-033.28",
    # English
    "password: hunter2",
    "password Kat123!",
    "her PIN is 1234",
    "pin for the eID is 1 2 3 4",
    "the password is Summer2024",
    "pwd: qwerty",
    "passcode 4711",
    "verification code 123456",
    "card 4111111111111111",
]
ACCEPTED = [
    "",
    # Dutch
    "postcode 9000",
    "login met itsme gelukt",
    "bus 12, 2de verdieping",
    "itsme opnieuw geactiveerd, samen gedaan",
    "wachtwoord vergeten, nieuw ingesteld met de persoon",
    "wachtwoord is veranderd",
    "PIN vergeten, nieuwe aangevraagd via de bank",
    "nieuwe pincode aangevraagd, komt binnen 5 werkdagen",
    "pin aangevraagd op 12 03 2026",
    "3 keer pin verkeerd ingegeven, kaart geblokkeerd",
    "pin-terminal werkt niet",
    "QR-code gescand",
    "belde naar 0470 12 34 56",
    "gsm 0470/12.34.56",
    "rekening BE68 5390 0754 7034",
    "IBAN BE71 0961 2345 6769",
    "2 uur geholpen, 15 minuten",
    "Tax-on-web aangifte 2025 ingediend",
    "afspraak op 12/03/2026 om 14:30",
    "bedrag € 1.234,56 betaald",
    "huisnummer 123, bus 4",
    "Kaartlezer gekocht voor 25 euro",
    # French
    "mot de passe oublié, réinitialisé ensemble",
    "mot de passe changé le 12/03",
    "code postal 1000 Bruxelles",
    "rendez-vous le 12.03.2026 à 10h",
    "montant 1 250,00 EUR",
    "code de la porte changé",
    # English
    "Helped with itsme PIN reset",
    "password reset done",
    "the password is strong now",
    "password manager installed (Bitwarden)",
    "tel. +32 9 223 45 67",
    "Appointment at 10:30, room 2",
    "Bring your eID and the letter of 12.05.2026",
    "he forgot his PIN; the bank sends a new one in 5 days",
]


def test_the_table_is_large_enough() -> None:
    assert len(REFUSED) + len(ACCEPTED) >= 60


@pytest.mark.parametrize("text", REFUSED)
def test_refused(text: str) -> None:
    assert credential_problem(text), text
    with pytest.raises(ValidationError):
        validate_no_credentials(text)


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted(text: str) -> None:
    assert credential_problem(text) is None, text
    validate_no_credentials(text)


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert not contains_card_number("4111 1111 1111 1112")


def test_messages_are_specific() -> None:
    assert "national register" in (credential_problem("85.07.30-033.28") or "")
    assert "card" in (credential_problem("4111111111111111") or "")
    assert "PIN" in (credential_problem("pin 1234") or "")


def test_services_get_one_message_per_field() -> None:
    with pytest.raises(ValidationError) as raised:
        refuse_credentials(about="pin 1234", what_to_bring="your eID", note="ww: Kat123!")
    assert set(raised.value.message_dict) == {"about", "note"}
