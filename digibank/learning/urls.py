from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "learning"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.session_list, name="sessions"),
    path("courses/", views.course_list, name="courses"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/catalogue/", views.course_catalogue, name="course_catalogue"),
    path("mine/", views.my_sessions, name="mine"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/copy/", views.template_copy, name="template_copy"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/done/", views.session_done, name="session_done"),
    path("sessions/<int:pk>/meetings/new/", views.meeting_add, name="meeting_add"),
    path("sessions/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("enrolments/<int:pk>/certificate/", views.certificate, name="certificate"),
    path(
        "enrolments/<int:pk>/certificate/issue/",
        views.certificate_issue,
        name="certificate_issue",
    ),
    path(
        "enrolments/<int:pk>/certificate/email/",
        views.certificate_email,
        name="certificate_email",
    ),
    path("sessions/<int:pk>/certificates/", views.certificates_issue, name="certificates_issue"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("offers/<int:pk>/decline/", views.offer_decline, name="offer_decline"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/sheet.pdf", views.attendance_sheet, name="attendance_sheet"),
]
