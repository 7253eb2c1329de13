"""Dutch and French are complete: every text a user can see has a translation."""

import re
from pathlib import Path

import pytest
from django.conf import settings

# A keyword line ('msgid "…"', 'msgstr[1] "…"') and the quoted lines that continue it.
FIELD = re.compile(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"((?:\n".*")*)', re.M)


def untranslated(po_file: Path) -> list[str]:
    """Entries of a .po file without a translation, or marked fuzzy (header excluded)."""
    missing = []
    for block in po_file.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, list[str]] = {}
        for keyword, first, rest in FIELD.findall(block):
            text = first + "".join(re.findall(r'^"(.*)"$', rest, re.M))
            fields.setdefault(keyword.split("[")[0], []).append(text)
        msgid = "".join(fields.get("msgid", []))
        if not msgid:
            continue  # the header, or a comment-only block
        if "#, fuzzy" in block or not all(fields.get("msgstr", [""])):
            missing.append(msgid)
    return missing


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_catalogue_is_complete(language):
    po_file = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
    assert untranslated(po_file) == []


def test_the_check_notices_a_missing_translation(tmp_path):
    po_file = tmp_path / "django.po"
    po_file.write_text(
        'msgid ""\nmsgstr "Language: nl\\n"\n\n'
        'msgid "Sign in"\nmsgstr ""\n\n'
        'msgid "Sign out"\nmsgstr "Afmelden"\n\n'
        'msgid ""\n"A long text"\nmsgstr ""\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "een"\nmsgstr[1] ""\n\n'
        '#, fuzzy\nmsgid "Guess"\nmsgstr "Gok"\n'
    )
    assert untranslated(po_file) == ["Sign in", "A long text", "one", "Guess"]
