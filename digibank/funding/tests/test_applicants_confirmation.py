"""Who speaks for an organisation in funding (funding/access.py): everyone starts
pending, the first person to register an enterprise number too. A pending applicant
may start and fill in their own drafts, but sees no other application of the
organisation and submits nothing; a confirmed colleague, an officer of a programme the
organisation applied to, or a platform admin confirms them. Officers and admins can
always confirm and revoke (journaled); a revoked applicant loses access at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from digibank.accounts.services import account_activate
from digibank.core.models import JournalEntry
from digibank.funding.models import Applicant, Application, ApplicationStatus
from digibank.funding.services import applications as services
from digibank.network.models import Organisation, OrganisationKind

from .factories import complete, enterprise_number

pytestmark = pytest.mark.django_db

REAL_NUMBER = enterprise_number(8100001)


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"funding_applications:{name}", kwargs=kwargs)


def _register(name: str, number: str = REAL_NUMBER) -> Applicant:
    """Sign up and activate the account, as the owner of the address would."""
    slug = name.split()[0].lower()
    applicant = services.applicant_register(
        full_name=name,
        email=f"{slug}@example.org",
        enterprise_number=number,
        organisation_name="OCMW Echt",
        organisation_kind=OrganisationKind.LOCAL_GOVERNMENT,
        base_url="https://digibank.example",
    )
    assert applicant is not None
    account_activate(user=applicant.user, password="een-lang-en-goed-wachtwoord")
    applicant.user.refresh_from_db()
    return applicant


def _start(applicant: Applicant, call: Any, title: str) -> Application:
    return services.application_start(
        actor=applicant.user,
        round=call.rounds.get(),
        lead_organisation=applicant.organisation,
        title=title,
    )


def _officer_url(name: str, programme: Any, applicant: Applicant) -> str:
    return url(name, programme=programme.slug, applicant_pk=applicant.pk)


def test_the_first_to_register_a_number_gets_nothing_until_confirmed(
    make_call: Any, client_for: Any, officer: Any, programme: Any
) -> None:
    """The attack: someone registers a real organisation's enterprise number first."""
    call = make_call()
    attacker = _register("Mallory First")
    assert attacker.is_pending
    # The attacker can start and fill in a draft of their own, nothing more.
    draft = complete(_start(attacker, call, "Fake project"), attacker.user)
    with pytest.raises(ValidationError) as caught:
        services.application_submit(actor=attacker.user, application=draft)
    assert caught.value.code == "not_confirmed"
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    # The real people of the organisation register later; an officer confirms one.
    real = _register("Rita Real")
    assert real.is_pending
    assert real.organisation == attacker.organisation
    with pytest.raises(ValidationError):  # a pending person confirms nobody
        services.applicant_confirm(actor=attacker.user, applicant=real)
    with pytest.raises(ValidationError):
        services.applicant_refuse(actor=attacker.user, applicant=real)
    services.applicant_confirm(actor=officer, applicant=real)
    real_draft = _start(real, call, "Real project")
    # The attacker sees neither the organisation's other applications nor their pages.
    client = client_for(attacker.user)
    assert "Real project" not in client.get(url("list")).content.decode()
    assert client.get(url("detail", pk=real_draft.pk)).status_code == 404
    assert client.get(url("edit_general", pk=real_draft.pk)).status_code == 404
    # Their own draft says why it cannot be submitted, and submitting is refused.
    assert "You cannot submit yet" in client.get(url("detail", pk=draft.pk)).content.decode()
    response = client.post(url("submit", pk=draft.pk))
    assert "You cannot submit yet" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    # The confirmed colleague sees the attacker's draft and whom to refuse.
    colleague = client_for(real.user)
    page = colleague.get(url("list")).content.decode()
    assert "Fake project" in page
    assert "Mallory First" in page


def test_officers_see_first_applicants_once_they_started_in_a_call(
    make_call: Any, client_for: Any, officer: Any, programme: Any
) -> None:
    first = _register("Fien First")
    client = client_for(officer)
    listing = url("officer_applicants", programme=programme.slug)
    assert "Fien First" not in client.get(listing).content.decode()  # not known yet
    draft = complete(_start(first, make_call(), "Digibank Echt"), first.user)
    assert "Fien First" in client.get(listing).content.decode()
    client.post(_officer_url("officer_applicant_confirm", programme, first))
    first.refresh_from_db()
    assert first.is_confirmed
    entry = JournalEntry.objects.get(action="funding.applicant_confirm")
    assert entry.actor_id == officer.pk
    services.application_submit(actor=first.user, application=draft)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED


