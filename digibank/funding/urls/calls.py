"""Calls: officers' pages under /programmes/<programme>/calls/, public pages under /calls/."""

from django.urls import path

from ..views import calls as views

app_name = "funding_calls"

OFFICER = "programmes/<slug:programme>/calls/"
CALL = OFFICER + "<int:pk>/"

urlpatterns = [
    path("calls/", views.public_list, name="public_list"),
    path("calls/<slug:slug>/", views.public_detail, name="public_detail"),
    path(OFFICER, views.officer_list, name="officer_list"),
    path(OFFICER + "new/", views.officer_create, name="officer_create"),
    path(CALL, views.officer_detail, name="officer_detail"),
    path(CALL + "edit/", views.officer_edit, name="officer_edit"),
    path(CALL + "publish/", views.officer_publish, name="officer_publish"),
    path(CALL + "unpublish/", views.officer_unpublish, name="officer_unpublish"),
    path(CALL + "rounds/new/", views.round_create, name="round_create"),
    path(CALL + "rounds/<int:round_pk>/edit/", views.round_edit, name="round_edit"),
    path(CALL + "rounds/<int:round_pk>/remove/", views.round_remove, name="round_remove"),
    path(CALL + "questions/new/", views.question_create, name="question_create"),
    path(CALL + "questions/<int:question_pk>/edit/", views.question_edit, name="question_edit"),
    path(
        CALL + "questions/<int:question_pk>/remove/",
        views.question_remove,
        name="question_remove",
    ),
    path(CALL + "questions/<int:question_pk>/move/", views.question_move, name="question_move"),
    path(CALL + "criteria/new/", views.criterion_create, name="criterion_create"),
    path(CALL + "criteria/<int:criterion_pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path(
        CALL + "criteria/<int:criterion_pk>/remove/",
        views.criterion_remove,
        name="criterion_remove",
    ),
    path(CALL + "criteria/<int:criterion_pk>/move/", views.criterion_move, name="criterion_move"),
]
