from django.contrib.auth import views as auth_views
from django.urls import path

from . import activation, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/off/", views.two_factor_off, name="two_factor_off"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "two-factor/recovery-codes/new/",
        views.recovery_codes_renew,
        name="recovery_codes_renew",
    ),
    path("", views.account, name="account"),
    path("password/", views.password_change, name="password_change"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("activate/<uidb64>/<token>/", activation.activate, name="activate"),
    path("activate/again/", activation.activation_resend, name="activation_resend"),
    path("check-your-mailbox/", activation.check_mailbox, name="check_mailbox"),
    path("invitation/<str:token>/", activation.invitation, name="invitation"),
]
