from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext

from .journal import journal_write
from .models import JournalEntry


def labelled_in_rows[F: BaseForm](form_class: type[F]) -> type[F]:
    """The form of a table row (a list-edit row, a tabular inline) with each field named
    by its column and its row: the admin shows those fields under a column header, with
    no <label> a screen reader could read."""

    class Labelled(form_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            instance = getattr(self, "instance", None)
            row = str(instance) if instance is not None and instance.pk else gettext("new row")
            for field in self.fields.values():
                field.widget.attrs.setdefault("aria-label", f"{field.label} ({row})")

    Labelled.__name__ = form_class.__name__
    return Labelled


class NamedValuesFilter(admin.AllValuesFieldListFilter):
    """Every value of a field as a filter, an empty text named "(none)" rather than a
    link with no text (a Brussels municipality has no province)."""

    def choices(self, changelist: Any) -> Any:
        for choice in super().choices(changelist):
            if not str(choice["display"]).strip():
                choice["display"] = gettext("(none)")
            yield choice


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose fields screen readers can name (see labelled_in_rows)."""

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):  # type: ignore[valid-type,misc]
            form = labelled_in_rows(formset.form)

            def add_fields(self, form: Any, index: Any) -> None:
                # The formset adds "delete" after the form is made: name it here.
                super().add_fields(form, index)
                if delete := form.fields.get("DELETE"):
                    row = str(form.instance) if form.instance.pk else gettext("new row")
                    delete.widget.attrs.setdefault("aria-label", f"{delete.label} ({row})")

        return LabelledFormSet


class JournaledAdmin(admin.ModelAdmin):
    """Admin for platform admins: every change made here lands in the audit journal
    too, in the same transaction as the change (the admin wraps saves in one)."""

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        return labelled_in_rows(super().get_changelist_form(request, **kwargs))

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
