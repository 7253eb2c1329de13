from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "digibank.devices"
    verbose_name = _("Devices")

    def ready(self) -> None:
        from digibank.core.journal import register_actions
        from digibank.network.registry import (
            NavItem,
            register_dashboard_panel,
            register_hub_figures,
            register_hub_nav,
        )

        from . import panels

        register_actions(
            {
                "device.register": _("Device registered"),
                "device.update": _("Device details changed"),
                "device.transition": _("Device status changed"),
                "device.wipe": _("Data wipe recorded"),
                "device.repair": _("Repair recorded"),
                "device.stock_take": _("Stock-take done"),
                "device.import": _("Devices imported"),
                "device.photo_add": _("Photo added"),
                "device.photo_delete": _("Photo deleted"),
            }
        )
        register_hub_nav(
            NavItem(
                _("Devices"),
                "devices:list",
                permission="devices.view",
                order=22,
                sections=("devices",),
            )
        )
        register_dashboard_panel(panels.dashboard_panel, order=22)
        register_hub_figures(panels.hub_figures)
