"""The public waiting-room screens: /screens/<secret link>/, outside any hub, without
a session (see appointments.models.QueueDisplay)."""

from django.urls import path

from . import views

app_name = "queue_screens"
urlpatterns = [
    path("screens/<str:screen_token>/", views.public_queue_screen, name="screen"),
]
