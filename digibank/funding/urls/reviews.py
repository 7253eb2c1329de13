"""Reviews and decisions: officers under /programmes/<programme>/…, reviewers under
/reviews/…."""

from django.urls import URLPattern, path

from ..views import reviews as views

app_name = "funding_reviews"
_OFFICER = "programmes/<slug:programme>/"
urlpatterns: list[URLPattern] = [
    path(
        _OFFICER + "rounds/<int:round_pk>/applications/",
        views.round_applications,
        name="round_applications",
    ),
    path(_OFFICER + "rounds/<int:round_pk>/ranking/", views.round_ranking, name="round_ranking"),
    path(_OFFICER + "applications/<int:pk>/", views.application_detail, name="application"),
    path(_OFFICER + "applications/<int:pk>/reviewers/", views.assign, name="assign"),
    path(_OFFICER + "applications/<int:pk>/decide/", views.decide, name="decide"),
    path(_OFFICER + "applications/<int:pk>/approve/", views.approve, name="approve"),
    path(_OFFICER + "applications/<int:pk>/reject/", views.reject, name="reject"),
    path(
        _OFFICER + "applications/<int:pk>/information/",
        views.request_information,
        name="request_information",
    ),
    path(_OFFICER + "reviews/overdue/", views.overdue_reviews, name="overdue"),
    path(_OFFICER + "assignments/<int:pk>/remove/", views.unassign, name="unassign"),
    path("reviews/", views.my_reviews, name="mine"),
    path("reviews/<int:pk>/", views.assignment_detail, name="assignment"),
    path("reviews/<int:pk>/application/", views.review, name="review"),
    path("reviews/<int:pk>/complete/", views.complete, name="complete"),
]
