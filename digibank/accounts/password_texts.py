"""Django's own password texts, listed so our catalogue keeps its translations of them.

Django's Dutch catalogue speaks formally ("Uw wachtwoord…"); the app says "je" to
everyone. The project's catalogue (LOCALE_PATHS) comes before Django's, so these
messages read as ours once translated there; makemessages keeps them because they
are marked here. Nothing imports this module: it is read by makemessages only."""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

PASSWORD_TEXTS = (
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("The two password fields didn’t match."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)
