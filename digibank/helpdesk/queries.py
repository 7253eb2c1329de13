"""Reads of the help desk, used by views, panels, reports and the benchmark. Each one
runs a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.accounts.models import Membership
from digibank.network.models import Hub, Location
from digibank.people.models import Participant
from digibank.people.registry import ReportFigure
from digibank.people.timeline import TimelineItem

from . import rollups
from .models import (
    NOT_RECORDED,
    DigihelperProfile,
    HelpdeskSettings,
    HelpQuestion,
    HelpTopic,
    Mandate,
    Outcome,
)
from .services import MANDATE_NOTICE_DAYS

TopicLink = HelpQuestion.topics.through
# Topic links of helps that count (a withdrawn help leaves every figure).
COUNTED = Q(helpquestion__withdrawn_at__isnull=True)


def hub_defaults(hub: Hub) -> HelpdeskSettings | None:
    """The hub's own defaults for the help form (None: nothing pre-selected)."""
    return HelpdeskSettings.objects.filter(hub=hub).first()


def active_topics() -> list[HelpTopic]:
    return list(HelpTopic.objects.filter(is_active=True).order_by("position", "code"))


def open_locations(hub: Hub) -> list[Location]:
    return list(Location.objects.filter(hub=hub, is_active=True).order_by("name", "pk"))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _with_topics(questions: QuerySet[HelpQuestion]) -> QuerySet[HelpQuestion]:
    return questions.prefetch_related(
        Prefetch("topics", queryset=HelpTopic.objects.order_by("position", "code"))
    )


