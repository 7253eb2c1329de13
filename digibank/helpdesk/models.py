"""The help desk: help questions logged at help points (one row per help given,
anonymous allowed), the topic list they are counted under, digihelpers' profiles and
the official mandates a participant gave someone they trust. Never a password, PIN or
code of the people helped."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from digibank.people.models import AgeBand, Gender, Language, VisitorStatus


class HelpTopic(models.Model):
    """What a help was about. Platform-wide reference data with its own translations,
    editable by platform admins in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("help topic")
        verbose_name_plural = _("help topics")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (translation.get_language() or "nl")[:2]
        return str(getattr(self, f"name_{language}", "") or self.name_nl)


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    APPOINTMENT = "appointment", _("Appointment")
    PHONE = "phone", _("Phone")
    HOME_VISIT = "home_visit", _("Home visit")
    MOBILE_POINT = "mobile_point", _("Mobile point")
    REMOTE = "remote", _("Remote")


class Autonomy(models.TextChoices):
    FOR_THEM = "for_them", _("I did it for them")
    TOGETHER = "together", _("We did it together")
    THEMSELVES = "themselves", _("They did it themselves")


class Outcome(models.TextChoices):
    SOLVED = "solved", _("Solved")
    PARTLY = "partly", _("Partly solved")
    REFERRED = "referred", _("Referred to an organisation")


# Shown for an outcome, autonomy or duration nobody chose: a category of its own.
NOT_RECORDED = _("Not recorded")


class HelpQuestionQuerySet(models.QuerySet["HelpQuestion"]):
    def incomplete(self) -> HelpQuestionQuerySet:
        return self.filter(is_complete=False)

    def follow_ups_open(self) -> HelpQuestionQuerySet:
        return self.filter(follow_up_needed=True, follow_up_done_at__isnull=True)


class CountedManager(models.Manager["HelpQuestion"]):
    """The default manager: withdrawn helps (a mistaken tap or log) leave every list,
    figure, report and reach count. `HelpQuestion.all_objects` still sees them (the
    journal, the withdraw service)."""

    def get_queryset(self) -> HelpQuestionQuerySet:
        return HelpQuestionQuerySet(self.model, using=self._db).filter(withdrawn_at__isnull=True)


