# Placeholder views; replaced by the network UI work.
from django.http import HttpRequest, HttpResponse

from digibank.accounts.scoping import hub_view, programme_view


@hub_view("hub.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("dashboard")


@hub_view("hub.view")
def locations(request: HttpRequest) -> HttpResponse:
    return HttpResponse("locations")


@hub_view("hub.view")
def partners(request: HttpRequest) -> HttpResponse:
    return HttpResponse("partners")


@hub_view("members.manage")
def members(request: HttpRequest) -> HttpResponse:
    return HttpResponse("members")


@hub_view("journal.view")
def journal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("journal")


def programme_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("programmes")


@programme_view
def programme_detail(request: HttpRequest) -> HttpResponse:
    return HttpResponse("programme")