def day_log(*, location: Location, day: date) -> QuerySet[HelpQuestion]:
    """The helps of one help point on one day, newest first."""
    start, end = day_bounds(day)
    return _with_topics(
        HelpQuestion.objects.filter(location=location, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("helper", "participant")
        .order_by("-occurred_at", "-id")
    )


@dataclass(frozen=True)
class TopicTotal:
    topic: HelpTopic
    number: int


def _totals(links: QuerySet[Any]) -> list[TopicTotal]:
    rows = links.values("helptopic_id").annotate(number=Count("id")).order_by()
    counts = {row["helptopic_id"]: row["number"] for row in rows}
    topics = HelpTopic.objects.filter(pk__in=counts).order_by("position", "code")
    totals = [TopicTotal(topic, counts[topic.pk]) for topic in topics]
    return sorted(totals, key=lambda total: -total.number)


def topic_totals(*, location: Location, day: date) -> list[TopicTotal]:
    """Helps per topic at a help point on a day, most asked first. Two queries."""
    start, end = day_bounds(day)
    return _totals(
        TopicLink.objects.filter(
            COUNTED,
            helpquestion__location=location,
            helpquestion__occurred_at__gte=start,
            helpquestion__occurred_at__lt=end,
        )
    )


def hub_topic_totals(*, hub: Hub, day: date) -> list[TopicTotal]:
    start, end = day_bounds(day)
    return _totals(
        TopicLink.objects.filter(
            COUNTED,
            helpquestion__hub=hub,
            helpquestion__occurred_at__gte=start,
            helpquestion__occurred_at__lt=end,
        )
    )


def helps_on(*, hub: Hub, day: date) -> int:
    start, end = day_bounds(day)
    return HelpQuestion.objects.filter(hub=hub, occurred_at__gte=start, occurred_at__lt=end).count()


def tally_counts(*, helper: Any, hub: Hub, day: date) -> dict[int, int]:
    """Topic id -> how many helps the helper logged today under it (one query)."""
    start, end = day_bounds(day)
    rows = (
        TopicLink.objects.filter(
            COUNTED,
            helpquestion__helper=helper,
            helpquestion__hub=hub,
            helpquestion__occurred_at__gte=start,
            helpquestion__occurred_at__lt=end,
        )
        .values("helptopic_id")
        .annotate(number=Count("id"))
        .order_by()
    )
    return {row["helptopic_id"]: row["number"] for row in rows}


def incomplete_helps(*, helper: Any, hub: Hub, day: date) -> QuerySet[HelpQuestion]:
    """The helper's tallied helps that still wait to be completed, up to `day`:
    yesterday's stay until completed or left anonymous."""
    _start, end = day_bounds(day)
    return _with_topics(
        HelpQuestion.objects.filter(
            helper=helper,
            hub=hub,
            is_complete=False,
            occurred_at__lt=end,
        )
        .select_related("location")
        .order_by("-occurred_at", "-id")
    )


def on_duty(*, location: Location, day: date) -> list[Any] | None:
    """Who is on duty at the help point, from the appointments app's rota; None while
    that app does not offer it."""
    try:
        from digibank.appointments import queries as appointments_queries
    except ImportError:
        return None
    provider = getattr(appointments_queries, "on_duty", None)
    if provider is None:
        return None
    return list(provider(location=location, day=day))


# --- the participant's timeline ---------------------------------------------------------


def _follow_up_item(question: HelpQuestion) -> TimelineItem:
    """A follow-up on the person's timeline: when done, with what came of it; else at
    its due date."""
    who = str(question.follow_up_assignee or "")
    if question.follow_up_done_at is not None:
        return TimelineItem(
            when=question.follow_up_done_at,
            title=_("Follow-up done: %(outcome)s") % {"outcome": question.follow_up_outcome},
            detail=who,
        )
    due = question.follow_up_due or timezone.localdate(question.occurred_at)
    return TimelineItem(
        when=timezone.make_aware(datetime.combine(due, time(12))),
        title=_("Follow-up due on %(date)s") % {"date": due.strftime("%d/%m/%Y")},
        detail=who,
    )


def help_timeline(participant: Participant, limit: int) -> list[TimelineItem]:
    """Helps given to the person (and their mandates), newest first. Three queries."""
    questions = _with_topics(
        HelpQuestion.objects.filter(participant=participant)
        .select_related("location", "helper")
        .order_by("-occurred_at", "-id")
    )[:limit]
    items = [
        TimelineItem(
            when=question.occurred_at,
            title=_("Helped: %(topics)s")
            % {"topics": ", ".join(topic.name for topic in question.topics.all())},
            detail=" · ".join(
                part
                for part in (
                    question.location.name,
                    question.get_outcome_display(),
                    question.referred_to,
                    str(question.helper),
                )
                if part
            ),
        )
        for question in questions
    ]
    follow_ups = (
        HelpQuestion.objects.filter(participant=participant, follow_up_needed=True)
        .select_related("follow_up_assignee")
        .order_by("-follow_up_due", "-id")
    )[:limit]
    items += [_follow_up_item(question) for question in follow_ups]
    mandates = Mandate.objects.filter(participant=participant).order_by("-created_at")[:limit]
    items += [
        TimelineItem(
            when=mandate.created_at,
            title=_("Mandate recorded: %(kind)s") % {"kind": mandate.get_kind_display()},
            detail=_("%(holder)s, until %(date)s")
            % {"holder": mandate.holder_name, "date": mandate.ends_on.strftime("%d/%m/%Y")},
        )
        for mandate in mandates
    ]
    return items


# --- follow-ups -------------------------------------------------------------------------


class FollowUpFilter:
    OPEN = "open"
    DUE_TODAY = "today"
    OVERDUE = "overdue"
    DONE = "done"


def follow_ups(
    *,
    hub: Hub,
    location: Location | None = None,
    which: str = FollowUpFilter.OPEN,
    today: date | None = None,
) -> QuerySet[HelpQuestion]:
    """Helps needing a follow-up at the hub (or one help point): open, due today,
    overdue or done; soonest due first."""
    today = today or timezone.localdate()
    found = HelpQuestion.objects.filter(hub=hub, follow_up_needed=True)
    if location is not None:
        found = found.filter(location=location)
    if which == FollowUpFilter.DONE:
        found = found.filter(follow_up_done_at__isnull=False).order_by("-follow_up_done_at", "-id")
    else:
        found = found.filter(follow_up_done_at__isnull=True)
        if which == FollowUpFilter.DUE_TODAY:
            found = found.filter(follow_up_due=today)
        elif which == FollowUpFilter.OVERDUE:
            found = found.filter(follow_up_due__lt=today)
        found = found.order_by("follow_up_due", "id")
    return _with_topics(
        found.select_related("location", "participant", "helper", "follow_up_assignee")
    )


def follow_up_counts(*, hub: Hub, today: date | None = None) -> dict[str, int]:
    """Open, due today and overdue follow-ups of the hub (one query)."""
    today = today or timezone.localdate()
    row = HelpQuestion.objects.filter(
        hub=hub, follow_up_needed=True, follow_up_done_at__isnull=True
    ).aggregate(
        open=Count("id"),
        today=Count("id", filter=Q(follow_up_due=today)),
        overdue=Count("id", filter=Q(follow_up_due__lt=today)),
    )
    return {key: int(value or 0) for key, value in row.items()}


# --- digihelpers ------------------------------------------------------------------------


def volunteers(
    *, hub: Hub, topic: HelpTopic | None = None, language: str = ""
) -> QuerySet[Membership]:
    """Active members of the hub with their digihelper profile, filtered by a topic they
    can help with and a language they speak."""
    members = (
        Membership.objects.filter(hub=hub, is_active=True)
        .select_related("user", "digihelper_profile")
        .prefetch_related(
            Prefetch("digihelper_profile__topics", queryset=HelpTopic.objects.order_by("position")),
            "digihelper_profile__languages",
            Prefetch("digihelper_profile__locations", queryset=Location.objects.order_by("name")),
        )
        .order_by("user__full_name", "pk")
    )
    if topic is not None:
        members = members.filter(digihelper_profile__topics=topic)
    if language:
        members = members.filter(digihelper_profile__languages__language=language)
    return members.distinct()


def profile_of(membership: Membership) -> DigihelperProfile | None:
    return (
        DigihelperProfile.objects.filter(membership=membership)
        .prefetch_related("topics", "languages", "locations")
        .first()
    )


# --- mandates ---------------------------------------------------------------------------


def mandates_ending(*, hub: Hub, today: date | None = None) -> QuerySet[Mandate]:
    today = today or timezone.localdate()
    return (
        Mandate.objects.filter(
            hub=hub,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=MANDATE_NOTICE_DAYS),
            participant__anonymised_at__isnull=True,
        )
        .select_related("participant")
        .order_by("ends_on", "pk")
    )


