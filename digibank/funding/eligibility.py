"""Does an application meet its call's rules? Every problem is listed, in plain words,
with the section of the editor where the applicant can fix it.

Rules (an empty rule on the call means "any"):
- the lead organisation is of a kind the call allows;
- every partner type the call requires is in the partnership (the lead organisation
  counts with the partner type matching its kind: a local government is a government);
- the service area has at least one municipality, all in the call's region;
- every goal the call requires is covered;
- the amount requested (the sum of the budget lines) is at most the call's maximum,
  and there is at least one budget line;
- the period is given and its length lies within the call's shortest and longest
  project (ends_on is the last day of the project: 1 January to 30 April is 4 months);
- every required question is answered; the summary is written;
- every partner has sent a commitment letter.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from digibank.network.models import OrganisationKind, PartnerType

from .models import Application, Goal, Question

# The partner type an organisation of each kind brings when it leads.
LEAD_PARTNER_TYPE = {
    OrganisationKind.LOCAL_GOVERNMENT: PartnerType.GOVERNMENT,
    OrganisationKind.COMPANY: PartnerType.COMPANY,
    OrganisationKind.KNOWLEDGE_INSTITUTION: PartnerType.KNOWLEDGE_INSTITUTION,
    OrganisationKind.CIVIL_SOCIETY: PartnerType.CIVIL_SOCIETY,
}

# Sections of the editor (URL names in funding_applications).
GENERAL = "edit_general"
PARTNERS = "edit_partners"
AREA = "edit_area"
GOALS = "edit_goals"
OUTPUTS = "edit_outputs"
BUDGET = "edit_budget"
ANSWERS = "edit_answers"


@dataclass(frozen=True)
class Problem:
    message: str
    section: str  # the editor section (URL name) where it is fixed


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _names(
    values: list[str], choices: type[PartnerType] | type[Goal] | type[OrganisationKind]
) -> str:
    labels = dict(choices.choices)
    return ", ".join(str(labels.get(value, value)) for value in values)


def check(application: Application) -> list[Problem]:
    """Every problem that keeps the application from being submitted (empty: none).
    Reads the application's partners, area, lines and answers (a few queries)."""
    call = application.round.call
    problems: list[Problem] = []

    if not application.summary.strip():
        problems.append(Problem(_("Write a short summary of the project."), GENERAL))

    lead = application.lead_organisation
    if call.lead_organisation_kinds and lead.kind not in call.lead_organisation_kinds:
        problems.append(
            Problem(
                _(
                    "%(name)s is a %(kind)s. In this call the lead organisation must be: "
                    "%(allowed)s. Start the application again for another organisation."
                )
                % {
                    "name": lead.name,
                    "kind": str(lead.get_kind_display()).lower(),
                    "allowed": _names(call.lead_organisation_kinds, OrganisationKind),
                },
                GENERAL,
            )
        )

    partners = list(application.partners.select_related("organisation"))
    present = {partner.partner_type for partner in partners}
    lead_type = LEAD_PARTNER_TYPE.get(lead.kind)  # type: ignore[call-overload]
    if lead_type:
        present.add(lead_type)
    missing_types = [kind for kind in call.required_partner_types if kind not in present]
    if missing_types:
        problems.append(
            Problem(
                _("The partnership needs a partner of each of these kinds: %(kinds)s.")
                % {"kinds": _names(missing_types, PartnerType)},
                PARTNERS,
            )
        )
    for partner in partners:
        if not partner.commitment_letter:
            problems.append(
                Problem(
                    _("Upload the commitment letter of %(name)s.")
                    % {"name": partner.organisation.name},
                    PARTNERS,
                )
            )

    area = list(application.service_area.all())
    if not area:
        problems.append(Problem(_("Add the municipalities where you will work."), AREA))
    elif call.region:
        outside = [m.name for m in area if m.region != call.region]
        if outside:
            problems.append(
                Problem(
                    _("These municipalities are outside %(region)s: %(names)s.")
                    % {"region": call.get_region_display(), "names": ", ".join(outside)},
                    AREA,
                )
            )

    missing_goals = [goal for goal in call.required_goals if goal not in application.goals]
    if missing_goals:
        problems.append(
            Problem(
                _("This call asks you to cover these goals: %(goals)s.")
                % {"goals": _names(missing_goals, Goal)},
                GOALS,
            )
        )
    elif not application.goals:
        problems.append(Problem(_("Choose the goals your project covers."), GOALS))

    lines = list(application.budget_lines.all())
    total = sum(line.amount_cents for line in lines)
    if not lines:
        problems.append(Problem(_("Add at least one budget line."), BUDGET))
    elif total > call.max_amount_cents:
        from digibank.network.templatetags.network import euros

        problems.append(
            Problem(
                _("You ask for %(total)s; this call gives at most %(max)s.")
                % {"total": euros(total), "max": euros(call.max_amount_cents)},
                BUDGET,
            )
        )

    starts, ends = application.starts_on, application.ends_on
    if not starts or not ends:
        problems.append(Problem(_("Give the date the project starts and ends."), GENERAL))
    else:
        end_exclusive = ends + timedelta(days=1)
        if call.min_duration_months and end_exclusive < add_months(
            starts, call.min_duration_months
        ):
            problems.append(
                Problem(
                    _("The project must last at least %(months)s months.")
                    % {"months": call.min_duration_months},
                    GENERAL,
                )
            )
        if call.max_duration_months and end_exclusive > add_months(
            starts, call.max_duration_months
        ):
            problems.append(
                Problem(
                    _("The project may last at most %(months)s months.")
                    % {"months": call.max_duration_months},
                    GENERAL,
                )
            )

    answered = {answer.question_id: answer for answer in application.answers.all()}
    for question in Question.objects.filter(call=call, is_required=True).order_by("position"):
        answer = answered.get(question.pk)
        filled = answer is not None and (
            answer.text.strip()
            or answer.number is not None
            or answer.date is not None
            or bool(answer.file)
        )
        if not filled:
            problems.append(
                Problem(
                    _("Answer the question “%(question)s”.") % {"question": question.label},
                    ANSWERS,
                )
            )
    return problems
