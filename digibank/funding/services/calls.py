"""Every change to calls and their rounds, questions and review criteria.

Each service runs in one transaction, locks the call it changes, enforces the rules and
writes the journal in that same transaction. Money is in integer cents; times are aware
datetimes (the forms read them in Europe/Brussels).

Rules kept here:
- a new call starts from its kind's defaults (a preparation call: at most EUR 15,000 and
  4 months; an implementation call: at most EUR 500,000, at least 24 months, all three
  goals), which the officer may change;
- a round closes after it opens, rounds of one call never overlap (so at any moment at
  most one round of a call is open), a round with submitted applications keeps a closing
  time in the future, and a round with applications cannot be removed;
- a call is published only with at least one round and one review criterion;
- a question or criterion already answered or scored cannot be removed, and a question
  with answers keeps its kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digibank.core.journal import journal_write
from digibank.network.models import OrganisationKind, PartnerType, Programme, Region

from ..models import (
    Answer,
    Application,
    ApplicationStatus,
    Call,
    CallAudience,
    CallKind,
    Criterion,
    Goal,
    PaymentRule,
    Question,
    QuestionKind,
    Round,
    Score,
)

ACTIONS = {
    "funding.call_create": gettext_lazy("Call created"),
    "funding.call_update": gettext_lazy("Call changed"),
    "funding.call_publish": gettext_lazy("Call published"),
    "funding.call_unpublish": gettext_lazy("Call withdrawn from publication"),
    "funding.round_create": gettext_lazy("Round added"),
    "funding.round_update": gettext_lazy("Round changed"),
    "funding.round_delete": gettext_lazy("Round removed"),
    "funding.question_create": gettext_lazy("Question added"),
    "funding.question_update": gettext_lazy("Question changed"),
    "funding.question_move": gettext_lazy("Question moved"),
    "funding.question_delete": gettext_lazy("Question removed"),
    "funding.criterion_create": gettext_lazy("Review criterion added"),
    "funding.criterion_update": gettext_lazy("Review criterion changed"),
    "funding.criterion_move": gettext_lazy("Review criterion moved"),
    "funding.criterion_delete": gettext_lazy("Review criterion removed"),
}

CALL_FIELDS = (
    "title",
    "description",
    "kind",
    "max_amount_cents",
    "min_duration_months",
    "max_duration_months",
    "lead_organisation_kinds",
    "required_partner_types",
    "region",
    "required_goals",
    "score_scale_max",
    "audience",
    "payment_rule",
    "payment_rule_source",
    "limits_reason",
)
# The limits a call's kind sets (KIND_DEFAULTS): binding, so a call that differs needs a
# recorded reason (Call.limits_reason), journaled with the change.
BINDING_LIMITS = (
    "max_amount_cents",
    "min_duration_months",
    "max_duration_months",
    "required_goals",
)
ROUND_FIELDS = ("name", "opens_at", "closes_at", "budget_cents")
QUESTION_FIELDS = ("label", "help_text", "kind", "choices", "is_required")
CRITERION_FIELDS = ("name", "description", "weight")

# What a new call of each kind starts with; the officer may change every value.
KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    CallKind.PREPARATION: {
        "max_amount_cents": 15_000_00,
        "min_duration_months": None,
        "max_duration_months": 4,
        "required_goals": [],
    },
    CallKind.IMPLEMENTATION: {
        "max_amount_cents": 500_000_00,
        "min_duration_months": 24,
        "max_duration_months": None,
        "required_goals": list(Goal.values),
    },
}

# Applications that were handed in (not a draft any more).
SUBMITTED_STATUSES = tuple(s for s in ApplicationStatus.values if s != ApplicationStatus.DRAFT)

MAX_CHOICES = 30


def call_defaults(kind: str) -> dict[str, Any]:
    """The starting values of a call of this kind (a copy: safe to change)."""
    if kind not in KIND_DEFAULTS:
        raise ValidationError({"kind": _("Choose the kind of call.")})
    defaults = KIND_DEFAULTS[kind]
    return {**defaults, "required_goals": list(defaults["required_goals"])}


def unique_slug(title: str) -> str:
    """A short name for the call's public address, made from the title, unique among
    all calls ("oproep-digibanken", "oproep-digibanken-2", …)."""
    base = (slugify(title) or "call")[:40].strip("-") or "call"
    taken = set(Call.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _check_choices(values: Any, allowed: list[str], field: str, message: str) -> list[str]:
    chosen = list(values or [])
    if set(chosen) - set(allowed):
        raise ValidationError({field: message})
    return [value for value in allowed if value in chosen]  # known order, no doubles


def _clean_call_values(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("kind") not in CallKind.values:
        raise ValidationError({"kind": _("Choose the kind of call.")})
    title = str(values.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": _("Enter a title.")})
    values["title"] = title
    values["description"] = str(values.get("description") or "").strip()
    values["lead_organisation_kinds"] = _check_choices(
        values.get("lead_organisation_kinds"),
        list(OrganisationKind.values),
        "lead_organisation_kinds",
        _("Choose who may lead from the list."),
    )
    values["required_partner_types"] = _check_choices(
        values.get("required_partner_types"),
        list(PartnerType.values),
        "required_partner_types",
        _("Choose partner types from the list."),
    )
    values["required_goals"] = _check_choices(
        values.get("required_goals"),
        list(Goal.values),
        "required_goals",
        _("Choose goals from the list."),
    )
    region = values.get("region") or ""
    if region and region not in Region.values:
        raise ValidationError({"region": _("Choose a region from the list.")})
    values["region"] = region
    amount = values.get("max_amount_cents")
    if amount is None or int(amount) <= 0:
        raise ValidationError({"max_amount_cents": _("The maximum amount must be more than 0.")})
    values["max_amount_cents"] = int(amount)
    low, high = values.get("min_duration_months"), values.get("max_duration_months")
    if low is not None and high is not None and high < low:
        raise ValidationError(
            {
                "max_duration_months": _(
                    "The longest project cannot be shorter than the shortest project."
                )
            }
        )
    scale = values.get("score_scale_max")
    if scale is None or not 2 <= int(scale) <= 100:
        raise ValidationError({"score_scale_max": _("The highest score must be from 2 to 100.")})
    values["score_scale_max"] = int(scale)
    if values.get("audience", CallAudience.NEW) not in CallAudience.values:
        raise ValidationError({"audience": _("Choose for whom the call is.")})
    if values.get("payment_rule", PaymentRule.STEPS) not in PaymentRule.values:
        raise ValidationError({"payment_rule": _("Choose a payment rule from the list.")})
    values["payment_rule_source"] = str(values.get("payment_rule_source") or "").strip()[:300]
    values["limits_reason"] = str(values.get("limits_reason") or "").strip()
    _check_binding_limits(values)
    return values


def limits_differing(values: Mapping[str, Any]) -> list[str]:
    """The binding limits in which the values differ from their kind's."""
    defaults = KIND_DEFAULTS[values["kind"]]
    differ = []
    for name in BINDING_LIMITS:
        value, default = values.get(name), defaults[name]
        if name == "required_goals":
            value, default = sorted(value or []), sorted(default)
        if value != default:
            differ.append(name)
    return differ


