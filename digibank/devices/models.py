"""The device bank: every device a hub holds, its lifecycle status, the data wipes and
repairs done on it, and stock-takes per location.

Asset tags are "DB" + the device id zero-padded to seven digits + one Luhn check digit,
for example DB00001234 for device 123. They are unique across the platform because ids
are, they need no counter table or retry loop, they stay short enough to type, and the
check digit catches a mistyped digit or two swapped digits when a tag is typed by hand
instead of scanned. The tag is written in the same transaction as the insert."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from digibank.core.models import TimestampedModel


class DeviceKind(models.TextChoices):
    LAPTOP = "laptop", _("Laptop")
    DESKTOP = "desktop", _("Desktop computer")
    TABLET = "tablet", _("Tablet")
    SMARTPHONE = "smartphone", _("Smartphone")
    MONITOR = "monitor", _("Monitor")
    MOBILE_HOTSPOT = "mobile_hotspot", _("Mobile hotspot")
    KEYBOARD_MOUSE = "keyboard_mouse", _("Keyboard and mouse")
    WEBCAM = "webcam", _("Webcam")
    HEADSET = "headset", _("Headset")
    PRINTER = "printer", _("Printer")
    OTHER = "other", _("Other")


# Kinds that store personal data: they need a passed data wipe before they are ready.
DATA_BEARING_KINDS = frozenset(
    {DeviceKind.LAPTOP, DeviceKind.DESKTOP, DeviceKind.TABLET, DeviceKind.SMARTPHONE}
)


class KeyboardLayout(models.TextChoices):
    AZERTY = "azerty", _("AZERTY")
    QWERTY = "qwerty", _("QWERTY")
    OTHER = "other", _("Other")


class DeviceSource(models.TextChoices):
    DONATION = "donation", _("Donation")
    PURCHASE = "purchase", _("Purchase")
    PROGRAMME = "programme", _("Programme (for example Digisprong)")


class ConditionGrade(models.TextChoices):
    A = "A", _("A: as new")
    B = "B", _("B: light signs of use")
    C = "C", _("C: clear signs of use")
    D = "D", _("D: works, with defects")


class DeviceStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    WIPING = "wiping", _("Data wipe")
    REFURBISHING = "refurbishing", _("Refurbishing")
    READY = "ready", _("Ready")
    RESERVED = "reserved", _("Reserved")
    ON_LOAN = "on_loan", _("On loan")
    RETURNED = "returned", _("Returned (to check)")
    IN_REPAIR = "in_repair", _("In repair")
    # "Retired" is also a person's situation (people.VisitorStatus): another word in
    # Dutch and French, hence the context.
    RETIRED = "retired", pgettext_lazy("device status", "Retired")


class RetirementReason(models.TextChoices):
    RECYCLED = "recycled", _("Recycled")
    LOST = "lost", _("Lost")
    STOLEN = "stolen", _("Stolen")
    NOT_RETURNED = "not_returned", _("Not returned by the borrower")
    GIVEN_AWAY = "given_away", _("Given away")


def tag_for_id(pk: int) -> str:
    """The asset tag of device `pk`: DB + 7 digits + Luhn check digit."""
    digits = f"{pk:07d}"
    return f"DB{digits}{luhn_digit(digits)}"


def luhn_digit(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def normalise_tag(text: str) -> str:
    """What a person typed or a scanner sent, as a tag: upper case, without spaces or
    dashes. A scanned URL gives its last path part: the tag of a label's URL
    (…/devices/t/DB00001234), or, for labels printed before tags were in the URL, the
    device id of …/devices/<id>/, turned into that device's tag."""
    text = text.strip()
    if "/" in text:
        text = text.split("?", 1)[0].split("#", 1)[0]
        parts = [part for part in text.split("/") if part]
        if len(parts) >= 2 and parts[-2] == "devices" and parts[-1].isdigit():
            pk = int(parts[-1])
            return tag_for_id(pk) if 0 < pk < 10**7 else ""
        text = parts[-1] if parts else ""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def tag_is_well_formed(tag: str) -> bool:
    return (
        len(tag) == 10
        and tag.startswith("DB")
        and tag[2:].isdigit()
        and luhn_digit(tag[2:9]) == int(tag[9])
    )


