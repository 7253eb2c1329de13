from django.urls import URLPattern, path

from ..views import reports as views

app_name = "funding_reports"
urlpatterns: list[URLPattern] = [
    # Hub coordinators.
    path("h/<slug:hub>/grant/reports/", views.hub_reports, name="hub_reports"),
    path("h/<slug:hub>/grant/reports/<int:pk>/", views.hub_report, name="hub_report"),
    # Programme officers.
    path(
        "programmes/<slug:programme>/grants/<int:grant_pk>/reports/",
        views.grant_reports,
        name="grant_reports",
    ),
    path(
        "programmes/<slug:programme>/grants/<int:grant_pk>/reports/schedule/",
        views.grant_schedule,
        name="grant_schedule",
    ),
    path("programmes/<slug:programme>/reports/", views.programme_reports, name="programme_reports"),
    path(
        "programmes/<slug:programme>/reports/<int:pk>/", views.officer_report, name="officer_report"
    ),
    path(
        "programmes/<slug:programme>/reports/<int:pk>/edit/", views.report_edit, name="report_edit"
    ),
    path(
        "programmes/<slug:programme>/reports/<int:pk>/remove/",
        views.report_remove,
        name="report_remove",
    ),
    path("programmes/<slug:programme>/funding/", views.dashboard, name="dashboard"),
    path("programmes/<slug:programme>/funding/export.csv", views.export_csv, name="export_csv"),
    path("programmes/<slug:programme>/funding/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