def _limits(values: Mapping[str, Any]) -> dict[str, Any]:
    """For the journal: the binding limits that differ and why (nothing if none do)."""
    differ = limits_differing(values)
    return {"limits_differ": differ, "limits_reason": values["limits_reason"]} if differ else {}


def _check_binding_limits(values: dict[str, Any]) -> None:
    if limits_differing(values) and not values["limits_reason"]:
        raise ValidationError(
            {
                "limits_reason": _(
                    "These limits differ from what the kind of call sets (a preparation: "
                    "at most 4 months and € 15,000; an implementation: at least 24 months, "
                    "at most € 500,000 and all three goals). Say why, for the record."
                )
            }
        )


def _journal(actor: Any, action: str, call: Call, **details: Any) -> None:
    journal_write(actor=actor, action=action, subject=call, details=details)


def _locked(call: Call) -> Call:
    return Call.objects.select_for_update().get(pk=call.pk)


def _known_fields(data: Mapping[str, Any], fields: Iterable[str]) -> None:
    """Services take only the fields they know: a typo in a caller fails loudly."""
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(sorted(unknown))


def _assign(row: Any, values: Mapping[str, Any]) -> list[str]:
    """Set the cleaned values on the row (not saved); the names that changed, for the
    journal."""
    changed = sorted(name for name, value in values.items() if getattr(row, name) != value)
    for name, value in values.items():
        setattr(row, name, value)
    return changed


# --- calls ------------------------------------------------------------------------------


