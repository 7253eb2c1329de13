"""Programmes, organisations, hubs (digibanken and other funded projects), their
partners and help points, and the Belgian reference data they stand on."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from digibank.core.models import TimestampedModel

from .validators import validate_enterprise_number


class Region(models.TextChoices):
    FLANDERS = "flanders", _("Flanders")
    BRUSSELS = "brussels", _("Brussels")
    WALLONIA = "wallonia", _("Wallonia")


class Municipality(models.Model):
    """A Belgian municipality by NIS code. Ceased ones (2025 mergers) are kept with the
    code they merged into, so old addresses still resolve."""

    nis_code = models.CharField(_("NIS code"), max_length=5, primary_key=True)
    name_nl = models.CharField(_("name in Dutch"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100)
    name_de = models.CharField(_("name in German"), max_length=100)
    province_nl = models.CharField(_("province"), max_length=40, blank=True)
    region = models.CharField(_("region"), max_length=10, choices=Region.choices)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if get_language() == "fr":
            return self.name_fr
        return self.name_nl

    @property
    def is_current(self) -> bool:
        return self.valid_until is None


class Postcode(models.Model):
    """A place under a postcode, with the current municipality and coordinates."""

    code = models.CharField(_("postcode"), max_length=4, db_index=True)
    place_name = models.CharField(_("place"), max_length=100)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="postcodes",
        verbose_name=_("municipality"),
    )
    latitude = models.DecimalField(max_digits=7, decimal_places=4)
    longitude = models.DecimalField(max_digits=7, decimal_places=4)

    class Meta:
        ordering = ["code", "place_name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "place_name"], name="postcode_place_unique")
        ]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")

    def __str__(self) -> str:
        return f"{self.code} {self.place_name}"


class Programme(TimestampedModel):
    """A funder's plan, such as the seven digital-inclusion plans of Vlaamse Veerkracht."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    policy_domain = models.CharField(_("policy domain"), max_length=200)
    minister = models.CharField(_("responsible minister"), max_length=200, blank=True)
    budget_cents = models.BigIntegerField(_("budget (cents)"), null=True, blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_cents__isnull=True) | Q(budget_cents__gte=0),
                name="programme_budget_not_negative",
            )
        ]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name


class Spearhead(models.Model):
    """One of a programme's ordered priorities (speerpunten)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="spearheads")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("spearhead"))

    class Meta:
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "position"], name="spearhead_position")
        ]
        verbose_name = _("spearhead")
        verbose_name_plural = _("spearheads")

    def __str__(self) -> str:
        return self.text


class OrganisationKind(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    COMPANY = "company", _("Company")
    KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institution")
    CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
    SCHOOL = "school", _("School")
    CARE = "care", _("Care organisation")
    OTHER = "other", _("Other")


class Organisation(TimestampedModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=10,
        blank=True,
        validators=[validate_enterprise_number],
        help_text=_("Ten digits, for example 0123.456.749."),
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="organisation_enterprise_number_unique",
            )
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class HubStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


# Participant fields a hub may make required when people are registered.
PARTICIPANT_OPTIONAL_FIELDS = (
    "given_name",
    "family_name",
    "phone",
    "email",
    "birth_year",
    "postcode",
)


class Hub(TimestampedModel):
    """A digibank or any other funded project: the tenant every operational row
    belongs to."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="hubs", verbose_name=_("programme")
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_hubs",
        verbose_name=_("lead organisation"),
    )
    service_area = models.ManyToManyField(
        Municipality, related_name="hubs", blank=True, verbose_name=_("service area")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HubStatus.choices, default=HubStatus.ACTIVE
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Which participant fields this hub requires (besides none by default).
    required_participant_fields = models.JSONField(default=list, blank=True)
    # Message hours (core.messaging): no SMS or e-mail to a participant outside them;
    # day-before reminders go out at the reminder time.
    messages_from = models.TimeField(_("send messages from"), default=datetime.time(8))
    messages_until = models.TimeField(_("send messages until"), default=datetime.time(21))
    reminder_time = models.TimeField(_("send day-before reminders at"), default=datetime.time(10))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="hub_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(messages_until__gt=F("messages_from"))
                & Q(reminder_time__gte=F("messages_from"))
                & Q(reminder_time__lt=F("messages_until")),
                name="hub_message_hours_ordered",
            ),
        ]
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")

    def __str__(self) -> str:
        return self.name


class PartnerType(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    COMPANY = "company", _("Company")
    KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institution")
    CIVIL_SOCIETY = "civil_society", _("Civil society")


class HubPartner(TimestampedModel):
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships"
    )
    partner_type = models.CharField(_("partner type"), max_length=30, choices=PartnerType.choices)
    role = models.CharField(_("role in the partnership"), max_length=200, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "organisation"], name="hub_partner_once")
        ]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_partner_type_display()})"


class LocationKind(models.TextChoices):
    HELP_POINT = "help_point", _("Help point")
    DIGIPUNT = "digipunt", _("Digipunt")
    SCHOOL = "school", _("School")
    LIBRARY = "library", _("Library")
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    OTHER = "other", _("Other")


class Location(TimestampedModel):
    """A place where the hub serves people: a help point, digipunt, school or library."""

    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, related_name="locations", verbose_name=_("hub")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=LocationKind.choices)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    offers_lending = models.BooleanField(_("lends devices"), default=False)
    offers_training = models.BooleanField(_("gives training"), default=False)
    offers_help_desk = models.BooleanField(_("help desk"), default=True)
    is_mobile = models.BooleanField(_("mobile point"), default=False)
    offers_home_visits = models.BooleanField(_("home visits"), default=False)
    accessibility_notes = models.TextField(_("accessibility"), blank=True)
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["hub", "name"], name="location_hub_name")]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """A weekly opening period; a day may have several (morning and afternoon)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="opening_hours_ordered"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday"
            ),
        ]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class OpeningException(models.Model):
    """A day that differs from the weekly hours: closed (holiday) or other hours."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    is_closed = models.BooleanField(_("closed all day"), default=True)
    opens_at = models.TimeField(_("opens"), null=True, blank=True)
    closes_at = models.TimeField(_("closes"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["location", "date"], name="opening_exception_once"),
            models.CheckConstraint(
                condition=Q(is_closed=True)
                | Q(opens_at__isnull=False, closes_at__isnull=False, closes_at__gt=F("opens_at")),
                name="opening_exception_hours",
            ),
        ]
        verbose_name = _("exception to the opening hours")
        verbose_name_plural = _("exceptions to the opening hours")

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"
