from django.urls import URLPattern, path

from ..views import report_parts as parts
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
    # A report's parts: attachments, comments, the call's sections; revisions.
    path(
        "h/<slug:hub>/grant/reports/<int:pk>/attach/",
        parts.hub_report_attach,
        name="hub_report_attach",
    ),
    path(
        "h/<slug:hub>/grant/reports/<int:pk>/files/<int:attachment_pk>/",
        parts.hub_report_file,
        name="hub_report_file",
    ),
    path(
        "h/<slug:hub>/grant/reports/<int:pk>/files/<int:attachment_pk>/remove/",
        parts.hub_report_detach,
        name="hub_report_detach",
    ),
    path(
        "programmes/<slug:programme>/reports/<int:pk>/files/<int:attachment_pk>/",
        parts.officer_report_file,
        name="officer_report_file",
    ),
    path(
        "programmes/<slug:programme>/reports/<int:pk>/comment/",
        parts.officer_report_comment,
        name="officer_report_comment",
    ),
    path(
        "programmes/<slug:programme>/calls/<int:call_pk>/report-sections/",
        parts.call_report_sections,
        name="call_report_sections",
    ),
    path(
        "programmes/<slug:programme>/funding/applications/<int:pk>/revisions/",
        parts.officer_revisions,
        name="officer_revisions",
    ),
    path("reviews/<int:pk>/revisions/", parts.reviewer_revisions, name="reviewer_revisions"),
    path("programmes/<slug:programme>/funding/export.csv", views.export_csv, name="export_csv"),
    path("programmes/<slug:programme>/funding/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