@transaction.atomic
def call_create(*, actor: Any, programme: Programme, data: Mapping[str, Any]) -> Call:
    """A new call (not published yet) under the programme. Values the data leaves out
    come from the kind's defaults."""
    _known_fields(data, CALL_FIELDS)
    kind = data.get("kind")
    values: dict[str, Any] = {"score_scale_max": 5, **call_defaults(str(kind)), **data}
    values = _clean_call_values(values)
    call = Call(
        programme=programme,
        slug=unique_slug(values["title"]),
        created_by=actor,
        is_published=False,
        **values,
    )
    call.full_clean(exclude=["programme", "created_by"])
    call.save()
    _journal(actor, "funding.call_create", call, kind=call.kind, slug=call.slug, **_limits(values))
    return call


@transaction.atomic
def call_update(*, actor: Any, call: Call, data: Mapping[str, Any]) -> Call:
    """Change the call's title, description, kind and rules. The public address (slug)
    stays the same, so links already shared keep working."""
    _known_fields(data, CALL_FIELDS)
    locked = _locked(call)
    values = _clean_call_values({name: getattr(locked, name) for name in CALL_FIELDS} | dict(data))
    changed = _assign(locked, values)
    locked.full_clean(exclude=["programme", "created_by"])
    locked.save()
    _journal(actor, "funding.call_update", locked, fields=changed, **_limits(values))
    return locked


def publish_problems(call: Call) -> list[str]:
    """Why the call cannot be published yet (empty: it can)."""
    problems = []
    if not call.rounds.exists():
        problems.append(_("Add at least one round: applicants need to know when to apply."))
    if not call.criteria.exists():
        problems.append(
            _("Add at least one review criterion: reviewers need to know what to score.")
        )
    return problems


@transaction.atomic
def call_publish(*, actor: Any, call: Call) -> Call:
    """Show the call on the public pages."""
    locked = _locked(call)
    if locked.is_published:
        return locked
    problems = publish_problems(locked)
    if problems:
        raise ValidationError(problems)
    locked.is_published = True
    locked.save(update_fields=["is_published", "updated_at"])
    _journal(actor, "funding.call_publish", locked)
    return locked


@transaction.atomic
def call_unpublish(*, actor: Any, call: Call) -> Call:
    """Take the call off the public pages (applications already started are kept)."""
    locked = _locked(call)
    if not locked.is_published:
        return locked
    locked.is_published = False
    locked.save(update_fields=["is_published", "updated_at"])
    _journal(actor, "funding.call_unpublish", locked)
    return locked


# --- rounds -----------------------------------------------------------------------------


