from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.participant_list, name="list"),
    path("new/", views.participant_create, name="create"),
    path("<int:pk>/", views.participant_detail, name="detail"),
    path("<int:pk>/edit/", views.participant_edit, name="edit"),
    path("<int:pk>/journal/", views.participant_journal, name="journal"),
    path("<int:pk>/consents/new/", views.consent_add, name="consent_add"),
    path(
        "<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:pk>/anonymise/", views.participant_anonymise, name="anonymise"),
    path("<int:pk>/merge/", views.participant_merge, name="merge"),
    path("visitors/", views.visitor_list, name="visitors"),
    path("visitors/new/", views.visitor_create, name="visitor_create"),
]
