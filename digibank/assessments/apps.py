from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "digibank.assessments"
    verbose_name = _("Digital skills self-assessment")

    def ready(self) -> None:
        from digibank.core.journal import register_actions
        from digibank.network.registry import (
            NavItem,
            register_hub_figures,
            register_hub_nav,
        )
        from digibank.people.registry import (
            register_contact_source,
            register_merge_handler,
            register_participant_section,
        )
        from digibank.people.timeline import register_timeline_provider

        from . import queries, sections, services
        from .models import Assessment

        register_actions(
            {
                "assessments.record": _("Digital skills self-assessment saved"),
                "assessments.view": _("Digital skills self-assessments viewed"),
                "assessments.move": _("Self-assessments moved from a merged record"),
                "assessments.statement_add": _("Self-assessment statement added"),
                "assessments.statement_change": _("Self-assessment statement changed"),
                "assessments.statement_revise": _("Self-assessment statement rewritten"),
            }
        )
        register_hub_nav(
            NavItem(
                _("Skills"),
                "assessments:overview",
                permission="assessments.take",
                order=35,
                sections=("assessments",),
            )
        )
        register_hub_figures(queries.hub_figures)
        register_timeline_provider(queries.assessments_timeline, permission="assessments.take")
        register_merge_handler(services.move_assessments)
        register_contact_source(Assessment, when="taken_at")
        register_participant_section(
            sections.participant_section, order=50, permission="assessments.take"
        )