def _clean_round_values(
    call: Call, values: dict[str, Any], *, exclude_pk: int | None = None
) -> dict[str, Any]:
    name = str(values.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter a name for the round.")})
    values["name"] = name
    opens_at, closes_at = values.get("opens_at"), values.get("closes_at")
    if not isinstance(opens_at, datetime) or timezone.is_naive(opens_at):
        raise ValidationError({"opens_at": _("Enter when the round opens.")})
    if not isinstance(closes_at, datetime) or timezone.is_naive(closes_at):
        raise ValidationError({"closes_at": _("Enter when the round closes.")})
    # In UTC: datetimes of one zone compare by wall clock, wrong across summer time.
    opens_at, closes_at = opens_at.astimezone(UTC), closes_at.astimezone(UTC)
    values["opens_at"], values["closes_at"] = opens_at, closes_at
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The round must close after it opens.")})
    budget = values.get("budget_cents")
    if budget is None or int(budget) <= 0:
        raise ValidationError({"budget_cents": _("The budget must be more than 0.")})
    values["budget_cents"] = int(budget)
    others = Round.objects.filter(call=call, opens_at__lt=closes_at, closes_at__gt=opens_at)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    overlapping = others.order_by("opens_at").first()
    if overlapping is not None:
        raise ValidationError(
            {
                "opens_at": _(
                    "This round overlaps with “%(name)s”: rounds of one call follow each other."
                )
                % {"name": overlapping.name}
            }
        )
    return values


@transaction.atomic
def round_create(*, actor: Any, call: Call, data: Mapping[str, Any]) -> Round:
    _known_fields(data, ROUND_FIELDS)
    locked = _locked(call)
    values = _clean_round_values(locked, dict(data))
    round_ = Round.objects.create(call=locked, **values)
    _journal(
        actor,
        "funding.round_create",
        locked,
        round=round_.pk,
        name=round_.name,
        opens_at=round_.opens_at.isoformat(),
        closes_at=round_.closes_at.isoformat(),
        budget_cents=round_.budget_cents,
    )
    return round_


@transaction.atomic
def round_update(*, actor: Any, round_: Round, data: Mapping[str, Any]) -> Round:
    """Change a round. A round with submitted applications cannot be given a closing
    time in the past: those applicants were told the round was open until then."""
    _known_fields(data, ROUND_FIELDS)
    locked_call = _locked(round_.call)
    locked = Round.objects.select_for_update().get(pk=round_.pk, call=locked_call)
    values = _clean_round_values(
        locked_call,
        {name: getattr(locked, name) for name in ROUND_FIELDS} | dict(data),
        exclude_pk=locked.pk,
    )
    closes_at = values["closes_at"]
    if (
        closes_at != locked.closes_at
        and closes_at <= timezone.now()
        and locked.applications.filter(status__in=SUBMITTED_STATUSES).exists()
    ):
        raise ValidationError(
            {
                "closes_at": _(
                    "Applications were already submitted in this round: its closing time "
                    "cannot be moved into the past."
                )
            }
        )
    changed = _assign(locked, values)
    locked.save()
    _journal(actor, "funding.round_update", locked_call, round=locked.pk, fields=changed)
    return locked


@transaction.atomic
def round_delete(*, actor: Any, round_: Round) -> None:
    """Remove a round that nobody applied to yet."""
    locked_call = _locked(round_.call)
    locked = Round.objects.select_for_update().get(pk=round_.pk, call=locked_call)
    count = Application.objects.filter(round=locked).count()
    if count:
        raise ValidationError(
            _(
                "This round cannot be removed: %(count)s application(s) were started in it. "
                "Change its dates instead."
            )
            % {"count": count}
        )
    if (
        locked_call.is_published
        and not Round.objects.filter(call=locked_call).exclude(pk=locked.pk).exists()
    ):
        raise ValidationError(
            _("A published call needs at least one round. Add another round first.")
        )
    name, pk = locked.name, locked.pk
    locked.delete()
    _journal(actor, "funding.round_delete", locked_call, round=pk, name=name)


# --- questions --------------------------------------------------------------------------


def _clean_choices(kind: str, choices: Any) -> list[str]:
    if kind != QuestionKind.CHOICE:
        return []
    if isinstance(choices, str):
        choices = choices.splitlines()
    cleaned: list[str] = []
    for choice in choices or []:
        text = str(choice).strip()
        if text and text not in cleaned:
            cleaned.append(text[:200])
    if len(cleaned) < 2:
        raise ValidationError({"choices": _("Give at least two choices, one per line.")})
    if len(cleaned) > MAX_CHOICES:
        raise ValidationError(
            {"choices": _("Give at most %(count)s choices.") % {"count": MAX_CHOICES}}
        )
    return cleaned


def _clean_question_values(values: dict[str, Any]) -> dict[str, Any]:
    label = str(values.get("label") or "").strip()
    if not label:
        raise ValidationError({"label": _("Enter the question.")})
    kind = values.get("kind")
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("Choose the kind of answer.")})
    return {
        "label": label[:300],
        "help_text": str(values.get("help_text") or "").strip()[:500],
        "kind": kind,
        "choices": _clean_choices(str(kind), values.get("choices")),
        "is_required": bool(values.get("is_required", True)),
    }


def _next_position(model: type[Question] | type[Criterion], call: Call) -> int:
    highest = model.objects.filter(call=call).aggregate(top=Max("position"))["top"]
    return int(highest or 0) + 1


@transaction.atomic
def question_create(*, actor: Any, call: Call, data: Mapping[str, Any]) -> Question:
    """Add a question at the end of the call's application form."""
    _known_fields(data, QUESTION_FIELDS)
    locked = _locked(call)
    values = _clean_question_values(dict(data))
    question = Question.objects.create(
        call=locked, position=_next_position(Question, locked), **values
    )
    _journal(
        actor,
        "funding.question_create",
        locked,
        question=question.pk,
        label=question.label,
        kind=question.kind,
    )
    return question


@transaction.atomic
def question_update(*, actor: Any, question: Question, data: Mapping[str, Any]) -> Question:
    _known_fields(data, QUESTION_FIELDS)
    locked_call = _locked(question.call)
    locked = Question.objects.select_for_update().get(pk=question.pk, call=locked_call)
    values = _clean_question_values(
        {name: getattr(locked, name) for name in QUESTION_FIELDS} | dict(data)
    )
    if values["kind"] != locked.kind and Answer.objects.filter(question=locked).exists():
        raise ValidationError(
            {
                "kind": _(
                    "Applicants already answered this question: its kind of answer cannot "
                    "change. Add a new question instead."
                )
            }
        )
    changed = _assign(locked, values)
    locked.save()
    _journal(actor, "funding.question_update", locked_call, question=locked.pk, fields=changed)
    return locked


