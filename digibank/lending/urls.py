from django.urls import path

from . import views

app_name = "lending"
urlpatterns = [
    path("", views.loan_list, name="list"),
    path("policy/", views.policy_edit, name="policy"),
    path("waiting/", views.waiting_list, name="waiting"),
    path("waiting/offer/", views.offer_next, name="offer_next"),
    path("people/<int:pk>/", views.participant_lending, name="participant"),
    path("people/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("people/<int:pk>/request/", views.request_create, name="request_create"),
    path("people/<int:pk>/checkout/", views.checkout, name="checkout"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/urgency/", views.request_urgency, name="request_urgency"),
    path("requests/<int:pk>/skip/", views.request_skip, name="request_skip"),
    path("requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("offers/<int:pk>/decline/", views.offer_decline, name="offer_decline"),
    path("loans/<int:pk>/", views.loan_detail, name="loan"),
    path("loans/<int:pk>/signed/", views.loan_signed, name="loan_signed"),
    path("loans/<int:pk>/sign/", views.loan_sign, name="loan_sign"),
    path("loans/<int:pk>/renew/", views.loan_renew, name="loan_renew"),
    path("loans/<int:pk>/return/", views.loan_return, name="loan_return"),
    path("loans/<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement"),
    path("reservations/", views.reservation_list, name="reservations"),
    path("reservations/new/", views.reservation_create, name="reservation_create"),
    path("reservations/caps/", views.cap_set, name="cap_set"),
    path("reservations/<int:pk>/", views.reservation_detail, name="reservation"),
    path("reservations/<int:pk>/cancel/", views.reservation_cancel, name="reservation_cancel"),
    path("class/", views.class_assign, name="class_assign"),
    path("classes/", views.class_list, name="classes"),
    path("classes/<int:pk>/return/", views.class_return, name="class_return"),
    path("loans/<int:pk>/deposit/", views.loan_deposit_collect, name="loan_deposit"),
    path("loans/<int:pk>/deposit/refund/", views.loan_deposit_refund, name="loan_deposit_refund"),
    path(
        "reservations/<int:pk>/hand-over/",
        views.reservation_hand_over,
        name="reservation_hand_over",
    ),
    path("organisation-loans/<int:pk>/", views.organisation_loan, name="organisation_loan"),
    path(
        "organisation-loans/<int:pk>/signed/",
        views.organisation_signed,
        name="organisation_signed",
    ),
    path(
        "organisation-loans/<int:pk>/agreement.pdf",
        views.organisation_agreement,
        name="organisation_agreement",
    ),
]
