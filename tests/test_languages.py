"""Texts that used to stay in one language whatever the reader's (issue 12)."""

from __future__ import annotations

from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils import translation

from digibank.people.forms import ParticipantCreateForm


def test_the_consent_help_text_follows_the_language() -> None:
    field = ParticipantCreateForm.base_fields["consent"]
    texts = {}
    for language in ("nl", "fr", "en"):
        with translation.override(language):
            texts[language] = str(field.help_text)
    assert texts["en"].startswith("Tell the person what we keep")
    assert texts["nl"].startswith("Vertel de persoon")
    assert texts["fr"].startswith("Expliquez à la personne")
    assert all("2025" in text or "version" in text for text in texts.values())


def test_password_texts_say_je_in_dutch() -> None:
    with translation.override("nl"):
        texts = password_validators_help_texts()
    assert texts
    assert all(text.startswith("Je wachtwoord") for text in texts), texts
    assert not any(" uw " in f" {text.lower()} " for text in texts)


def test_due_on_reads_differently_for_loans_and_reports() -> None:
    with translation.override("nl"):
        loan = translation.pgettext("loan", "Due on")
        report = translation.pgettext("report", "Due on")
    assert loan == "Terug te brengen op"
    assert report == "In te dienen op"
