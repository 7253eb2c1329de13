from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "digibank.network"

    def ready(self) -> None:
        from digibank.core.journal import register_actions

        register_actions(
            {
                "location.create": _("Help point added"),
                "location.update": _("Help point changed"),
                "location.hours": _("Opening hours changed"),
                "location.exception_add": _("Exception to the opening hours added"),
                "location.exception_remove": _("Exception to the opening hours removed"),
                "location.deactivate": _("Help point closed"),
                "location.reactivate": _("Help point opened again"),
                "organisation.create": _("Organisation added"),
                "partner.add": _("Partner added"),
                "partner.update": _("Partner changed"),
                "partner.remove": _("Partner removed"),
                "member.invite": _("Team member added"),
                "member.role": _("Role of a team member changed"),
                "member.deactivate": _("Team member switched off"),
                "member.reactivate": _("Team member switched on again"),
                "hub.settings": _("Hub settings changed"),
            }
        )
