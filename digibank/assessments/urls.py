from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "assessments"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("new/", views.choose_participant, name="choose"),
    path("people/<int:participant>/", views.participant_progress, name="participant"),
    path("people/<int:participant>/new/", views.take, name="take"),
    path("<int:pk>/", views.detail, name="detail"),
]
