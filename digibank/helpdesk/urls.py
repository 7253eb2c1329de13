from django.urls import path

from . import views

app_name = "helpdesk"
urlpatterns = [
    path("", views.help_log, name="log"),
    path("find-person/", views.person_search, name="person_search"),
    path("<int:pk>/", views.help_edit, name="edit"),
    path("<int:pk>/anonymous/", views.help_leave_anonymous, name="leave_anonymous"),
    path("<int:pk>/withdraw/", views.help_withdraw, name="withdraw"),
    path("<int:pk>/follow-up-done/", views.follow_up_done, name="follow_up_done"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("settings/", views.helpdesk_settings, name="settings"),
    path("tally/", views.tally, name="tally"),
    path("day/", views.day_view, name="day"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/me/", views.my_profile, name="my_profile"),
    path("volunteers/<int:pk>/", views.volunteer_profile, name="volunteer"),
    path("mandates/", views.mandate_list, name="mandates"),
    path("mandates/<int:pk>/", views.mandate_edit, name="mandate_edit"),
    path("people/<int:participant_pk>/mandates/", views.mandate_create, name="mandate_create"),
]