class Device(TimestampedModel):
    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="devices")
    tag = models.CharField(_("asset tag"), max_length=12, unique=True, null=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=DeviceKind.choices)
    make = models.CharField(_("make"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    cpu = models.CharField(_("processor"), max_length=100, blank=True)
    ram_gb = models.PositiveSmallIntegerField(_("memory (GB)"), null=True, blank=True)
    storage_gb = models.PositiveIntegerField(_("storage (GB)"), null=True, blank=True)
    os = models.CharField(_("operating system"), max_length=100, blank=True)
    keyboard_layout = models.CharField(
        _("keyboard layout"), max_length=10, choices=KeyboardLayout.choices, blank=True
    )
    source = models.CharField(
        _("source"), max_length=20, choices=DeviceSource.choices, default=DeviceSource.DONATION
    )
    donor = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donated_devices",
        verbose_name=_("donor organisation"),
    )
    programme_note = models.CharField(_("programme"), max_length=200, blank=True)
    intake_date = models.DateField(_("intake date"), default=timezone.localdate)
    value_cents = models.PositiveIntegerField(_("value (cents)"), null=True, blank=True)
    condition = models.CharField(
        _("condition"), max_length=1, choices=ConditionGrade.choices, default=ConditionGrade.B
    )
    location = models.ForeignKey(
        "network.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("current location"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeviceStatus.choices, default=DeviceStatus.RECEIVED
    )
    retirement_reason = models.CharField(
        _("reason for retirement"), max_length=20, choices=RetirementReason.choices, blank=True
    )
    # When the device last came in (intake or return): a data wipe must be later.
    cycle_started_at = models.DateTimeField(default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["hub", "status", "-id"], name="device_hub_status"),
            models.Index(fields=["hub", "kind", "status"], name="device_hub_kind_status"),
            models.Index(fields=["hub", "location", "status"], name="device_hub_location"),
            models.Index(fields=["hub", "-id"], name="device_hub_recent"),
            models.Index(fields=["hub", "serial_number"], name="device_hub_serial"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="retired", retirement_reason__in=list(RetirementReason.values))
                | (~Q(status="retired") & Q(retirement_reason="")),
                name="device_retirement_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=list(DeviceStatus.values)), name="device_status_known"
            ),
        ]
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self) -> str:
        name = " ".join(p for p in (self.make, self.model) if p) or self.get_kind_display()
        return f"{self.tag} {name}"

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.make, self.model) if p) or str(self.get_kind_display())

    @property
    def stores_data(self) -> bool:
        return self.kind in DATA_BEARING_KINDS


class WipeMethod(models.TextChoices):
    CLEAR = "clear", _("Clear (overwrite)")
    PURGE = "purge", _("Purge (secure erase, crypto erase)")
    DESTROY = "destroy", _("Destroy (storage physically destroyed)")


class WipeResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class DataWipe(models.Model):
    """A data wipe following NIST SP 800-88, with its verification."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="wipes")
    method = models.CharField(_("method (NIST SP 800-88)"), max_length=10, choices=WipeMethod)
    tool = models.CharField(_("tool"), max_length=100)
    wiped_on = models.DateField(_("date"), default=timezone.localdate)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("operator"),
    )
    result = models.CharField(_("verification"), max_length=10, choices=WipeResult)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    certificate = models.FileField(
        _("certificate (PDF)"), upload_to="devices/wipes/%Y/%m/", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["device", "-created_at"], name="wipe_device_recent")]
        verbose_name = _("data wipe")
        verbose_name_plural = _("data wipes")

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.wiped_on}"


class RepairOutcome(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    PARTLY_FIXED = "partly_fixed", _("Partly fixed")
    NOT_FIXED = "not_fixed", _("Not fixed")
    BEYOND_REPAIR = "beyond_repair", _("Beyond repair")


class Repair(models.Model):
    """A repair or maintenance job, possibly by a trainee of an IT-repair course."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="repairs")
    problem = models.TextField(_("problem"))
    parts = models.TextField(_("parts used"), blank=True)
    cost_cents = models.PositiveIntegerField(_("cost (cents)"), default=0)
    minutes_spent = models.PositiveIntegerField(_("time spent (minutes)"), default=0)
    repaired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("repaired by (team member)"),
    )
    trainee_name = models.CharField(_("repaired by (trainee)"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=RepairOutcome)
    repaired_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["device", "-created_at"], name="repair_device_recent")]
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")

    def __str__(self) -> str:
        return self.problem[:50]


class StockTake(models.Model):
    """Counting the devices at one location on one day."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        "network.Location", on_delete=models.PROTECT, related_name="stock_takes"
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    devices = models.ManyToManyField(Device, through="StockTakeSeen", related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")

    def __str__(self) -> str:
        return f"{self.location_id} {self.created_at:%Y-%m-%d}"


class StockTakeSeen(models.Model):
    stock_take = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="seen")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stock_take", "device"], name="stock_take_seen_once")
        ]

    def __str__(self) -> str:
        return f"{self.stock_take_id}:{self.device_id}"


class DevicePhoto(models.Model):
    """A photo of a device (JPEG or PNG, checked and re-encoded without its metadata),
    with a small thumbnail. Files are never public media: they are served through a
    view that checks the member's hub and permission."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="devices/photos/%Y/%m/")
    thumbnail = models.FileField(upload_to="devices/photos/%Y/%m/")
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["device", "created_at"], name="device_photo_device")]
        verbose_name = _("device photo")
        verbose_name_plural = _("device photos")

    def __str__(self) -> str:
        return self.description or f"photo {self.pk}"
