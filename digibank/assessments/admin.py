"""The questionnaire for platform admins. Statements that people have rated are never
changed in place: the service retires the old version and saves a new one (see
services.statement_save), so old answers keep the sentence the person saw. Personal data
(assessments, answers) is not in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from digibank.core.admin import JournaledAdmin

from . import services
from .models import Statement


@admin.register(Statement)
class StatementAdmin(JournaledAdmin):
    list_display = ["area", "position", "text_en", "text_nl", "text_fr", "active"]
    list_filter = ["area", "active"]
    search_fields = ["text_en", "text_nl", "text_fr"]
    ordering = ["-active", "area", "position", "id"]
    fields = ["area", "position", "text_nl", "text_fr", "text_en", "active", "replaces"]
    readonly_fields = ["replaces"]

    def save_model(self, request: HttpRequest, obj: Statement, form: Any, change: bool) -> None:
        services.statement_save(
            actor=request.user, statement=obj, changed=list(form.changed_data) if change else []
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Rated statements stay (answers point at them); unrated ones may go.
        if obj is not None and obj.answers.exists():
            return False
        return super().has_delete_permission(request, obj)
