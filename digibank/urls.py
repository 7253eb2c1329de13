from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("digibank.core.urls")),
    path("accounts/", include("digibank.accounts.urls")),
    path("programmes/", include("digibank.network.programme_urls")),
    path("h/<slug:hub>/", include("digibank.network.urls")),
    path("h/<slug:hub>/people/", include("digibank.people.urls")),
    path("h/<slug:hub>/devices/", include("digibank.devices.urls")),
    path("h/<slug:hub>/lending/", include("digibank.lending.urls")),
    path("h/<slug:hub>/help/", include("digibank.helpdesk.urls")),
    path("h/<slug:hub>/appointments/", include("digibank.appointments.urls")),
    path("", include("digibank.appointments.screen_urls")),
    path("h/<slug:hub>/learning/", include("digibank.learning.urls")),
    path("h/<slug:hub>/skills/", include("digibank.assessments.urls")),
    path("", include("digibank.funding.urls.calls")),
    path("", include("digibank.funding.urls.applications")),
    path("", include("digibank.funding.urls.reviews")),
    path("", include("digibank.funding.urls.grants")),
    path("", include("digibank.funding.urls.reports")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Uploaded files (wipe certificates) are never served as media: only through views that
# check the hub and the role.