def participant_mandates(participant: Participant) -> list[Mandate]:
    return list(Mandate.objects.filter(participant=participant).order_by("-ends_on", "-pk"))


# --- programme figures ------------------------------------------------------------------


def helps_per_hub(hub_ids: Iterable[int], *, since: datetime) -> dict[int, tuple[int, int]]:
    """Per hub: (helps since `since`, helps in total). One query."""
    rows = (
        HelpQuestion.objects.filter(hub_id__in=list(hub_ids))
        .values("hub_id")
        .annotate(total=Count("id"), recent=Count("id", filter=Q(occurred_at__gte=since)))
        .order_by()
    )
    return {row["hub_id"]: (row["recent"], row["total"]) for row in rows}


def reached_participant_ids(hub_id: int, start: datetime, end: datetime) -> QuerySet[Any]:
    """Reach source: registered participants helped at the hub in [start, end)."""
    return HelpQuestion.objects.filter(
        hub_id=hub_id, occurred_at__gte=start, occurred_at__lt=end, participant__isnull=False
    ).values_list("participant_id", flat=True)


def anonymous_help_count(hub_id: int, start: datetime, end: datetime) -> tuple[Any, int]:
    """Reach left out: help questions at the hub in [start, end) with no person (anonymous
    visitors and quick tallies), which the users-reached count cannot include."""
    count = HelpQuestion.objects.filter(
        hub_id=hub_id, occurred_at__gte=start, occurred_at__lt=end, participant__isnull=True
    ).count()
    return _("help questions without a registered person (anonymous)"), count


def report_figures(hub_id: int, start: datetime, end: datetime) -> list[ReportFigure]:
    """For a grant report: help questions at the hub in [start, end), by topic (a
    question may have several topics), by result, and how many were anonymous. A period
    of whole days (a report's) reads the daily roll-up (helpdesk.rollups, exact): two
    queries whatever the number of helps; any other window is counted directly."""
    days = rollups.whole_days(start, end)
    if days is None:
        counts = rollups.count_helps(
            rollups.counted(
                HelpQuestion.objects.filter(
                    hub_id=hub_id, occurred_at__gte=start, occurred_at__lt=end
                )
            )
        )
    else:
        counts = rollups.day_counts(
            hub_id,
            *days,
            dimensions=(rollups.ALL, rollups.TOPIC, rollups.OUTCOME, rollups.ANONYMOUS),
        )
    total = counts.get((rollups.ALL, ""), 0)
    by_topic: list[tuple[str, int]] = []
    if total:
        numbers = {
            int(key): number
            for (dimension, key), number in counts.items()
            if dimension == rollups.TOPIC
        }
        topics = HelpTopic.objects.filter(pk__in=numbers).order_by("position", "code")
        totals = sorted(
            (TopicTotal(topic, numbers[topic.pk]) for topic in topics),
            key=lambda total_: -total_.number,
        )
        by_topic = [(total_.topic.name, total_.number) for total_ in totals]
    labels = dict(Outcome.choices)
    by_outcome = [
        (str(label), counts.get((rollups.OUTCOME, code), 0)) for code, label in labels.items()
    ]
    by_outcome.append((str(NOT_RECORDED), counts.get((rollups.OUTCOME, ""), 0)))
    anonymous = counts.get((rollups.ANONYMOUS, "1"), 0)
    return [
        ReportFigure(
            key="helpdesk.questions",
            label=_("Help questions"),
            value=total,
            breakdown=by_topic,
        ),
        ReportFigure(
            key="helpdesk.outcomes",
            label=_("Help questions by result"),
            value=total,
            breakdown=by_outcome if total else [],
        ),
        ReportFigure(
            key="helpdesk.anonymous",
            label=_("Anonymous helps (not counted as users reached)"),
            value=anonymous,
        ),
    ]
