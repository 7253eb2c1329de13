from django.urls import path

from ..views import grants as views

app_name = "funding_grants"

_GRANT = "programmes/<slug:programme>/grants/<int:pk>/"
urlpatterns = [
    path("programmes/<slug:programme>/grants/", views.grant_list, name="list"),
    path(_GRANT, views.grant_detail, name="detail"),
    path(f"{_GRANT}bank-account/", views.bank_account, name="bank_account"),
    path(f"{_GRANT}instalments/new/", views.instalment_add, name="instalment_add"),
    path(f"{_GRANT}instalments/standard/", views.standard_plan, name="standard_plan"),
    path(f"{_GRANT}instalments/<int:instalment>/", views.instalment_edit, name="instalment_edit"),
    path(
        f"{_GRANT}instalments/<int:instalment>/remove/",
        views.instalment_remove,
        name="instalment_remove",
    ),
    path(
        f"{_GRANT}instalments/<int:instalment>/approve/",
        views.instalment_approve,
        name="instalment_approve",
    ),
    path(
        f"{_GRANT}instalments/<int:instalment>/paid/",
        views.instalment_paid,
        name="instalment_paid",
    ),
    path(f"{_GRANT}tiers/", views.tiers_edit, name="tiers"),
    path(f"{_GRANT}tiers/flemish-2025/", views.tiers_flemish, name="tiers_flemish"),
    path(f"{_GRANT}amend/", views.amend, name="amend"),
    path(
        f"{_GRANT}instalments/<int:instalment>/amend/",
        views.instalment_amend,
        name="instalment_amend",
    ),
    path(f"{_GRANT}bank-account/confirm/", views.bank_account_confirm, name="bank_account_confirm"),
    path(f"{_GRANT}balance/", views.result_balance, name="result_balance"),
    path("h/<slug:hub>/grant/", views.hub_grant, name="hub_grant"),
    path(
        "h/<slug:hub>/grant/<int:pk>/bank-account/", views.hub_bank_account, name="hub_bank_account"
    ),
]
