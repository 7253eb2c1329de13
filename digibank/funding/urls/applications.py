"""Applicants' pages under /apply/, file downloads that check who asks, and the
officers' list of people waiting to be confirmed for an organisation."""

from django.urls import path

from ..views import applications as views

app_name = "funding_applications"

APPLY = "apply/"
ONE = APPLY + "<int:pk>/"

urlpatterns = [
    path(APPLY, views.application_list, name="list"),
    path(APPLY + "register/", views.register, name="register"),
    path(APPLY + "organisations/add/", views.join, name="join"),
    path(
        APPLY + "colleagues/<int:applicant_pk>/confirm/",
        views.colleague_confirm,
        name="colleague_confirm",
    ),
    path(
        APPLY + "colleagues/<int:applicant_pk>/refuse/",
        views.colleague_refuse,
        name="colleague_refuse",
    ),
    path(APPLY + "new/<int:round_pk>/", views.start, name="start"),
    path(ONE, views.detail, name="detail"),
    path(ONE + "general/", views.edit_general, name="edit_general"),
    path(ONE + "partners/", views.edit_partners, name="edit_partners"),
    path(ONE + "partners/<int:partner_pk>/", views.edit_partner, name="edit_partner"),
    path(ONE + "partners/<int:partner_pk>/remove/", views.remove_partner, name="remove_partner"),
    path(ONE + "area/", views.edit_area, name="edit_area"),
    path(ONE + "goals/", views.edit_goals, name="edit_goals"),
    path(ONE + "results/", views.edit_outputs, name="edit_outputs"),
    path(ONE + "budget/", views.edit_budget, name="edit_budget"),
    path(ONE + "budget/<int:line_pk>/", views.edit_budget_line, name="edit_budget_line"),
    path(ONE + "budget/<int:line_pk>/remove/", views.remove_budget_line, name="remove_budget_line"),
    path(ONE + "questions/", views.edit_answers, name="edit_answers"),
    path(ONE + "attachments/", views.edit_attachments, name="edit_attachments"),
    path(
        ONE + "attachments/<int:attachment_pk>/remove/",
        views.remove_attachment,
        name="remove_attachment",
    ),
    path(ONE + "submit/", views.submit, name="submit"),
    path(ONE + "revisions/", views.revisions, name="revisions"),
    path(ONE + "files/letters/<int:partner_pk>/", views.letter_file, name="letter_file"),
    path(ONE + "files/answers/<int:answer_pk>/", views.answer_file, name="answer_file"),
    path(
        ONE + "files/attachments/<int:attachment_pk>/",
        views.attachment_file,
        name="attachment_file",
    ),
    path(
        "programmes/<slug:programme>/funding/applicants/",
        views.officer_applicants,
        name="officer_applicants",
    ),
    path(
        "programmes/<slug:programme>/funding/applicants/<int:applicant_pk>/confirm/",
        views.officer_applicant_confirm,
        name="officer_applicant_confirm",
    ),
    path(
        "programmes/<slug:programme>/funding/applicants/<int:applicant_pk>/refuse/",
        views.officer_applicant_refuse,
        name="officer_applicant_refuse",
    ),
    path(
        "programmes/<slug:programme>/funding/applicants/<int:applicant_pk>/revoke/",
        views.officer_applicant_revoke,
        name="officer_applicant_revoke",
    ),
]
