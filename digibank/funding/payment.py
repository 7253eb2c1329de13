"""Result-based payment: the rule that turns users reached into money, named per call.

Two rules (models.PaymentRule), chosen on the call with the text they come from
(`Call.payment_rule_source`, e.g. the regulation or the call text):

- *steps* (the default): a tier's amount is earned in full once the users reached attain
  the tier's threshold: its upper bound ("up to"), or for the last, open tier its lower
  bound ("from"). With the 2025–2026 tiers: EUR 350,000 once 1,000 users are reached,
  +100,000 at 1,500, +30,000 at 1,750, +20,000 above 1,750 (from 1,751).
- *pro rata*: a bounded tier earns its amount in proportion to the users reached in it
  (rounded down to the cent); the open tier earns in full once entered (funding.reach).

Whatever the rule, a grant never earns more than its amount: the earned money is capped,
and the services refuse tiers whose total passes the grant (services.grants).

The balance of a result-based grant is computed here from the users reached frozen in
the approved final report (`Report.figures`), never from a live count: the money must
not move after the report is signed off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from digibank.network.templatetags.network import euros

from .models import Grant, PaymentRule, ReachTier, Report
from .reach import TierProgress
from .reach import tier_progress as pro_rata_progress

USERS_REACHED_KEY = "funding.users_reached"


def threshold(tier: ReachTier, rule: str) -> int:
    """The number of users at which a tier's amount is earned in full."""
    if rule == PaymentRule.STEPS and tier.to_users is not None:
        return tier.to_users
    return tier.from_users


def tier_progress(tiers: Iterable[ReachTier], reached: int, rule: str) -> list[TierProgress]:
    """Per tier: the users reached that fall in it and the money it earned."""
    if rule != PaymentRule.STEPS:
        return pro_rata_progress(tiers, reached)
    progress = []
    for tier in sorted(tiers, key=lambda tier: tier.from_users):
        upper = reached if tier.to_users is None else min(reached, tier.to_users)
        inside = max(upper - tier.from_users + 1, 0)
        earned = tier.amount_cents if reached >= threshold(tier, rule) else 0
        progress.append(TierProgress(tier, inside, earned))
    return progress


@dataclass(frozen=True)
class Earned:
    tiers: list[TierProgress]
    uncapped_cents: int  # the tiers' sum
    earned_cents: int  # capped at the grant
    capped: bool


def earned(tiers: Iterable[ReachTier], reached: int, *, rule: str, cap_cents: int) -> Earned:
    progress = tier_progress(tiers, reached, rule)
    total = sum(step.earned_cents for step in progress)
    return Earned(progress, total, min(total, cap_cents), total > cap_cents)


def earned_cents(tiers: Iterable[ReachTier], reached: int, *, rule: str, cap_cents: int) -> int:
    return earned(tiers, reached, rule=rule, cap_cents=cap_cents).earned_cents


def grant_rule(grant: Grant) -> tuple[str, str]:
    """The grant's payment rule and its source, from its call."""
    call = grant.application.round.call
    return call.payment_rule, call.payment_rule_source


def rule_in_words(rule: str, tiers: Iterable[ReachTier]) -> list[str]:
    """The rule as sentences, one per tier, for the grant page."""
    lines = []
    for tier in sorted(tiers, key=lambda tier: tier.from_users):
        values = {
            "amount": euros(tier.amount_cents),
            "from": tier.from_users,
            "to": tier.to_users,
            "threshold": threshold(tier, rule),
        }
        if rule == PaymentRule.STEPS:
            if tier.to_users is None:
                line = _("%(amount)s more once more than %(before)s users are reached.") % {
                    **values,
                    "before": tier.from_users - 1,
                }
            else:
                line = _("%(amount)s once %(threshold)s users are reached.") % values
        elif tier.to_users is None:
            line = _("%(amount)s in full once %(from)s users are reached.") % values
        else:
            line = (
                _(
                    "Up to %(amount)s for users %(from)s to %(to)s, in proportion to the "
                    "users reached in that band."
                )
                % values
            )
        lines.append(line)
    return lines


def frozen_users_reached(report: Report) -> int | None:
    """The users reached frozen in a submitted report's figures (None: not there)."""
    for figure in (report.figures or {}).get("figures", []):
        if figure.get("key") == USERS_REACHED_KEY:
            return int(figure.get("value") or 0)
    return None


def balance_basis(grant: Grant, report: Report, tiers: list[ReachTier]) -> dict[str, Any]:
    """How the result-based balance is computed: the frozen count, the rule, the money
    earned (capped) and what was already planned outside the balance. Kept on the
    instalment so the figure can always be explained."""
    reached = frozen_users_reached(report)
    rule, source = grant_rule(grant)
    result = earned(tiers, reached or 0, rule=rule, cap_cents=grant.amount_cents)
    return {
        "report": report.pk,
        "period": [report.period_start.isoformat(), report.period_end.isoformat()],
        "counted_at": (report.figures or {}).get("computed_at", ""),
        "users_reached": reached,
        "rule": rule,
        "source": source,
        "earned_cents": result.earned_cents,
        "uncapped_cents": result.uncapped_cents,
    }
