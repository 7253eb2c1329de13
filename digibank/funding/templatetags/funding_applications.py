"""Template helpers of the application pages: {% load funding_applications %}."""

from __future__ import annotations

from typing import Any

from django import template

from digibank.funding.models import Goal

register = template.Library()


@register.filter
def goal_labels(goals: Any) -> list[str]:
    """Goal codes as their labels, in the order of the goals."""
    chosen = set(goals or [])
    return [str(label) for value, label in Goal.choices if value in chosen]
