from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("locations/", views.locations, name="locations"),
    path("partners/", views.partners, name="partners"),
    path("team/", views.members, name="members"),
    path("journal/", views.journal, name="journal"),
]
