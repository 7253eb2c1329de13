from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "digibank.lending"
    verbose_name = _("Lending")

    def ready(self) -> None:
        from digibank.core.journal import register_actions
        from digibank.core.schedule import register_daily
        from digibank.network.registry import (
            NavItem,
            register_dashboard_panel,
            register_hub_figures,
            register_hub_nav,
        )
        from digibank.people.registry import register_merge_handler, register_participant_section
        from digibank.people.timeline import register_timeline_provider

        from . import merge, panels, tasks

        register_actions(
            {
                "lending.policy_update": _("Lending policy changed"),
                "lending.evidence_seen": _("Evidence seen"),
                "lending.request": _("Device requested"),
                "lending.request_approve": _("Device request approved"),
                "lending.request_urgency": _("Urgency points set"),
                "lending.request_skip": _("Skipped on the waiting list"),
                "lending.offer": _("Device offered"),
                "lending.offer_accepted": _("Offer accepted"),
                "lending.offer_declined": _("Offer declined"),
                "lending.offer_expired": _("Offer expired"),
                "lending.checkout": _("Device lent"),
                "lending.signed": _("Agreement signed"),
                "lending.renew": _("Loan renewed"),
                "lending.return": _("Device returned"),
            }
        )
        register_hub_nav(
            NavItem(
                _("Lending"),
                "lending:list",
                permission="lending.lend",
                order=24,
                sections=("lending",),
            )
        )
        register_dashboard_panel(panels.dashboard_panel, order=24)
        register_hub_figures(panels.hub_figures)
        register_timeline_provider(panels.loans_timeline)
        register_participant_section(panels.participant_section, order=24)
        register_merge_handler(merge.move_lending_rows)
        register_daily(tasks.send_loan_reminders)
        register_daily(tasks.send_overdue_summaries)
        register_daily(tasks.expire_offers)
