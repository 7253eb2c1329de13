"""Is a person eligible under a hub's lending policy? A pure function over plain facts,
so every rule is easy to test and the reasons can be shown to the staff member."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _

from digibank.people.models import TargetGroup

from .models import EvidenceKind


class PolicyRules(Protocol):
    target_groups: list[str]
    residence_required: bool
    required_evidence: list[str]
    max_concurrent_loans: int


@dataclass(frozen=True)
class Applicant:
    """What the policy looks at about a person."""

    target_groups: frozenset[str] = frozenset()
    lives_in_service_area: bool | None = None  # None: municipality unknown
    open_loans: int = 0


@dataclass(frozen=True)
class Decision:
    eligible: bool
    reasons: list[str] = field(default_factory=list)


def _labels(codes: Iterable[str], choices: type[TargetGroup] | type[EvidenceKind]) -> str:
    names = dict(choices.choices)
    return ", ".join(str(names.get(code, code)) for code in codes)


def evaluate(policy: PolicyRules, participant: Applicant, evidence: Iterable[str]) -> Decision:
    """Yes or no, with a plain-language reason for every rule that was checked."""
    reasons: list[str] = []
    eligible = True
    seen = set(evidence)

    if policy.target_groups:
        matching = sorted(set(policy.target_groups) & participant.target_groups)
        if matching:
            reasons.append(
                _("Belongs to a group that may borrow: %(groups)s.")
                % {"groups": _labels(matching, TargetGroup)}
            )
        else:
            eligible = False
            reasons.append(
                _("Does not belong to a group that may borrow (%(groups)s).")
                % {"groups": _labels(policy.target_groups, TargetGroup)}
            )

    if policy.residence_required:
        if participant.lives_in_service_area:
            reasons.append(_("Lives in the hub's area."))
        elif participant.lives_in_service_area is None:
            eligible = False
            reasons.append(_("We do not know where this person lives. Add the municipality."))
        else:
            eligible = False
            reasons.append(_("Does not live in the hub's area."))

    missing = [kind for kind in policy.required_evidence if kind not in seen]
    present = [kind for kind in policy.required_evidence if kind in seen]
    if present:
        reasons.append(_("Evidence seen: %(kinds)s.") % {"kinds": _labels(present, EvidenceKind)})
    if missing:
        eligible = False
        reasons.append(
            _("Evidence still to be seen: %(kinds)s.") % {"kinds": _labels(missing, EvidenceKind)}
        )

    if participant.open_loans >= policy.max_concurrent_loans:
        eligible = False
        reasons.append(
            _("Already has %(count)s device(s) on loan; the most is %(max)s.")
            % {"count": participant.open_loans, "max": policy.max_concurrent_loans}
        )
    if eligible and not reasons:
        reasons.append(_("This hub lends to everyone."))
    return Decision(eligible=eligible, reasons=reasons)
