from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "digibank.accounts"

    def ready(self) -> None:
        from digibank.core.journal import register_actions
        from digibank.core.schedule import register_daily

        from . import tasks

        register_daily(tasks.forget_old_rate_counters)

        register_actions(
            {
                "account.two_factor_enabled": _("Two-factor sign-in set up"),
                "account.two_factor_disabled": _("Two-factor sign-in switched off"),
                "account.activated": _("Account activated"),
                "member.accept": _("Invitation to the team accepted"),
            }
        )
