from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "digibank.accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks

        from digibank.core.journal import register_actions
        from digibank.core.schedule import register_daily

        from . import tasks

        register_daily(tasks.forget_old_rate_counters)

        from . import checks as account_checks
        from .middleware import on_sign_in

        register_actions(
            {
                "account.two_factor_enabled": _("Two-factor sign-in set up"),
                "account.two_factor_disabled": _("Two-factor sign-in switched off"),
                "account.two_factor_reset": _("Two-factor sign-in reset"),
                "account.recovery_codes_renewed": _("New recovery codes made"),
                "account.recovery_code_used": _("Signed in with a recovery code"),
                "account.activated": _("Account activated"),
                "member.accept": _("Invitation to the team accepted"),
            }
        )
        user_logged_in.connect(on_sign_in, dispatch_uid="accounts.idle_timeout_stamp")
        checks.register(account_checks.demo_mode_in_production, checks.Tags.security, deploy=True)
        checks.register(account_checks.two_factor_enforced, checks.Tags.security, deploy=True)
