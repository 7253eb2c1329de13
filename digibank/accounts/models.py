from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digibank.core.models import TimestampedModel

from .roles import HUB_PERMISSIONS, HubRole, ProgrammeRoleKind


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        # An account made here is in use at once (admins, seeds, tests); self sign-up
        # and invitations make theirs inactive until the address is proven.
        if extra.get("is_active", True):
            extra.setdefault("activated_at", timezone.now())
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who works in digibank: staff, volunteer, trainer, officer or admin.
    The people a hub serves are participants (people app), not users."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, default="nl")
    is_active = models.BooleanField(_("active"), default=True)
    # Platform admins: manage programmes, hubs and accounts through the admin site.
    is_staff = models.BooleanField(_("platform admin"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # When the owner of the address first proved it (an activation or invitation link);
    # empty while a signed-up or invited account waits for that.
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def awaits_activation(self) -> bool:
        """Signed up or invited, but the address was never proven: holds nothing yet."""
        return not self.is_active and self.activated_at is None

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(TimestampedModel):
    """A user's role in one hub. A user may hold memberships in several hubs."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    hub = models.ForeignKey("network.Hub", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=HubRole.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # Invited, waiting for the account's owner to accept through the e-mailed link.
    # A pending membership grants nothing: it is never active.
    pending = models.BooleanField(_("invitation not accepted yet"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "hub"], name="membership_one_per_hub"),
            models.CheckConstraint(
                condition=~models.Q(pending=True, is_active=True),
                name="membership_pending_grants_nothing",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=HubRole.values), name="membership_role_known"
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.hub}"

    @property
    def permissions(self) -> frozenset[str]:
        return HUB_PERMISSIONS[self.role] if self.is_active else frozenset()

    def has_perm(self, permission: str) -> bool:
        return permission in self.permissions


class ProgrammeRole(TimestampedModel):
    """A funder's role on a programme: sees aggregates only, never personal data."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="programme_roles")
    programme = models.ForeignKey(
        "network.Programme", on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=ProgrammeRoleKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "role"], name="programme_role_unique"
            ),
        ]
        verbose_name = _("programme role")
        verbose_name_plural = _("programme roles")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.programme}"


class RateCounter(models.Model):
    """How often something was tried for one key (an IP address, an e-mail address)
    since `started_at`: the shared store for rate limits across web processes."""

    key = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField()
    last_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
