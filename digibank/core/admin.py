from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .journal import journal_write
from .models import JournalEntry


class JournaledAdmin(admin.ModelAdmin):
    """Admin for platform admins: every change made here lands in the audit journal
    too, in the same transaction as the change (the admin wraps saves in one)."""

    def _journal(self, request: HttpRequest, obj: models.Model, verb: str) -> None:
        journal_write(
            actor=request.user,
            action=f"admin.{verb}",
            subject=obj,
            hub_id=getattr(obj, "hub_id", None),
            details={"model": obj._meta.label_lower},
        )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._journal(request, obj, "add")
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._journal(request, obj, "change")
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._journal(request, obj, "delete")
        return super().log_deletions(request, queryset)


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    """The journal, read only, for audits by platform admins."""

    list_display = [
        "created_at",
        "actor",
        "action",
        "hub_id",
        "participant_id",
        "subject_type",
        "subject_id",
    ]
    list_filter = ["action"]
    search_fields = ["action", "subject_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
