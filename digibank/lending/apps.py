from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "digibank.lending"
    verbose_name = _("Lending")

    def ready(self) -> None:
        from digibank.core.journal import register_actions
        from digibank.core.schedule import register_daily
        from digibank.devices.lifecycle import register_ready_hook, register_status_seam
        from digibank.devices.registry import register_device_section
        from digibank.network.registry import (
            NavItem,
            register_dashboard_panel,
            register_hub_figures,
            register_hub_nav,
        )
        from digibank.people.registry import (
            register_anonymise_blocker,
            register_anonymise_handler,
            register_merge_handler,
            register_participant_section,
            register_reach_source,
            register_report_figures,
        )
        from digibank.people.timeline import register_timeline_provider

        from . import desk, merge, panels, paperwork, privacy, queries, state, tasks

        register_actions(
            {
                "lending.policy_update": _("Lending policy changed"),
                "lending.evidence_seen": _("Evidence seen"),
                "lending.request": _("Device requested"),
                "lending.request_approve": _("Device request approved"),
                "lending.request_urgency": _("Urgency points set"),
                # Older lines: "skip" used to mean taking a request off the list.
                "lending.request_skip": _("Removed from the waiting list"),
                "lending.request_remove": _("Removed from the waiting list"),
                "lending.request_withdraw": _("Request withdrawn by the person"),
                "lending.offer_passed": _("Passed over for a device"),
                "lending.offer": _("Device offered"),
                "lending.offer_accepted": _("Offer accepted"),
                "lending.offer_declined": _("Offer declined"),
                "lending.offer_expired": _("Offer expired"),
                "lending.offer_withdrawn": _("Offer withdrawn: the device is not available"),
                "lending.loan_lost": _("Loan closed: device lost, stolen or not returned"),
                "lending.checkout": _("Device lent"),
                "lending.signed": _("Agreement signed"),
                "lending.signed_on_screen": _("Agreement signed on screen"),
                "lending.renew": _("Loan renewed"),
                "lending.return": _("Device returned"),
                "lending.deposit_collected": _("Deposit received"),
                "lending.deposit_refunded": _("Deposit settled"),
                "lending.reserve": _("Devices reserved for an organisation"),
                "lending.reservation_cancel": _("Reservation cancelled"),
                "lending.cap_set": _("Yearly limit set"),
                "lending.organisation_checkout": _("Devices handed over to an organisation"),
                "lending.organisation_signed": _("Organisation's agreement signed"),
                "lending.organisation_return": _("Devices back from an organisation"),
                "lending.class_assign": _("Devices assigned to a class"),
                "lending.class_return": _("Devices of a class returned"),
                "lending.agreement_kept": _("Signed agreement kept"),
                "lending.agreement_scan": _("Scan of the signed agreement kept"),
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
        register_device_section(desk.device_section, order=20)
        register_hub_figures(panels.hub_figures)
        register_timeline_provider(panels.loans_timeline, permission="lending.lend")
        register_participant_section(
            panels.participant_section, order=24, permission="lending.lend"
        )
        register_merge_handler(merge.move_lending_rows)
        privacy.register_personal_data()
        register_anonymise_blocker(queries.open_loan_blocks_anonymising)
        register_anonymise_handler(paperwork.redact_kept_agreements)
        register_reach_source(queries.reached_participant_ids)
        register_report_figures(queries.report_figures)
        register_daily(tasks.send_loan_reminders)
        register_daily(tasks.send_overdue_summaries)
        register_daily(tasks.expire_offers)
        # The device page asks lending before it moves a device lending holds.
        register_status_seam(state.device_page_seam)
        register_ready_hook(state.device_became_ready)
