"""The account a grant is paid to: the hub's coordinator enters it, a programme officer
confirms it. A changed account loses its confirmation, and no payment is approved until
an officer confirmed the account again (services.grants.instalment_approve), so a
hijacked coordinator account cannot redirect money on its own.

An officer who enters the account themselves confirms it by doing so
(services.grants.grant_bank_account_set)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digibank.core.journal import journal_write

from ..models import Grant
from .grants import _locked, iban_is_valid, normalise_iban

ACTIONS: dict[str, str | Promise] = {
    "funding.grant_bank_account_enter": gettext_lazy("Bank account entered by the hub"),
    "funding.grant_bank_account_confirm": gettext_lazy("Bank account confirmed"),
}


def is_confirmed(grant: Grant) -> bool:
    return bool(grant.iban) and grant.iban_confirmed_at is not None


@transaction.atomic
def bank_account_enter(*, actor: Any, grant: Grant, iban: str, account_holder: str) -> Grant:
    """The hub's coordinator enters (or changes) the account. A change waits for an
    officer's confirmation; entering the same account again keeps the confirmation."""
    holder = (account_holder or "").strip()
    errors: dict[str, Any] = {}
    try:
        compact = normalise_iban(iban)
    except ValidationError as error:
        errors.update(error.message_dict)
        compact = ""
    if not holder:
        errors["account_holder"] = [_("Enter the name the account is in.")]
    if errors:
        raise ValidationError(errors)
    locked = _locked(grant)
    changed = locked.iban != compact or locked.account_holder != holder
    if changed:
        locked.iban, locked.account_holder = compact, holder
        locked.iban_confirmed_at, locked.iban_confirmed_by = None, None
        locked.save(
            update_fields=[
                "iban",
                "account_holder",
                "iban_confirmed_at",
                "iban_confirmed_by",
                "updated_at",
            ]
        )
    journal_write(
        actor=actor,
        action="funding.grant_bank_account_enter",
        subject=locked,
        hub_id=locked.hub_id,
        # The end of the number only: enough to tell accounts apart.
        details={"iban_end": compact[-4:], "changed": changed},
    )
    return locked


@transaction.atomic
def bank_account_confirm(*, actor: Any, grant: Grant) -> Grant:
    """An officer confirms the account now on the grant."""
    locked = _locked(grant)
    if not iban_is_valid(locked.iban):
        raise ValidationError(_("There is no valid account to confirm yet."))
    if locked.iban_confirmed_at is not None:
        return locked
    locked.iban_confirmed_at, locked.iban_confirmed_by = timezone.now(), actor
    locked.save(update_fields=["iban_confirmed_at", "iban_confirmed_by", "updated_at"])
    journal_write(
        actor=actor,
        action="funding.grant_bank_account_confirm",
        subject=locked,
        hub_id=locked.hub_id,
        details={"iban_end": locked.iban[-4:]},
    )
    return locked
