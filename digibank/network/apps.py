from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "digibank.network"

    def ready(self) -> None:
        from digibank.core.journal import register_actions
        from digibank.core.messaging import register_message_hours

        from .queries import hub_message_hours
        from .registry import NavItem, register_hub_nav

        register_message_hours(hub_message_hours)

        for item in (
            NavItem(_("Today"), "network:dashboard", order=0, sections=("network:dashboard",)),
            NavItem(
                _("Help points"),
                "network:locations",
                order=50,
                sections=tuple(
                    f"network:{name}"
                    for name in (
                        "locations",
                        "location",
                        "location_create",
                        "location_edit",
                        "location_hours",
                        "location_exception_add",
                        "location_exception_remove",
                        "location_deactivate",
                        "location_reactivate",
                    )
                ),
            ),
            NavItem(
                _("Partners"),
                "network:partners",
                order=60,
                sections=(
                    "network:partners",
                    "network:partner_add",
                    "network:partner_edit",
                    "network:partner_remove",
                ),
            ),
            NavItem(
                _("Team"),
                "network:members",
                permission="members.manage",
                order=70,
                sections=(
                    "network:members",
                    "network:member_invite",
                    "network:member_edit",
                    "network:member_deactivate",
                    "network:member_reactivate",
                ),
            ),
            NavItem(
                _("Settings"),
                "network:settings",
                permission="hub.manage",
                order=80,
                sections=("network:settings",),
            ),
            NavItem(
                _("Journal"),
                "network:journal",
                permission="journal.view",
                order=90,
                sections=("network:journal",),
            ),
        ):
            register_hub_nav(item)

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
                "member.invite": _("Invited to the team"),
                "member.add_requested": _("Added to the team at their own request"),
                "member.invite_again": _("Invitation to the team sent again"),
                "member.invite_cancel": _("Invitation to the team withdrawn"),
                "member.role": _("Role of a team member changed"),
                "member.deactivate": _("Team member switched off"),
                "member.reactivate": _("Team member switched on again"),
                "hub.settings": _("Hub settings changed"),
                "hub.create": _("Hub created"),
            }
        )
