# Placeholder views; replaced by the people UI work.
from django.http import HttpRequest, HttpResponse

from digibank.accounts.scoping import hub_view


@hub_view("people.view")
def participant_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("people")
