"""Reads of calls and rounds for the officers' pages and the public call pages, and the
one place that decides (on the server, in Europe/Brussels) whether a round is open and
how long until it opens or closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digibank.network.models import OrganisationKind, PartnerType, Programme, Region

from ..models import Call, Criterion, Goal, Question, Round

BRUSSELS = ZoneInfo("Europe/Brussels")
MAX_ID = 2**63 - 1


# --- open or closed, and the countdown ----------------------------------------------------


class RoundState:
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class RoundTiming:
    """Where a round stands at `now`: its state, the moment that matters next (opening
    for an upcoming round, closing for an open one) and the countdown text."""

    state: str
    text: str
    moment: datetime  # aware; shown in Brussels time
    seconds_left: int  # to `moment`; 0 when closed

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN


def brussels(moment: datetime) -> datetime:
    return moment.astimezone(BRUSSELS)


def format_moment(moment: datetime) -> str:
    """'3 March 2026, 09:00' in the page's language, Brussels time."""
    local = brussels(moment)
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(local, "j F Y"),
        "time": formats.time_format(local, "H:i"),
    }


def _duration_text(seconds: int) -> str:
    """'3 days and 4 hours', '5 hours and 12 minutes', '12 minutes' (rounded down)."""
    minutes_total = seconds // 60
    days, rest = divmod(minutes_total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        day_text = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
        if not hours:
            return day_text
        hour_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
        return _("%(days)s and %(hours)s") % {"days": day_text, "hours": hour_text}
    if hours:
        hour_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
        if not minutes:
            return hour_text
        minute_text = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {
            "count": minutes
        }
        return _("%(hours)s and %(minutes)s") % {"hours": hour_text, "minutes": minute_text}
    if minutes:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return _("less than a minute")


def round_timing(round_: Round, now: datetime | None = None) -> RoundTiming:
    """Whether the round is open at `now` (server time) and the countdown to show."""
    # In UTC: Python compares and subtracts datetimes of the same zone by wall clock,
    # which is wrong by an hour across a change of summer time.
    now = (now or timezone.now()).astimezone(UTC)
    opens_at, closes_at = round_.opens_at.astimezone(UTC), round_.closes_at.astimezone(UTC)
    if now < opens_at:
        return RoundTiming(
            state=RoundState.UPCOMING,
            text=_("opens on %(moment)s") % {"moment": format_moment(round_.opens_at)},
            moment=round_.opens_at,
            seconds_left=int((opens_at - now).total_seconds()),
        )
    if now < closes_at:
        seconds = int((closes_at - now).total_seconds())
        return RoundTiming(
            state=RoundState.OPEN,
            text=_("closes in %(duration)s") % {"duration": _duration_text(seconds)},
            moment=round_.closes_at,
            seconds_left=seconds,
        )
    return RoundTiming(
        state=RoundState.CLOSED, text=_("closed"), moment=round_.closes_at, seconds_left=0
    )


# --- officers' pages ----------------------------------------------------------------------


def programme_calls(programme: Programme, now: datetime | None = None) -> QuerySet[Call]:
    """The programme's calls, newest first, with a summary of their rounds (one query)."""
    now = now or timezone.now()
    return (
        Call.objects.filter(programme=programme)
        .annotate(
            round_count=Count("rounds", distinct=True),
            open_round_count=Count(
                "rounds",
                filter=Q(rounds__opens_at__lte=now, rounds__closes_at__gt=now),
                distinct=True,
            ),
            first_opens_at=Min("rounds__opens_at"),
            last_closes_at=Max("rounds__closes_at"),
        )
        .order_by("-created_at", "-id")
    )


def officer_call(programme: Programme, pk: int) -> Call:
    """One call of the programme, or 404 (a call of another programme is not found)."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    found = Call.objects.filter(programme=programme, pk=pk).select_related("programme").first()
    if found is None:
        raise Http404
    return found


def call_rounds(call: Call) -> list[Round]:
    """The call's rounds in order, each with `application_count` and `submitted_count`."""
    from ..services.calls import SUBMITTED_STATUSES

    return list(
        Round.objects.filter(call=call)
        .annotate(
            application_count=Count("applications"),
            submitted_count=Count(
                "applications", filter=Q(applications__status__in=SUBMITTED_STATUSES)
            ),
        )
        .order_by("opens_at", "id")
    )


def call_child(model: type[Any], call: Call, pk: int) -> Any:
    """A round, question or criterion of this call, or 404."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    found = model.objects.filter(call=call, pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- public pages -------------------------------------------------------------------------


def published_calls(now: datetime | None = None) -> QuerySet[Call]:
    """Published calls with a round still to come or open (closed-only calls last), each
    with `current_rounds`: its open and upcoming rounds in order (one extra query per page)."""
    now = now or timezone.now()
    current = Round.objects.filter(closes_at__gt=now).order_by("opens_at", "id")
    return (
        Call.objects.filter(is_published=True)
        .select_related("programme")
        .annotate(next_closes_at=Min("rounds__closes_at", filter=Q(rounds__closes_at__gt=now)))
        .prefetch_related(Prefetch("rounds", queryset=current, to_attr="current_rounds"))
        .order_by(F("next_closes_at").asc(nulls_last=True), "title", "id")
    )


def published_call(slug: str) -> Call:
    """A published call with its rounds, questions and criteria, or 404 (an unpublished
    call is not shown to the public)."""
    found = (
        Call.objects.filter(is_published=True, slug=slug)
        .select_related("programme")
        .prefetch_related(
            Prefetch("rounds", queryset=Round.objects.order_by("opens_at", "id")),
            Prefetch("questions", queryset=Question.objects.order_by("position", "id")),
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id")),
        )
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- plain words ------------------------------------------------------------------------


def labels(values: list[str], choices: Any) -> list[str]:
    names = dict(choices)
    return [str(names.get(value, value)) for value in values]


def eligibility_lines(call: Call) -> list[str]:
    """The call's eligibility rules in plain words, for applicants and officers."""
    lines = []
    if call.lead_organisation_kinds:
        lines.append(
            _("The lead organisation is one of: %(kinds)s.")
            % {"kinds": ", ".join(labels(call.lead_organisation_kinds, OrganisationKind.choices))}
        )
    else:
        lines.append(_("Any kind of organisation may lead the partnership."))
    if call.required_partner_types:
        lines.append(
            _("The partnership includes at least one partner of each type: %(types)s.")
            % {"types": ", ".join(labels(call.required_partner_types, PartnerType.choices))}
        )
    if call.region:
        lines.append(
            _("The project works in %(region)s.")
            % {"region": dict(Region.choices).get(call.region, call.region)}
        )
    if call.min_duration_months and call.max_duration_months:
        lines.append(
            _("The project lasts from %(low)s to %(high)s months.")
            % {"low": call.min_duration_months, "high": call.max_duration_months}
        )
    elif call.min_duration_months:
        lines.append(
            _("The project lasts at least %(count)s months.") % {"count": call.min_duration_months}
        )
    elif call.max_duration_months:
        lines.append(
            _("The project lasts at most %(count)s months.") % {"count": call.max_duration_months}
        )
    return lines


def goal_labels(call: Call) -> list[str]:
    return labels(call.required_goals, Goal.choices)


def countdown_words() -> dict[str, Any]:
    """The countdown's words in the page's language, for the small script that keeps an
    open round's countdown ticking (the page is complete without it)."""

    def forms(singular: str, plural: str) -> list[str]:
        return [ngettext(singular, plural, 1), ngettext(singular, plural, 2)]

    return {
        "day": forms("%(count)d day", "%(count)d days"),
        "hour": forms("%(count)d hour", "%(count)d hours"),
        "minute": forms("%(count)d minute", "%(count)d minutes"),
        "days_hours": _("%(days)s and %(hours)s"),
        "hours_minutes": _("%(hours)s and %(minutes)s"),
        "less": _("less than a minute"),
        "closes_in": _("closes in %(duration)s"),
        "closed": _("closed"),
    }
