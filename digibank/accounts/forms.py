from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": _(
            "The e-mail address or password is not right. Check both and try again."
        ),
        "inactive": _("This account is switched off. Ask your coordinator."),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class TokenForm(forms.Form):
    """The second factor: the code of the authenticator app or, once set up, one of the
    recovery codes instead (`allow_recovery`). `verified_device` is the device that
    accepted it."""

    token = forms.CharField(
        label=_("Six-digit code"),
        help_text=_("The code your authenticator app shows now."),
        min_length=6,
        max_length=24,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}
        ),
    )

    def __init__(
        self, *args: Any, device: Any, user: Any = None, allow_recovery: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.device = device
        self.user = user
        self.allow_recovery = allow_recovery
        self.verified_device: Any = None
        token = self.fields["token"]
        if allow_recovery:
            token.label = _("Code")
            token.help_text = _(
                "The six-digit code your authenticator app shows now. "
                "No phone at hand? Type one of your recovery codes."
            )
        else:
            token.widget.attrs.update(inputmode="numeric", pattern="[0-9]*", maxlength="6")

    def clean_token(self) -> str:
        token = "".join(str(self.cleaned_data["token"]).split())
        if token.isdigit() and len(token) == 6:
            self._verify_app_code(token)
        elif self.allow_recovery:
            self._verify_recovery_code(token)
        else:
            raise forms.ValidationError(
                _("This code is not right or has expired. Type the code your app shows now.")
            )
        return token

    def _verify_app_code(self, token: str) -> None:
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                _("You typed a wrong code just before. Wait a few seconds, then try again.")
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError(
                _("This code is not right or has expired. Type the code your app shows now.")
            )
        self.verified_device = self.device

    def _verify_recovery_code(self, token: str) -> None:
        try:
            device = services.two_factor_recovery_code_use(actor=self.user, code=token)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        if device is None:
            raise forms.ValidationError(
                _(
                    "This recovery code is not right, or it was used before. "
                    "Each recovery code works once."
                )
            )
        self.verified_device = device


class ActivationResendForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()