class HelpQuestion(models.Model):
    """One help given. The person is a participant, or anonymous (age band, gender,
    status, postcode only). A quick tally row has just a topic and `is_complete` False
    until someone completes it (or leaves it anonymous).

    `referred_to` is the organisation's name as typed: people are sent to the health
    insurer, the tax office, the OCMW, most of which are not (and need not be) in the
    platform's organisation list, and a helper on a phone types a name faster than they
    search a list of thousands."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        "network.Location",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("help point"),
    )
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    topics = models.ManyToManyField(HelpTopic, related_name="+", verbose_name=_("topics"))
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WALK_IN
    )
    # Empty: not recorded (nothing is pre-selected unless the hub chose defaults).
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True
    )
    autonomy = models.CharField(_("autonomy"), max_length=12, choices=Autonomy.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    follow_up_due = models.DateField(_("follow up by"), null=True, blank=True)
    follow_up_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who follows up"),
    )
    follow_up_done_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    follow_up_outcome = models.CharField(
        _("what came of it"), max_length=300, blank=True, default=""
    )
    note = models.CharField(_("short note"), max_length=500, blank=True)
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    age_band = models.CharField(_("age"), max_length=8, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=VisitorStatus.choices, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    is_complete = models.BooleanField(_("complete"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.CharField(
        _("why it was withdrawn"), max_length=300, blank=True, default=""
    )

    objects = CountedManager()
    all_objects = HelpQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # Framework code (admin, anonymisation, merges) sees withdrawn helps too.
        default_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["location", "occurred_at"], name="helpq_location_time"),
            models.Index(fields=["hub", "occurred_at"], name="helpq_hub_time"),
            # Covering index of the reach count (funding.reach).
            models.Index(fields=["hub", "occurred_at", "participant"], name="helpq_reach"),
            models.Index(fields=["participant", "-occurred_at"], name="helpq_participant"),
            models.Index(fields=["helper", "occurred_at"], name="helpq_helper_time"),
            models.Index(
                fields=["helper", "occurred_at"],
                condition=Q(is_complete=False),
                name="helpq_helper_incomplete",
            ),
            models.Index(
                fields=["hub", "follow_up_due"],
                condition=Q(follow_up_needed=True, follow_up_done_at__isnull=True),
                name="helpq_follow_up_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__lte=600),
                name="helpq_duration_plausible",
            ),
            models.CheckConstraint(
                condition=Q(participant__isnull=True)
                | Q(age_band="", gender="", status="", postcode=""),
                name="helpq_person_or_anonymous",
            ),
        ]
        verbose_name = _("help question")
        verbose_name_plural = _("help questions")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} #{self.pk}"


class HelpdeskSettings(models.Model):
    """A hub's own defaults for the help form. Without them nothing is pre-selected, so
    an outcome nobody chose is "not recorded", never a silent "solved"."""

    hub = models.OneToOneField("network.Hub", on_delete=models.CASCADE, related_name="+")
    default_duration = models.PositiveSmallIntegerField(
        _("usual duration (minutes)"), null=True, blank=True
    )
    default_autonomy = models.CharField(
        _("usual answer to 'who did it?'"), max_length=12, choices=Autonomy.choices, blank=True
    )
    default_outcome = models.CharField(
        _("usual result"), max_length=10, choices=Outcome.choices, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(default_duration__isnull=True)
                | Q(default_duration__gte=1, default_duration__lte=600),
                name="helpdesk_settings_duration",
            )
        ]
        verbose_name = _("help desk settings")
        verbose_name_plural = _("help desk settings")

    def __str__(self) -> str:
        return f"{self.hub_id}"


class DigihelperProfile(models.Model):
    """What a member of the hub can help with: topics, languages, help points and when
    they are usually available."""

    hub = models.ForeignKey("network.Hub", on_delete=models.CASCADE, related_name="+")
    membership = models.OneToOneField(
        "accounts.Membership", on_delete=models.CASCADE, related_name="digihelper_profile"
    )
    topics = models.ManyToManyField(
        HelpTopic, blank=True, related_name="+", verbose_name=_("topics I can help with")
    )
    locations = models.ManyToManyField(
        "network.Location", blank=True, related_name="+", verbose_name=_("help points")
    )
    availability = models.CharField(_("availability"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("digihelper profile")
        verbose_name_plural = _("digihelper profiles")

    def __str__(self) -> str:
        return f"{self.membership}"


class HelperLanguage(models.Model):
    """A language a digihelper speaks (one row each, so 'who speaks Arabic' is indexed)."""

    profile = models.ForeignKey(
        DigihelperProfile, on_delete=models.CASCADE, related_name="languages"
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "language"], name="helper_language_once")
        ]
        indexes = [models.Index(fields=["language", "profile"], name="helper_language_find")]

    def __str__(self) -> str:
        return self.get_language_display()


class MandateKind(models.TextChoices):
    MYMINFIN = "myminfin", _("MyMinfin mandate")
    BURGERPROFIEL = "burgerprofiel", _("Mijn Burgerprofiel volmacht")
    OTHER = "other", _("Other mandate")


class Mandate(models.Model):
    """An official mandate a participant gave through the service itself (who holds it,
    until when). Never credentials: helpers help, they do not log in as the person."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        "people.Participant", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind of mandate"), max_length=16, choices=MandateKind.choices)
    holder_name = models.CharField(_("holder"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    note = models.CharField(_("short note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["ends_on", "id"]
        indexes = [
            models.Index(fields=["hub", "ends_on"], name="mandate_hub_ends"),
            models.Index(fields=["ends_on"], name="mandate_ends"),
            models.Index(fields=["participant", "ends_on"], name="mandate_participant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="mandate_ends_after_start"
            )
        ]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.ends_on}"


class HelpDayCount(models.Model):
    """Daily roll-up of a hub's help questions: for one hub and one day (Europe/Brussels),
    the number of helps in total (dimension "all", key ""), per topic ("topic", the topic
    id), per channel and per outcome. Reports over a year read a few thousand of these
    rows instead of half a million helps. Kept exact by helpdesk.rollups.refresh, which
    every write path of help questions calls in its own transaction; the "all" row of a
    day is also the lock that serialises two recounts of the same day."""

    hub = models.ForeignKey("network.Hub", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    dimension = models.CharField(max_length=16)
    key = models.CharField(max_length=32, blank=True)
    number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "day", "dimension", "key"], name="helpdaycount_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["hub", "dimension", "day", "key", "number"], name="helpdaycount_read"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hub_id} {self.day} {self.dimension}:{self.key}={self.number}"
