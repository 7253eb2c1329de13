from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "digibank.funding"
    verbose_name = _("Funding")

    def ready(self) -> None:
        _register_calls()
        _register_applications()
        _register_reviews()
        _register_grants()
        _register_reports()
        _register_grant_cycle()


def _register_grant_cycle() -> None:
    """Amendments, the bank account's confirmation and the result-based balance."""
    from digibank.core.journal import register_actions

    from .services import amendments, banking, payments

    register_actions(amendments.ACTIONS)
    register_actions(banking.ACTIONS)
    register_actions(payments.ACTIONS)


def _register_grants() -> None:
    from digibank.core.journal import register_actions
    from digibank.network.registry import NavItem, register_hub_nav, register_programme_section

    from .services import grants as grant_services
    from .views import grants as grant_views

    register_actions(grant_services.ACTIONS)
    register_hub_nav(
        NavItem(
            _("Grant"),
            "funding_grants:hub_grant",
            permission="funding.report",
            order=80,
            sections=("funding_grants",),
        )
    )
    register_programme_section(grant_views.programme_section, order=40)


def _register_reviews() -> None:
    from digibank.core.journal import register_actions
    from digibank.network.registry import register_home_section, register_programme_section

    from .services import reviews as review_services
    from .views import reviews as review_views

    register_actions(review_services.ACTIONS)
    register_home_section(review_views.home_section, order=30)
    register_programme_section(review_views.programme_section, order=30)


def _register_calls() -> None:
    from digibank.core.journal import register_actions
    from digibank.network.registry import register_programme_section

    from .services import calls as call_services
    from .views import calls as call_views

    register_actions(call_services.ACTIONS)
    register_programme_section(call_views.programme_section, order=10)


def _register_applications() -> None:
    from digibank.core.journal import register_actions
    from digibank.network.registry import register_home_section, register_programme_section

    from .services import applications as application_services
    from .views import applications as application_views

    register_actions(application_services.ACTIONS)
    register_home_section(application_views.home_section, order=20)
    register_programme_section(application_views.programme_section, order=20)


def _register_reports() -> None:
    from digibank.core.journal import register_actions
    from digibank.core.schedule import register_daily
    from digibank.network.registry import register_programme_section

    from . import tasks
    from .services import reports as report_services
    from .views import reports as report_views

    register_actions(report_services.ACTIONS)
    from .services import report_content

    register_actions(report_content.ACTIONS)
    register_daily(tasks.remind_reports_due)
    register_daily(tasks.count_grants_reach)
    register_programme_section(report_views.programme_section, order=50)