@transaction.atomic
def question_delete(*, actor: Any, question: Question) -> None:
    locked_call = _locked(question.call)
    locked = Question.objects.select_for_update().get(pk=question.pk, call=locked_call)
    if Answer.objects.filter(question=locked).exists():
        raise ValidationError(_("Applicants already answered this question: it cannot be removed."))
    label, pk = locked.label, locked.pk
    locked.delete()
    _journal(actor, "funding.question_delete", locked_call, question=pk, label=label)


def _swap(model: type[Question] | type[Criterion], row: Question | Criterion, up: bool) -> bool:
    """Swap a row with its neighbour (positions are unique per call: through 0)."""
    siblings = model.objects.filter(call_id=row.call_id)
    if up:
        neighbour = siblings.filter(position__lt=row.position).order_by("-position").first()
    else:
        neighbour = siblings.filter(position__gt=row.position).order_by("position").first()
    if neighbour is None:
        return False
    mine, theirs = row.position, neighbour.position
    model.objects.filter(pk=row.pk).update(position=0)
    model.objects.filter(pk=neighbour.pk).update(position=mine)
    model.objects.filter(pk=row.pk).update(position=theirs)
    row.position = theirs
    return True


@transaction.atomic
def question_move(*, actor: Any, question: Question, up: bool) -> Question:
    """Move a question one place up or down the form (nothing at either end)."""
    locked_call = _locked(question.call)
    locked = Question.objects.get(pk=question.pk, call=locked_call)
    if _swap(Question, locked, up):
        _journal(
            actor,
            "funding.question_move",
            locked_call,
            question=locked.pk,
            position=locked.position,
        )
    return locked


# --- review criteria --------------------------------------------------------------------


def _clean_criterion_values(values: dict[str, Any]) -> dict[str, Any]:
    name = str(values.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the criterion.")})
    weight = values.get("weight")
    if weight is None or not 1 <= int(weight) <= 100:
        raise ValidationError({"weight": _("The weight must be from 1 to 100.")})
    return {
        "name": name[:200],
        "description": str(values.get("description") or "").strip(),
        "weight": int(weight),
    }


@transaction.atomic
def criterion_create(*, actor: Any, call: Call, data: Mapping[str, Any]) -> Criterion:
    _known_fields(data, CRITERION_FIELDS)
    locked = _locked(call)
    values = _clean_criterion_values({"weight": 1} | dict(data))
    criterion = Criterion.objects.create(
        call=locked, position=_next_position(Criterion, locked), **values
    )
    _journal(
        actor,
        "funding.criterion_create",
        locked,
        criterion=criterion.pk,
        name=criterion.name,
        weight=criterion.weight,
    )
    return criterion


@transaction.atomic
def criterion_update(*, actor: Any, criterion: Criterion, data: Mapping[str, Any]) -> Criterion:
    _known_fields(data, CRITERION_FIELDS)
    locked_call = _locked(criterion.call)
    locked = Criterion.objects.select_for_update().get(pk=criterion.pk, call=locked_call)
    values = _clean_criterion_values(
        {name: getattr(locked, name) for name in CRITERION_FIELDS} | dict(data)
    )
    changed = _assign(locked, values)
    locked.save()
    _journal(actor, "funding.criterion_update", locked_call, criterion=locked.pk, fields=changed)
    return locked


@transaction.atomic
def criterion_delete(*, actor: Any, criterion: Criterion) -> None:
    locked_call = _locked(criterion.call)
    locked = Criterion.objects.select_for_update().get(pk=criterion.pk, call=locked_call)
    if Score.objects.filter(criterion=locked).exists():
        raise ValidationError(_("Reviewers already scored this criterion: it cannot be removed."))
    if (
        locked_call.is_published
        and not Criterion.objects.filter(Q(call=locked_call) & ~Q(pk=locked.pk)).exists()
    ):
        raise ValidationError(
            _("A published call needs at least one review criterion. Add another one first.")
        )
    name, pk = locked.name, locked.pk
    locked.delete()
    _journal(actor, "funding.criterion_delete", locked_call, criterion=pk, name=name)


@transaction.atomic
def criterion_move(*, actor: Any, criterion: Criterion, up: bool) -> Criterion:
    locked_call = _locked(criterion.call)
    locked = Criterion.objects.get(pk=criterion.pk, call=locked_call)
    if _swap(Criterion, locked, up):
        _journal(
            actor,
            "funding.criterion_move",
            locked_call,
            criterion=locked.pk,
            position=locked.position,
        )
    return locked
