"""The public waiting-room screens: /screens/<secret link>/, outside any hub, without
a session (see appointments.models.QueueDisplay). The token is URL-safe base64, which
the slug converter matches exactly, so nothing else reaches the database."""

from django.urls import path

from . import views

app_name = "queue_screens"
urlpatterns = [
    path("screens/<slug:screen_token>/", views.public_queue_screen, name="screen"),
]
