"""Digital skills self-assessments based on DigComp 2.2.

The questionnaire is data (`Statement`): a few plain-language "I can ..." statements per
DigComp area, in Dutch, French and English, editable by platform admins. A participant
rates each statement on the EU self-test's 5-point scale (`Rating`), before and after a
course (`Assessment`, `Answer`).

Old answers keep their meaning when an admin rewrites a statement: a statement that has
answers is never changed in place. Changing its text retires the old row (inactive, text
untouched) and adds a new one that `replaces` it (copy-on-write versions, see
`services.statement_save`). Answers point at the exact version the person rated, and the
texts are stored once per version instead of once per answer.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from digibank.core.models import TimestampedModel

AREA_NUMBERS = (1, 2, 3, 4, 5)


class Rating(models.IntegerChoices):
    """The EU digital skills self-test's scale."""

    NOT_YET = 1, _("I don't know how to do this")
    WITH_HELP = 2, _("I can do it with help")
    ON_MY_OWN = 3, _("I can do it on my own")
    CONFIDENT = 4, _("I can do it easily and confidently")
    GUIDE_OTHERS = 5, _("I can guide others")


class Moment(models.TextChoices):
    BEFORE = "before", _("Before the course")
    AFTER = "after", _("After the course")
    OTHER = "other", _("Another moment")


class Way(models.TextChoices):
    SCREEN = "screen", _("On screen, with the person")
    PAPER = "paper", _("Typed in from a paper form")


class Statement(TimestampedModel):
    """One "I can ..." statement of the questionnaire, in one DigComp area."""

    area = models.PositiveSmallIntegerField(
        _("DigComp area"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    position = models.PositiveSmallIntegerField(_("position in the area"), default=1)
    text_nl = models.CharField(_("text in Dutch"), max_length=200)
    text_fr = models.CharField(_("text in French"), max_length=200)
    text_en = models.CharField(_("text in English"), max_length=200)
    active = models.BooleanField(
        _("in the questionnaire"),
        default=True,
        help_text=_("Only active statements are asked. Old answers keep their statement."),
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("earlier version"),
        editable=False,
    )

    class Meta:
        ordering = ["area", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__gte=1, area__lte=5), name="statement_area_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["area", "position"],
                condition=Q(active=True),
                name="statement_one_active_per_position",
                violation_error_message=_(
                    "Another active statement of this area has this position."
                ),
            ),
        ]
        verbose_name = _("self-assessment statement")
        verbose_name_plural = _("self-assessment statements")

    def __str__(self) -> str:
        return f"{self.area}.{self.position} {self.text}"

    @property
    def text(self) -> str:
        """The text in the active language (Dutch, French or English; else English)."""
        language = (translation.get_language() or "en")[:2]
        return str(getattr(self, f"text_{language}", "") or self.text_en)


class Assessment(models.Model):
    """One self-assessment of one participant at one moment."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        "people.Participant", on_delete=models.PROTECT, related_name="assessments"
    )
    taken_at = models.DateTimeField(_("taken on"), default=timezone.now)
    moment = models.CharField(_("moment"), max_length=8, choices=Moment.choices)
    # Optional: an assessment may be taken outside a course.
    course = models.ForeignKey(
        "learning.Course",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    way = models.CharField(_("how"), max_length=8, choices=Way.choices, default=Way.SCREEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The newest assessment of this participant for this course (or without a course) and
    # moment; `paired` when it is the latest "before" or "after" and the other one exists
    # too. Kept by the services (services.refresh_latest), so the hub overview's "latest
    # before and latest after of the same person" is one indexed filter.
    latest = models.BooleanField(default=False, editable=False)
    paired = models.BooleanField(default=False, editable=False)
    # Per area, the sum of the ratings and the number of answers: a copy of the answers
    # (which never change), so averages over a hub read one row per assessment instead
    # of sixteen answers (set by services.assessment_record).
    sum_area_1 = models.PositiveSmallIntegerField(default=0, editable=False)
    sum_area_2 = models.PositiveSmallIntegerField(default=0, editable=False)
    sum_area_3 = models.PositiveSmallIntegerField(default=0, editable=False)
    sum_area_4 = models.PositiveSmallIntegerField(default=0, editable=False)
    sum_area_5 = models.PositiveSmallIntegerField(default=0, editable=False)
    count_area_1 = models.PositiveSmallIntegerField(default=0, editable=False)
    count_area_2 = models.PositiveSmallIntegerField(default=0, editable=False)
    count_area_3 = models.PositiveSmallIntegerField(default=0, editable=False)
    count_area_4 = models.PositiveSmallIntegerField(default=0, editable=False)
    count_area_5 = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [
            models.Index(fields=["participant", "-taken_at"], name="assessment_participant"),
            models.Index(
                fields=["hub", "course", "moment"],
                condition=Q(paired=True),
                name="assessment_hub_paired",
            ),
            models.Index(fields=["hub", "-taken_at"], name="assessment_hub_recent"),
        ]
        constraints = [
            # At most one "latest" per participant, course (or none) and moment.
            models.UniqueConstraint(
                fields=["participant", "course", "moment"],
                condition=Q(latest=True, course__isnull=False),
                name="assessment_one_latest_per_course",
            ),
            models.UniqueConstraint(
                fields=["participant", "moment"],
                condition=Q(latest=True, course__isnull=True),
                name="assessment_one_latest_without_course",
            ),
        ]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")

    def __str__(self) -> str:
        return f"{self.get_moment_display()} {self.taken_at:%Y-%m-%d}"

    def area_totals(self) -> dict[int, tuple[int, int]]:
        """{area: (sum of ratings, number of answers)}."""
        return {
            area: (getattr(self, f"sum_area_{area}"), getattr(self, f"count_area_{area}"))
            for area in AREA_NUMBERS
        }


def area_totals_of(ratings: list[tuple[int, int]]) -> dict[str, int]:
    """The per-area columns of an assessment from its (area, rating) pairs."""
    values = {f"{kind}_area_{area}": 0 for kind in ("sum", "count") for area in AREA_NUMBERS}
    for area, rating in ratings:
        values[f"sum_area_{area}"] += rating
        values[f"count_area_{area}"] += 1
    return values


class Answer(models.Model):
    """The rating a participant gave one statement (one version of it)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="answers")
    # A copy of the statement's area, so averages per area need no join.
    area = models.PositiveSmallIntegerField()
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)

    class Meta:
        ordering = ["area", "statement__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "statement"], name="answer_once_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="answer_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(area__gte=1, area__lte=5), name="answer_area_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.rating}"
