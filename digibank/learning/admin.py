"""The platform admin's tools for learning reference data: the DigComp competences (their
names in three languages). Courses, sessions and enrolments are hub data, reached only
through a hub membership, and are deliberately absent."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from digibank.core.admin import JournaledAdmin

from .digcomp import Competence


@admin.register(Competence)
class CompetenceAdmin(JournaledAdmin):
    list_display = ("code", "area", "name_en", "name_nl", "name_fr")
    list_filter = ("area",)
    search_fields = ("code", "name_en", "name_nl", "name_fr")
    ordering = ("position", "code")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # courses refer to competences; the 21 codes are fixed
