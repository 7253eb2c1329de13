from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "digibank.learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from digibank.core.journal import register_actions
        from digibank.core.schedule import register_daily, register_hourly
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
            register_report_figures,
        )
        from digibank.people.timeline import register_timeline_provider

        from . import panels, queries, services, tasks
        from .models import Attendance, Certificate, Enrolment

        register_actions(
            {
                "learning.course_create": _("Course created"),
                "learning.course_update": _("Course changed"),
                "learning.course_copy": _("Course copied from a template"),
                "learning.session_create": _("Session planned"),
                "learning.session_update": _("Session changed"),
                "learning.session_cancel": _("Session cancelled"),
                "learning.session_done": _("Session finished"),
                "learning.meeting_add": _("Meeting added"),
                "learning.meeting_update": _("Meeting changed or moved"),
                "learning.meeting_cancel": _("Meeting cancelled"),
                "learning.course_retire": _("Course taken out of the catalogue"),
                "learning.course_restore": _("Course put back in the catalogue"),
                "learning.certificate_email": _("Certificate sent by e-mail"),
                "learning.enrol": _("Enrolled in a session"),
                "learning.waitlist": _("Put on a waiting list"),
                "learning.enrolment_cancel": _("Enrolment cancelled"),
                "learning.offer": _("Freed seat offered"),
                "learning.offer_accept": _("Offered seat accepted"),
                "learning.offer_expire": _("Seat offer expired"),
                "learning.attendance": _("Attendance recorded"),
                "learning.certificate": _("Certificate issued"),
                "learning.enrolments_merge": _("Enrolments moved from a merged record"),
            }
        )
        register_hub_nav(
            NavItem(
                _("Courses"),
                "learning:sessions",
                permission="learning.view",
                order=33,
                sections=("learning",),
            )
        )
        register_dashboard_panel(panels.dashboard_panel, order=33)
        register_hub_figures(panels.hub_figures)
        register_timeline_provider(queries.learning_timeline, permission="learning.view")
        register_merge_handler(services.enrolments_merge)
        register_anonymise_fields(
            Certificate,
            via="enrolment__participant",
            keep={"language": "the certificate's language code, kept like the preferred language"},
        )
        register_contact_source(Enrolment, when="created_at")
        register_contact_source(Attendance, when="recorded_at", via="enrolment__participant")
        register_reach_source(queries.reached_participant_ids)
        register_report_figures(queries.report_figures)
        register_hourly(tasks.expire_offers)
        register_daily(tasks.send_meeting_reminders)
