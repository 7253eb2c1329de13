from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "digibank.appointments"
    verbose_name = _("Appointments")

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
        )
        from digibank.people.timeline import register_timeline_provider

        from . import panels, services, tasks
        from .models import Appointment, QueueTicket

        register_actions(
            {
                "shift.create": _("Shift added"),
                "shift.remove": _("Shift removed"),
                "slots.settings": _("Appointment settings changed"),
                "appointment.book": _("Appointment booked"),
                "appointment.cancel": _("Appointment cancelled"),
                "appointment.reschedule": _("Appointment moved"),
                "appointment.done": _("Came to the appointment"),
                "appointment.no_show": _("Did not come to the appointment"),
                "ticket.take": _("Queue ticket taken"),
                "ticket.call": _("Queue ticket called"),
                "ticket.done": _("Walk-in helped"),
                "ticket.left": _("Walk-in left"),
                "queue_display.create": _("Waiting-room screen link made"),
                "queue_display.renew": _("Waiting-room screen link replaced"),
                "queue_display.revoke": _("Waiting-room screen link revoked"),
            }
        )
        register_hub_nav(
            NavItem(
                _("Appointments"),
                "appointments:index",
                permission="appointments.book",
                order=30,
                sections=("appointments",),
            )
        )
        register_hub_nav(
            NavItem(
                _("My shifts"),
                "appointments:my_shifts",
                permission="hub.view",
                order=45,
                sections=("appointments:my_shifts",),
            )
        )
        register_dashboard_panel(panels.dashboard_panel, order=30)
        register_hub_figures(panels.hub_figures)
        register_timeline_provider(panels.appointments_timeline, permission="appointments.book")
        register_merge_handler(services.move_to_survivor)
        register_anonymise_fields(Appointment, erase=["about", "what_to_bring"])
        register_anonymise_fields(
            QueueTicket, erase=["name"], keep={"desk": "the help point's desk, e.g. 'Desk 2'"}
        )
        register_contact_source(Appointment, when="starts_at")
        register_contact_source(QueueTicket, when="created_at")
        register_daily(tasks.send_appointment_reminders)
        register_daily(tasks.forget_ticket_names)
