from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "digibank.people"
    verbose_name = _("People")

    def ready(self) -> None:
        from digibank.core.journal import register_actions, register_person_of
        from digibank.core.messaging import register_contact_consent
        from digibank.core.schedule import register_daily
        from digibank.network.registry import (
            NavItem,
            register_dashboard_panel,
            register_hub_figures,
            register_hub_nav,
        )

        from . import panels, queries, tasks
        from .models import Consent, Participant
        from .registry import register_anonymise_fields
        from .services import ERASED_ON_ANONYMISE
        from .timeline import register_timeline_provider

        register_actions(
            {
                "participant.create": _("Registered"),
                "participant.update": _("Details changed"),
                "participant.view": _("Record viewed"),
                "participant.search": _("People searched"),
                "participant.anonymise": _("Anonymised"),
                "participant.merge": _("Records merged"),
                "participant.merged_into": _("Merged into another record"),
                "consent.record": _("Consent recorded"),
                "consent.withdraw": _("Consent withdrawn"),
                "visitor.record": _("Anonymous visit counted"),
            }
        )
        register_hub_nav(
            NavItem(
                _("People"), "people:list", permission="people.view", order=10, sections=("people",)
            )
        )
        register_dashboard_panel(panels.dashboard_panel, order=10)
        register_hub_figures(panels.hub_figures)
        register_timeline_provider(queries.people_timeline)
        register_person_of(queries.person_of)
        register_daily(tasks.anonymise_inactive_participants)
        register_contact_consent(queries.has_contact_consent)
        register_anonymise_fields(Participant, via="pk", erase=ERASED_ON_ANONYMISE)
        register_anonymise_fields(
            Consent,
            keep={"notice_version": "the privacy notice's version, the same for everyone"},
        )
