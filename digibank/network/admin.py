"""The platform admin's tools for programmes, organisations and hubs. Participants are
deliberately absent: personal data is reached only through a hub membership."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from digibank.core.admin import JournaledAdmin, LabelledTabularInline, NamedValuesFilter

from .models import (
    Hub,
    HubPartner,
    Location,
    Municipality,
    OpeningException,
    OpeningHours,
    Organisation,
    Postcode,
    Programme,
    Spearhead,
)


class SpearheadInline(LabelledTabularInline):
    model = Spearhead
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(JournaledAdmin):
    list_display = ["name", "policy_domain", "minister", "budget_cents"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SpearheadInline]


@admin.register(Organisation)
class OrganisationAdmin(JournaledAdmin):
    list_display = ["name", "kind", "enterprise_number", "municipality"]
    list_filter = ["kind"]
    search_fields = ["name", "enterprise_number"]
    autocomplete_fields = ["municipality"]


class HubPartnerInline(LabelledTabularInline):
    model = HubPartner
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Hub)
class HubAdmin(JournaledAdmin):
    list_display = ["name", "programme", "lead_organisation", "status", "starts_on", "ends_on"]
    list_filter = ["status", "programme"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead_organisation", "service_area"]
    inlines = [HubPartnerInline]


class OpeningHoursInline(LabelledTabularInline):
    model = OpeningHours
    extra = 0


class OpeningExceptionInline(LabelledTabularInline):
    model = OpeningException
    extra = 0


@admin.register(Location)
class LocationAdmin(JournaledAdmin):
    list_display = ["name", "hub", "kind", "postcode", "is_active"]
    list_filter = ["kind", "is_active", "hub"]
    search_fields = ["name", "postcode"]
    autocomplete_fields = ["municipality"]
    inlines = [OpeningHoursInline, OpeningExceptionInline]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """Reference data from Statbel: searchable, not edited by hand."""

    list_display = ["nis_code", "name_nl", "name_fr", "province_nl", "region", "valid_until"]
    list_filter = ["region", ("province_nl", NamedValuesFilter)]
    search_fields = ["nis_code", "name_nl", "name_fr"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Postcode)
class PostcodeAdmin(MunicipalityAdmin):
    list_display = ["code", "place_name", "municipality"]
    list_filter = []
    search_fields = ["code", "place_name"]
