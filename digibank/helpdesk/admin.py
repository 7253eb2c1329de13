from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from digibank.core.admin import JournaledAdmin

from .models import HelpTopic


@admin.register(HelpTopic)
class HelpTopicAdmin(JournaledAdmin):
    """The topic list, with its translations: platform reference data."""

    list_display = ["position", "code", "name_nl", "name_fr", "name_en", "is_active"]
    list_display_links = ["code"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_nl", "name_fr", "name_en"]
    ordering = ["position", "code"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # topics in use are switched off, not deleted
