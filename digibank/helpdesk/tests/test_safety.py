"""The refused-note rule: a national register number, a bank card number or a PIN,
password or code line is never stored, in Dutch, French or English."""

from __future__ import annotations

import pytest

from digibank.helpdesk.safety import contains_card_number, luhn_valid, note_problem

REFUSED = [
    "85.07.30-033.28",
    "rijksregisternummer 85073003328",
    "4111 1111 1111 1111",
    "kaart 5500-0000-0000-0004",
    "pin 1234",
    "PIN: 1234",
    "pincode 0000 gegeven",
    "puk 12345678",
    "code 123456",
    "sms-code: 482913",
    "code d'activation : 4821",
    "wachtwoord: Zomer",
    "wachtwoord is Zomer2024",
    "paswoord = kat",
    "mot de passe : soleil",
    "mot de passe est soleil75",
    "mdp: azerty",
    "password: hunter2",
    "password Kat123!",
]
ALLOWED = [
    "",
    "itsme opnieuw geactiveerd, samen gedaan",
    "Helped with itsme PIN reset",
    "password reset done",
    "mot de passe oublié, réinitialisé ensemble",
    "wachtwoord vergeten, nieuw ingesteld met de persoon",
    "postcode 9000",
    "belde naar 0470 12 34 56",
    "rekening BE68 5390 0754 7034",
    "2 uur geholpen, 15 minuten",
    "Tax-on-web aangifte 2025 ingediend",
]


@pytest.mark.parametrize("text", REFUSED)
def test_refused(text: str) -> None:
    assert note_problem(text), text


@pytest.mark.parametrize("text", ALLOWED)
def test_allowed(text: str) -> None:
    assert note_problem(text) is None, text


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert not contains_card_number("4111 1111 1111 1112")


def test_messages_are_specific() -> None:
    assert "national register" in (note_problem("85.07.30-033.28") or "")
    assert "card" in (note_problem("4111111111111111") or "")
    assert "PIN" in (note_problem("pin 1234") or "")
