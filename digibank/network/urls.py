from django.urls import path

from digibank.accounts import views as account_views

from . import views

app_name = "network"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("locations/", views.locations, name="locations"),
    path("locations/new/", views.location_create, name="location_create"),
    path("locations/<int:pk>/", views.location, name="location"),
    path("locations/<int:pk>/edit/", views.location_edit, name="location_edit"),
    path("locations/<int:pk>/hours/", views.location_hours, name="location_hours"),
    path(
        "locations/<int:pk>/exceptions/new/",
        views.location_exception_add,
        name="location_exception_add",
    ),
    path(
        "locations/<int:pk>/exceptions/<int:exception_pk>/remove/",
        views.location_exception_remove,
        name="location_exception_remove",
    ),
    path("locations/<int:pk>/close/", views.location_deactivate, name="location_deactivate"),
    path("locations/<int:pk>/reopen/", views.location_reactivate, name="location_reactivate"),
    path("partners/", views.partners, name="partners"),
    path("partners/add/", views.partner_add, name="partner_add"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("partners/<int:pk>/remove/", views.partner_remove, name="partner_remove"),
    path("team/", views.members, name="members"),
    path("team/invite/", views.member_invite, name="member_invite"),
    path("team/<int:pk>/role/", views.member_edit, name="member_edit"),
    path("team/<int:pk>/switch-off/", views.member_deactivate, name="member_deactivate"),
    path("team/<int:pk>/switch-on/", views.member_reactivate, name="member_reactivate"),
    path(
        "team/<int:pk>/two-factor-reset/",
        account_views.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
    path(
        "team/<int:pk>/invite-again/",
        views.member_invitation_resend,
        name="member_invitation_resend",
    ),
    path(
        "team/<int:pk>/withdraw-invitation/",
        views.member_invitation_cancel,
        name="member_invitation_cancel",
    ),
    path("journal/", views.journal, name="journal"),
    path("settings/", views.hub_settings, name="settings"),
]
