from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "digibank.helpdesk"
    verbose_name = _("Help desk")

    def ready(self) -> None:
        from digibank.core.journal import register_actions
        from digibank.core.schedule import register_daily
        from digibank.network.registry import (
            NavItem,
            register_dashboard_panel,
            register_hub_figures,
            register_hub_nav,
        )
        from digibank.people.registry import (
            register_anonymise_fields,
            register_contact_source,
            register_merge_handler,
            register_reach_source,
            register_reach_uncounted,
            register_report_figures,
        )
        from digibank.people.timeline import register_timeline_provider

        from . import panels, queries, services, tasks
        from .models import HelpQuestion, Mandate

        register_actions(
            {
                "help.log": _("Help logged"),
                "help.tally": _("Help counted (quick tally)"),
                "help.update": _("Help completed"),
                "help.leave_anonymous": _("Help left anonymous"),
                "help.withdraw": _("Help withdrawn"),
                "help.link_person": _("Anonymous help linked to a person"),
                "help.follow_up_done": _("Follow-up done"),
                "helpdesk.settings": _("Help desk settings changed"),
                "helper.profile": _("Digihelper profile changed"),
                "helper.inactive_warning": _("Inactive digihelper warned"),
                "helper.deactivate_inactive": _("Inactive digihelper switched off"),
                "mandate.create": _("Mandate recorded"),
                "mandate.update": _("Mandate changed"),
                "mandate.remove": _("Mandate removed"),
                "mandate.remind": _("Mandate reminder sent"),
            }
        )
        register_hub_nav(
            NavItem(
                _("Help desk"),
                "helpdesk:log",
                permission="helpdesk.log",
                order=20,
                sections=("helpdesk",),
            )
        )
        register_dashboard_panel(panels.dashboard_panel, order=20)
        register_hub_figures(panels.hub_figures)
        register_timeline_provider(queries.help_timeline, permission="helpdesk.log")
        register_merge_handler(services.move_help_on_merge)
        register_reach_source(queries.reached_participant_ids)
        register_reach_uncounted(queries.anonymous_help_count)
        register_report_figures(queries.report_figures)
        # The free text about the person goes (notes, where they were referred, the
        # names of their trusted persons); the counts stay.
        register_anonymise_fields(
            HelpQuestion,
            erase=["note", "referred_to", "follow_up_outcome", "withdraw_reason"],
            keep={"postcode": "only for anonymous visitors: empty (a constraint) with a person"},
        )
        register_anonymise_fields(Mandate, erase=["holder_name", "note"])
        register_contact_source(HelpQuestion, when="occurred_at")
        register_contact_source(Mandate, when="created_at")
        register_daily(tasks.deactivate_inactive_volunteers)
        register_daily(tasks.remind_ending_mandates)
