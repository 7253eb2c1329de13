from django.urls import path

from . import views

app_name = "appointments"
urlpatterns = [
    path("", views.index, name="index"),
    path("day/", views.day_list, name="day"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/move/", views.reschedule, name="reschedule"),
    path("<int:pk>/outcome/", views.outcome, name="outcome"),
    path("points/<int:location>/slots/", views.slots, name="slots"),
    path("points/<int:location>/book/", views.book, name="book"),
    path("points/<int:location>/settings/", views.slot_settings, name="settings"),
    path("rota/<int:location>/", views.rota, name="rota"),
    path("rota/<int:location>/new/", views.shift_add, name="shift_add"),
    path("shifts/<int:pk>/remove/", views.shift_remove, name="shift_remove"),
    path("my-shifts/", views.my_shifts, name="my_shifts"),
    path("queue/<int:location>/", views.queue, name="queue"),
    path("queue/<int:location>/next/", views.queue_next, name="queue_next"),
    path("queue/<int:location>/screen/", views.queue_screen, name="queue_screen"),
    path("queue/<int:location>/screen-link/", views.queue_display, name="queue_display"),
    path(
        "queue/<int:location>/screen-link/renew/",
        views.queue_display_renew,
        name="queue_display_renew",
    ),
    path(
        "queue/<int:location>/screen-link/revoke/",
        views.queue_display_revoke,
        name="queue_display_revoke",
    ),
    path("tickets/<int:pk>/call/", views.ticket_call, name="ticket_call"),
    path("tickets/<int:pk>/finish/", views.ticket_finish, name="ticket_finish"),
]
