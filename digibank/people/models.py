"""The people a hub serves: participants with minimal data, their consents, and
anonymous visitor records. Never a national register number."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from digibank.core.indexes import PrefixSearchIndex
from digibank.core.models import TimestampedModel


class TargetGroup(models.TextChoices):
    JOBSEEKER = "jobseeker", _("Jobseeker")
    LOW_INCOME = "low_income", _("Low income or increased allowance")
    SENIOR = "senior", _("Senior")
    NEWCOMER = "newcomer", _("Newcomer")
    DISABILITY = "disability", _("Person with a disability")
    LOW_LITERACY = "low_literacy", _("Low literacy")
    YOUTH = "youth", _("Young person")
    PUPIL = "pupil", _("Pupil or student")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    X = "x", _("Other or non-binary")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    ARABIC = "ar", _("Arabic")
    TURKISH = "tr", _("Turkish")
    POLISH = "pl", _("Polish")
    ROMANIAN = "ro", _("Romanian")
    RUSSIAN = "ru", _("Russian")
    UKRAINIAN = "uk", _("Ukrainian")
    SPANISH = "es", _("Spanish")
    PERSIAN = "fa", _("Persian (Farsi/Dari)")
    PASHTO = "ps", _("Pashto")
    TIGRINYA = "ti", _("Tigrinya")
    SOMALI = "so", _("Somali")
    OTHER = "other", _("Other")


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def active(self) -> ParticipantQuerySet:
        """Records in use: not merged into another one."""
        return self.filter(merged_into__isnull=True)


class Participant(TimestampedModel):
    """A person the hub serves. Every personal field is optional; a hub may require some.
    The *_key columns hold folded copies for fast, accent- and case-blind prefix search;
    services keep them in step (see people.services)."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="participants")
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    municipality = models.ForeignKey(
        "network.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.DUTCH
    )

    # Search keys: folded, accent-free, no spaces; phone as digits and reversed digits.
    given_key = models.CharField(max_length=100, blank=True, editable=False)
    family_key = models.CharField(max_length=100, blank=True, editable=False)
    family_tail_key = models.CharField(max_length=100, blank=True, editable=False)
    phone_digits = models.CharField(max_length=32, blank=True, editable=False)
    phone_reversed = models.CharField(max_length=32, blank=True, editable=False)

    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["family_key", "given_key", "id"]
        indexes = [
            PrefixSearchIndex(fields=["hub", "family_key"], name="participant_family"),
            PrefixSearchIndex(fields=["hub", "given_key"], name="participant_given"),
            PrefixSearchIndex(fields=["hub", "family_tail_key"], name="participant_family_tail"),
            PrefixSearchIndex(fields=["hub", "phone_digits"], name="participant_phone"),
            PrefixSearchIndex(fields=["hub", "phone_reversed"], name="participant_phone_rev"),
            PrefixSearchIndex(fields=["hub", "postcode"], name="participant_postcode"),
            # E-mail addresses are stored in lowercase (see people.services).
            PrefixSearchIndex(fields=["hub", "email"], name="participant_email"),
            models.Index(fields=["hub", "-created_at"], name="participant_recent"),
            models.Index(fields=["last_seen_at"], name="participant_last_seen"),
            # The search page without a query: the hub's active records, newest first.
            models.Index(
                fields=["hub", "-created_at", "-id"],
                condition=Q(merged_into__isnull=True, anonymised_at__isnull=True),
                name="participant_recent_active",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900),
                name="participant_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="participant_not_merged_into_self"
            ),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.anonymised_at:
            return str(_("Anonymised person #%(id)s") % {"id": self.pk})
        name = f"{self.given_name} {self.family_name}".strip()
        return name or str(_("Person #%(id)s") % {"id": self.pk})

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class ParticipantTargetGroup(models.Model):
    """A participant belongs to a target group (a person may be in several)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="target_groups"
    )
    group = models.CharField(_("target group"), max_length=20, choices=TargetGroup.choices)

    class Meta:
        ordering = ["group"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "group"], name="target_group_once")
        ]
        indexes = [models.Index(fields=["group", "participant"], name="target_group_reporting")]

    def __str__(self) -> str:
        return self.get_group_display()


class ConsentPurpose(models.TextChoices):
    REGISTRATION = "registration", _("Keeping my data to help me")
    CONTACT = "contact", _("Contacting me by phone, SMS or e-mail")
    PHOTOS = "photos", _("Photos for the hub's communication")
    SHARE_PARTNERS = "share_partners", _("Sharing my data with partner organisations")


class Consent(models.Model):
    """Consent given for one purpose under one version of the privacy notice; withdrawn
    consent keeps its row (when it was withdrawn, and by whom it was recorded)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    notice_version = models.CharField(_("privacy notice version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_purpose",
            ),
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.notice_version})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("Under 18")
    FROM_18 = "18-24", _("18 to 24")
    FROM_25 = "25-44", _("25 to 44")
    FROM_45 = "45-64", _("45 to 64")
    FROM_65 = "65-79", _("65 to 79")
    FROM_80 = "80+", _("80 or older")
    UNKNOWN = "", _("Unknown")


class VisitorStatus(models.TextChoices):
    JOBSEEKER = "jobseeker", _("Jobseeker")
    EMPLOYED = "employed", _("Working")
    RETIRED = "retired", pgettext_lazy("person's situation", "Retired")
    STUDENT = "student", _("Pupil or student")
    OTHER = "other", _("Other")
    UNKNOWN = "", _("Unknown")


class AnonymousVisitor(models.Model):
    """Someone helped without being registered: only what counts for the figures."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="visitors")
    location = models.ForeignKey(
        "network.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    visited_on = models.DateField(_("date"), default=timezone.localdate)
    age_band = models.CharField(_("age"), max_length=8, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=VisitorStatus.choices, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["hub", "-visited_on"], name="visitor_hub_date")]
        verbose_name = _("anonymous visitor")
        verbose_name_plural = _("anonymous visitors")

    def __str__(self) -> str:
        return f"{self.visited_on} {self.get_age_band_display()}"