def test_a_pending_colleague_sees_only_their_own_drafts(
    make_draft: Any, make_call: Any, applicant: Any, applicant_org: Organisation, make_user: Any
) -> None:
    theirs = make_draft()
    newcomer = services.applicant_join(
        actor=make_user(), enterprise_number=applicant_org.enterprise_number
    )
    own = _start(newcomer, make_call(), "My own start")
    client = Client()
    client.force_login(newcomer.user)
    page = client.get(url("list")).content.decode()
    assert "My own start" in page
    assert theirs.title not in page
    assert client.get(url("detail", pk=theirs.pk)).status_code == 404
    assert client.get(url("detail", pk=own.pk)).status_code == 200
    with pytest.raises(ValidationError):
        services.application_update_goals(
            actor=newcomer.user, application=theirs, goals=["lending"]
        )


def test_an_officer_revokes_and_access_ends_at_once(
    make_draft: Any, client_for: Any, applicant: Any, officer: Any, programme: Any
) -> None:
    draft = make_draft()  # the organisation applied to the officer's programme
    role = Applicant.objects.get(user=applicant)
    client = client_for(applicant)
    assert client.get(url("detail", pk=draft.pk)).status_code == 200
    officer_client = client_for(officer)
    confirmed_list = url("officer_applicants", programme=programme.slug) + "?state=confirmed"
    assert applicant.full_name in officer_client.get(confirmed_list).content.decode()
    officer_client.post(_officer_url("officer_applicant_revoke", programme, role))
    role.refresh_from_db()
    assert role.is_revoked
    assert not role.is_confirmed
    assert JournalEntry.objects.filter(action="funding.applicant_revoke", actor=officer).exists()
    # The same signed-in session: every page of the application answers 404 now.
    assert client.get(url("detail", pk=draft.pk)).status_code == 404
    assert client.get(url("edit_general", pk=draft.pk)).status_code == 404
    assert draft.title not in client.get(url("list")).content.decode()
    with pytest.raises(ValidationError):
        services.application_update_goals(actor=applicant, application=draft, goals=["lending"])
    # Asking again gives nothing; the officer can confirm them again.
    with pytest.raises(ValidationError):
        services.applicant_join(
            actor=applicant, enterprise_number=role.organisation.enterprise_number
        )
    revoked_list = url("officer_applicants", programme=programme.slug) + "?state=revoked"
    assert applicant.full_name in officer_client.get(revoked_list).content.decode()
    officer_client.post(_officer_url("officer_applicant_confirm", programme, role))
    assert client.get(url("detail", pk=draft.pk)).status_code == 200


def test_only_officers_of_a_programme_that_knows_it_and_admins_revoke(
    make_draft: Any,
    client_for: Any,
    applicant: Any,
    applicant_org: Organisation,
    make_user: Any,
    other_programme: Any,
) -> None:
    make_draft()
    role = Applicant.objects.get(user=applicant)
    colleague = services.applicant_join(
        actor=make_user(), enterprise_number=applicant_org.enterprise_number
    )
    services.applicant_confirm(actor=applicant, applicant=colleague)
    stranger_officer = make_user(programme=other_programme)
    for actor in (colleague.user, stranger_officer, applicant):
        with pytest.raises(ValidationError):
            services.applicant_revoke(actor=actor, applicant=role)
    response = client_for(stranger_officer).post(
        _officer_url("officer_applicant_revoke", other_programme, role)
    )
    assert response.status_code == 404
    role.refresh_from_db()
    assert role.is_confirmed
    admin = make_user(is_staff=True)
    services.applicant_revoke(actor=admin, applicant=role)
    role.refresh_from_db()
    assert role.is_revoked


def test_the_officers_list_pages_with_a_fixed_number_of_queries(
    make_call: Any,
    client_for: Any,
    officer: Any,
    programme: Any,
    django_assert_max_num_queries: Any,
    settings: Any,
) -> None:
    call = make_call()
    for number in range(settings.PAGE_SIZE + 3):
        waiting = _register(f"Person{number} Waiting", enterprise_number(8200000 + number))
        _start(waiting, call, f"Project {number}")
    client = client_for(officer)
    listing = url("officer_applicants", programme=programme.slug)
    with django_assert_max_num_queries(20):
        first = client.get(listing).content.decode()
    assert "Person0 Waiting" in first
    assert f"Person{settings.PAGE_SIZE + 2} Waiting" not in first
    second = client.get(listing + "?page=2").content.decode()
    assert f"Person{settings.PAGE_SIZE + 2} Waiting" in second
