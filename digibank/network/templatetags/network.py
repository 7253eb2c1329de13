"""Template helpers of the network pages: {% load network %}."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from digibank.core.journal import action_label
from digibank.network.registry import DashboardPanel, hub_nav
from digibank.network.validators import format_enterprise_number

register = template.Library()


@register.inclusion_tag("components/hub_nav.html", takes_context=True)
def hub_navigation(context: template.Context) -> dict[str, Any]:
    """The hub's navigation bar: every section registered by an app that the member's
    role may see, the current one marked."""
    request = context["request"]
    match = request.resolver_match
    here = {match.app_name, f"{match.app_name}:{match.url_name}"} if match else set()
    items = [
        {
            "label": item.label,
            "url": reverse(item.url_name, kwargs={"hub": request.hub.slug}),
            "current": bool(here & set(item.sections or (item.url_name,))),
        }
        for item in hub_nav(request.membership.permissions)
    ]
    return {"items": items}


@register.simple_tag(takes_context=True)
def render_panel(context: template.Context, panel: DashboardPanel) -> SafeString:
    """Render a dashboard panel registered by another app: its template sees the page's
    context plus the panel's own context (and `panel` itself)."""
    assert context.template is not None
    panel_template = context.template.engine.get_template(panel.template)
    with context.push(**panel.context, panel=panel):
        return panel_template.render(context)


@register.filter
def euros(cents: Any) -> str:
    """Money in cents as euros in the page's language: 5000000000 -> '€ 50.000.000'."""
    if cents in (None, ""):
        return ""
    amount = Decimal(int(cents)) / 100
    decimals = 0 if int(cents) % 100 == 0 else 2
    formatted = number_format(amount, decimal_pos=decimals, force_grouping=True)
    return _("€ %(amount)s") % {"amount": formatted}


@register.filter(name="action_label")
def action_label_filter(action: str) -> Any:
    """The translated label of a journal action code."""
    return action_label(action)


@register.filter
def enterprise_number(value: str) -> str:
    """'0123456749' -> '0123.456.749', as it is usually written."""
    return format_enterprise_number(value)
