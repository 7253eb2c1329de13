"""Applicants' pages under /apply/: registering, the organisation's applications, the
editor (one small page per section, so a draft is saved at any time), submitting,
revisions with what changed, and file downloads that check who asks.

Views stay thin: a form checks the input, one service does the change. An application of
another organisation answers 404 (access.applicant_application)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from digibank.accounts import throttle
from digibank.accounts.activation import base_url
from digibank.core.actions import perform
from digibank.core.forms import add_service_errors
from digibank.core.limits import FORM_OVERHEAD, accepts_uploads
from digibank.core.pagination import paginate
from digibank.network.models import Municipality, Postcode
from digibank.network.registry import DashboardPanel

from .. import access, eligibility
from ..access import OfficerRequest, officer_view
from ..forms.applications import (
    AnswersForm,
    AreaSearchForm,
    AttachmentForm,
    BudgetLineForm,
    GeneralForm,
    GoalsForm,
    JoinForm,
    OutputsForm,
    PartnerEditForm,
    PartnerForm,
    RegisterForm,
    StartForm,
    answer_field_name,
)
from ..models import (
    Answer,
    Applicant,
    Application,
    ApplicationPartner,
    ApplicationStatus,
    Attachment,
    BudgetLine,
    CallAudience,
    CallKind,
    ConflictStatus,
    Round,
)
from ..queries import applications as queries
from ..services import applications as services
from ..services import follow_on
from ..services.applications import MAX_UPLOAD_BYTES

ANSWER_FILES_AT_ONCE = 5

MAX_ID = 2**63 - 1

SECTIONS = (
    ("edit_general", gettext_lazy("General")),
    ("edit_partners", gettext_lazy("Partners")),
    ("edit_area", gettext_lazy("Service area")),
    ("edit_goals", gettext_lazy("Goals")),
    ("edit_outputs", gettext_lazy("Planned results")),
    ("edit_budget", gettext_lazy("Budget")),
    ("edit_answers", gettext_lazy("Questions")),
    ("edit_attachments", gettext_lazy("Attachments")),
)
# Each step of the editor names itself in the page title and heading (WCAG 2.4.2).
STEP_NAMES = dict(
    SECTIONS,
    submit=gettext_lazy("Check and submit"),
    revisions=gettext_lazy("Revisions"),
)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _application(request: HttpRequest, pk: int) -> Application:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return access.applicant_application(request, pk)


def _child(queryset: QuerySet[Any], application: Application, pk: int) -> Any:
    if not 0 < pk <= MAX_ID:
        raise Http404
    found = queryset.filter(application=application, pk=pk).first()
    if found is None:
        raise Http404
    return found


def _overview_url(application: Application) -> str:
    return reverse("funding_applications:detail", kwargs={"pk": application.pk})


def _overview(application: Application) -> HttpResponse:
    return redirect(_overview_url(application))


def _frozen(request: HttpRequest, application: Application) -> HttpResponse | None:
    """Editing pages of a submitted application lead back to the read-only overview."""
    if application.is_editable:
        return None
    messages.warning(request, _("This application was submitted and can no longer be changed."))
    return _overview(application)


def _editor(
    request: HttpRequest, application: Application, template: str, section: str, **context: Any
) -> HttpResponse:
    context.update(
        {
            "application": application,
            "sections": SECTIONS,
            "section": section,
            "step": STEP_NAMES.get(section, ""),
            "information_request": queries.open_information_request(application)
            if application.status == "more_information"
            else None,
            "awaiting_confirmation": None
            if access.may_submit(request.user, application.lead_organisation_id)
            else services.NOT_CONFIRMED_YET,
        }
    )
    return render(request, template, context)


# --- registering and organisations -------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    """A new applicant: an account and the organisation they speak for; the account
    starts once its owner follows the e-mailed link. The answer is the same whether or
    not the address has an account. A signed-in user adds an organisation instead."""
    if request.user.is_authenticated:
        target = reverse("funding_applications:join")
        if following := _safe_next(request):
            target += "?" + urlencode({"next": following})
        return redirect(target)
    form = RegisterForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wait = throttle.over_limit(
            "signup", request=request, email=data["email"], limits=throttle.SIGNUP_LIMITS
        )
        if wait:
            return throttle.too_many_requests(request, wait)
        try:
            services.applicant_register(
                full_name=data["full_name"],
                email=data["email"],
                enterprise_number=data["enterprise_number"],
                organisation_name=data["organisation_name"],
                organisation_kind=data["organisation_kind"],
                language=(get_language() or "nl")[:8],
                base_url=base_url(request),
                next_url=_safe_next(request) or reverse("funding_applications:list"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("accounts:check_mailbox")
    return render(
        request, "funding/applications/register.html", {"form": form, "next": _safe_next(request)}
    )


def _welcome(request: HttpRequest, applicant: Applicant) -> None:
    messages.warning(
        request,
        _(
            "You asked to apply for %(name)s. You can start an application now. "
            "Before you can submit it or see the organisation's other applications, "
            "a colleague who already applies for %(name)s or a programme officer "
            "must confirm you."
        )
        % {"name": applicant.organisation.name},
    )


@login_required
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            applicant = services.applicant_join(
                actor=request.user,  # type: ignore[arg-type]
                enterprise_number=data["enterprise_number"],
                organisation_name=data["organisation_name"],
                organisation_kind=data["organisation_kind"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _welcome(request, applicant)
            return redirect(_safe_next(request) or reverse("funding_applications:list"))
    return render(
        request, "funding/applications/join.html", {"form": form, "next": _safe_next(request)}
    )


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    organisations = access.applicant_organisations(request.user)
    page = paginate(request, queries.applicant_list(request.user))
    now = timezone.now()
    open_rounds = list(
        Round.objects.filter(call__is_published=True, opens_at__lte=now, closes_at__gt=now)
        .select_related("call")
        .order_by("closes_at", "id")[:10]
    )
    return render(
        request,
        "funding/applications/list.html",
        {
            "page": page,
            "organisations": list(organisations.order_by("name")),
            "may_start": access.drafting_organisations(request.user).exists(),
            "pending": list(queries.pending_colleagues(request.user)[:50]),
            "own_pending": list(queries.own_pending(request.user)),
            "open_rounds": open_rounds,
        },
    )


# Confirming, refusing and revoking an applicant: the permission check, the service and
# the message for each decision.
DECISIONS: dict[str, tuple[Any, Any, Any]] = {
    "confirm": (
        access.may_confirm,
        services.applicant_confirm,
        gettext_lazy("%(person)s can now apply for %(name)s."),
    ),
    "refuse": (
        access.may_refuse,
        services.applicant_refuse,
        gettext_lazy("%(person)s may not apply for %(name)s."),
    ),
    "revoke": (
        access.may_revoke,
        services.applicant_revoke,
        gettext_lazy("%(person)s no longer applies for %(name)s."),
    ),
}


def _decide(request: HttpRequest, applicant_pk: int, *, decision: str, then: str) -> HttpResponse:
    """Confirm, refuse or revoke an applicant, then go to `then`. 404 for anyone who may
    not decide; 405 for anything but POST."""
    if not 0 < applicant_pk <= MAX_ID:
        raise Http404
    allowed, service, success = DECISIONS[decision]
    applicant = (
        Applicant.objects.select_related("user", "organisation").filter(pk=applicant_pk).first()
    )
    if applicant is None or not allowed(request.user, applicant):
        raise Http404
    names = {"person": applicant.user, "name": applicant.organisation.name}
    return perform(
        request,
        lambda: service(actor=request.user, applicant=applicant),
        success=success % names,
        then=then,
    )


@login_required
def colleague_confirm(request: HttpRequest, applicant_pk: int) -> HttpResponse:
    return _decide(
        request, applicant_pk, decision="confirm", then=reverse("funding_applications:list")
    )


@login_required
def colleague_refuse(request: HttpRequest, applicant_pk: int) -> HttpResponse:
    return _decide(
        request, applicant_pk, decision="refuse", then=reverse("funding_applications:list")
    )


@officer_view
def officer_applicants(request: OfficerRequest) -> HttpResponse:
    """Applicants of organisations the programme knows: waiting (the default),
    confirmed or revoked. Officers confirm, refuse and revoke them."""
    state = request.GET.get("state", "")
    if state not in queries.ApplicantState.ALL:
        state = queries.ApplicantState.PENDING
    page = paginate(request, queries.programme_applicants(request.programme, state))
    return render(
        request,
        "funding/applications/officer_applicants.html",
        {"page": page, "programme": request.programme, "state": state},
    )


def _officer_decide(request: OfficerRequest, applicant_pk: int, decision: str) -> HttpResponse:
    then = reverse(
        "funding_applications:officer_applicants", kwargs={"programme": request.programme.slug}
    )
    return _decide(request, applicant_pk, decision=decision, then=then)


@officer_view
def officer_applicant_confirm(request: OfficerRequest, applicant_pk: int) -> HttpResponse:
    return _officer_decide(request, applicant_pk, "confirm")


@officer_view
def officer_applicant_refuse(request: OfficerRequest, applicant_pk: int) -> HttpResponse:
    return _officer_decide(request, applicant_pk, "refuse")


@officer_view
def officer_applicant_revoke(request: OfficerRequest, applicant_pk: int) -> HttpResponse:
    return _officer_decide(request, applicant_pk, "revoke")


# --- starting ----------------------------------------------------------------------------


def start(request: HttpRequest, round_pk: int) -> HttpResponse:
    """Start an application in an open round: GET asks which organisation leads and the
    title, POST creates the draft. Anonymous visitors are asked to sign in or register."""
    if not 0 < round_pk <= MAX_ID:
        raise Http404
    round_ = Round.objects.select_related("call__programme").filter(pk=round_pk).first()
    if round_ is None or not round_.call.is_published:
        raise Http404
    here = reverse("funding_applications:start", kwargs={"round_pk": round_.pk})
    if not request.user.is_authenticated:
        return render(
            request, "funding/applications/start_anonymous.html", {"round": round_, "next": here}
        )
    choices = access.drafting_organisations(request.user).order_by("name")
    organisations = list(choices)
    form = StartForm(_posted(request), organisations=choices, **_start_options(round_, choices))
    if request.method == "POST" and organisations and form.is_valid():
        try:
            application = services.application_start(
                actor=request.user,
                round=round_,
                lead_organisation=form.cleaned_data["lead_organisation"],
                title=form.cleaned_data["title"],
                existing_hub=form.cleaned_data.get("existing_hub"),
                follows=form.cleaned_data.get("follows"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your draft is saved. Fill in each part at your pace."))
            return redirect("funding_applications:edit_general", pk=application.pk)
    return render(
        request,
        "funding/applications/start.html",
        {
            "round": round_,
            "form": form,
            "organisations": organisations,
            "is_open": round_.is_open(),
            "opens_at": services.when(round_.opens_at),
            "closes_at": services.when(round_.closes_at),
            "next": here,
        },
    )


def _start_options(round_: Round, organisations: Any) -> dict[str, Any]:
    """Which starts the call offers: a hub that exists (extension or follow-on calls), a
    preparation to carry on (implementation calls open to new partnerships)."""
    call = round_.call
    options: dict[str, Any] = {}
    if call.audience != CallAudience.NEW:
        options["hubs"] = follow_on.hubs_to_extend(organisations, round_)
        options["hub_required"] = call.audience == CallAudience.EXISTING
    if call.kind == CallKind.IMPLEMENTATION and call.audience != CallAudience.EXISTING:
        options["preparations"] = follow_on.preparations_to_follow(organisations)
    return options


# --- the overview and the editor ----------------------------------------------------------


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _application(request, pk)
    application = queries.with_details(Application.objects.filter(pk=pk)).get()
    problems = eligibility.check(application) if application.is_editable else []
    return _editor(
        request,
        application,
        "funding/applications/detail.html",
        "",
        problems=problems,
        closes_at=services.when(application.round.closes_at),
    )


@login_required
def edit_general(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if (frozen := _frozen(request, application)) is not None:
        return frozen
    form = GeneralForm(_posted(request), initial=GeneralForm.initial_for(application))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update_general(
                actor=request.user,  # type: ignore[arg-type]
                application=application,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("funding_applications:edit_general", pk=application.pk)
    return _editor(
        request, application, "funding/applications/edit_form.html", "edit_general", form=form
    )


@accepts_uploads(MAX_UPLOAD_BYTES + FORM_OVERHEAD)
@login_required
def edit_partners(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if (frozen := _frozen(request, application)) is not None:
        return frozen
    form = PartnerForm(_posted(request), _files(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner = services.partner_add(
                actor=request.user,  # type: ignore[arg-type]
                application=application,
                enterprise_number=data["enterprise_number"],
                organisation_name=data["organisation_name"],
                organisation_kind=data["organisation_kind"],
                partner_type=data["partner_type"],
                role=data["role"],
                commitment_letter=data["commitment_letter"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is a partner now.") % {"name": partner.organisation}
            )
            return redirect("funding_applications:edit_partners", pk=application.pk)
    partners = ApplicationPartner.objects.filter(application=application).select_related(
        "organisation"
    )
    return _editor(
        request,
        application,
        "funding/applications/edit_partners.html",
        "edit_partners",
        form=form,
        partners=list(partners[:100]),
    )


@accepts_uploads(MAX_UPLOAD_BYTES + FORM_OVERHEAD)
@login_required
def edit_partner(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    application = _application(request, pk)
    partner = _child(
        ApplicationPartner.objects.select_related("organisation"), application, partner_pk
    )
    if (frozen := _frozen(request, application)) is not None:
        return frozen
    form = PartnerEditForm(
        _posted(request),
        _files(request),
        initial={"partner_type": partner.partner_type, "role": partner.role},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partner.application = application
        try:
            services.partner_update(
                actor=request.user,  # type: ignore[arg-type]
                partner=partner,
                partner_type=data["partner_type"],
                role=data["role"],
                commitment_letter=data["commitment_letter"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("funding_applications:edit_partners", pk=application.pk)
    return _editor(
        request,
        application,
        "funding/applications/edit_partner.html",
        "edit_partners",
        form=form,
        partner=partner,
    )


@login_required
def remove_partner(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    application = _application(request, pk)
    partner = _child(
        ApplicationPartner.objects.select_related("organisation"), application, partner_pk
    )
    partner.application = application
    return perform(
        request,
        lambda: services.partner_remove(actor=request.user, partner=partner),  # type: ignore[arg-type]
        success=_("%(name)s is no longer a partner.") % {"name": partner.organisation},
        then=reverse("funding_applications:edit_partners", kwargs={"pk": application.pk}),
        on_error=_overview_url(application),
    )


def _search_municipalities(query: str) -> list[Municipality]:
    query = " ".join(query.split())
    if not query:
        return []
    current = Municipality.objects.filter(valid_until__isnull=True)
    if query.isdigit():
        ids = Postcode.objects.filter(code__startswith=query).values("municipality_id")
        found = current.filter(pk__in=ids)
    else:
        found = current.filter(
            Q(name_nl__istartswith=query)
            | Q(name_fr__istartswith=query)
            | Q(name_nl__icontains=f"-{query}")
            | Q(postcodes__place_name__istartswith=query)
        ).distinct()
    return list(found.order_by("name_nl")[:20])


@login_required
def edit_area(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if (frozen := _frozen(request, application)) is not None:
        return frozen
    if request.method == "POST":
        here = reverse("funding_applications:edit_area", kwargs={"pk": application.pk})
        nis_code = request.POST.get("municipality", "")[:5]
        municipality = Municipality.objects.filter(pk=nis_code).first()
        if municipality is None:
            messages.error(request, _("Choose a municipality from the list."))
            return redirect(here)
        if request.POST.get("action") == "remove":
            change, text = services.service_area_remove, _("%(name)s removed.")
        else:
            change, text = services.service_area_add, _("%(name)s added.")
        return perform(
            request,
            lambda: change(
                actor=request.user,  # type: ignore[arg-type]
                application=application,
                municipality=municipality,
            ),
            success=text % {"name": municipality.name},
            then=here,
        )
    search = AreaSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    area = list(application.service_area.order_by("name_nl")[:400])
    chosen = {m.pk for m in area}
    return _editor(
        request,
        application,
        "funding/applications/edit_area.html",
        "edit_area",
        search=search,
        query=query,
        results=[m for m in _search_municipalities(query) if m.pk not in chosen],
        area=area,
    )


@login_required
def edit_goals(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if (frozen := _frozen(request, application)) is not None:
        return frozen
    form = GoalsForm(_posted(request), initial={"goals": application.goals})
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update_goals(
                actor=request.user,  # type: ignore[arg-type]
                application=application,
                goals=form.cleaned_data["goals"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("funding_applications:edit_goals", pk=application.pk)
    return _editor(
        request, application, "funding/applications/edit_form.html", "edit_goals", form=form
    )


@login_required
def edit_outputs(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if (frozen := _frozen(request, application)) is not None:
        return frozen
    initial = {name: getattr(application, name) for name in services.OUTPUT_FIELDS}
    form = OutputsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update_outputs(
                actor=request.user,  # type: ignore[arg-type]
                application=application,
                outputs=form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("funding_applications:edit_outputs", pk=application.pk)
    return _editor(
        request, application, "funding/applications/edit_form.html", "edit_outputs", form=form
    )


@login_required
def edit_budget(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if (frozen := _frozen(request, application)) is not None:
        return frozen
    form = BudgetLineForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.budget_line_add(
                actor=request.user,  # type: ignore[arg-type]
                application=application,
                category=data["category"],
                description=data["description"],
                amount_cents=data["amount"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The budget line is added."))
            return redirect("funding_applications:edit_budget", pk=application.pk)
    return _editor(
        request,
        application,
        "funding/applications/edit_budget.html",
        "edit_budget",
        form=form,
        lines=list(BudgetLine.objects.filter(application=application)[:200]),
        max_amount_cents=application.round.call.max_amount_cents,
    )


@login_required
def edit_budget_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    application = _application(request, pk)
    line = _child(BudgetLine.objects.all(), application, line_pk)
    if (frozen := _frozen(request, application)) is not None:
        return frozen
    form = BudgetLineForm(_posted(request), initial=BudgetLineForm.initial_for(line))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        line.application = application
        try:
            services.budget_line_update(
                actor=request.user,  # type: ignore[arg-type]
                line=line,
                category=data["category"],
                description=data["description"],
                amount_cents=data["amount"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("funding_applications:edit_budget", pk=application.pk)
    return _editor(
        request,
        application,
        "funding/applications/edit_budget_line.html",
        "edit_budget",
        form=form,
        line=line,
    )


@login_required
def remove_budget_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    application = _application(request, pk)
    line = _child(BudgetLine.objects.all(), application, line_pk)
    line.application = application
    return perform(
        request,
        lambda: services.budget_line_remove(actor=request.user, line=line),  # type: ignore[arg-type]
        success=_("The budget line is removed."),
        then=reverse("funding_applications:edit_budget", kwargs={"pk": application.pk}),
        on_error=_overview_url(application),
    )


# Each file question takes a file; the page takes a few of them at once.
@accepts_uploads(ANSWER_FILES_AT_ONCE * MAX_UPLOAD_BYTES + FORM_OVERHEAD)
@login_required
def edit_answers(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if (frozen := _frozen(request, application)) is not None:
        return frozen
    questions = queries.questions_for(application)
    answers = {a.question_id: a for a in Answer.objects.filter(application=application)}
    form = AnswersForm(_posted(request), _files(request), questions=questions, answers=answers)
    if request.method == "POST" and form.is_valid():
        changed = set(form.changed_data)
        try:
            with transaction.atomic():
                for question in questions:
                    name = answer_field_name(question)
                    if name not in changed:
                        continue
                    try:
                        services.answer_save(
                            actor=request.user,  # type: ignore[arg-type]
                            application=application,
                            question=question,
                            value=form.cleaned_data.get(name),
                        )
                    except ValidationError as error:
                        form.add_error(name, error.messages)
                if form.errors:
                    raise ValidationError("")
        except ValidationError:
            if not form.errors:
                raise
        else:
            messages.success(request, _("Your answers are saved."))
            return redirect("funding_applications:edit_answers", pk=application.pk)
    return _editor(
        request,
        application,
        "funding/applications/edit_answers.html",
        "edit_answers",
        form=form,
        questions=questions,
    )


@accepts_uploads(MAX_UPLOAD_BYTES + FORM_OVERHEAD)
@login_required
def edit_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if (frozen := _frozen(request, application)) is not None:
        return frozen
    form = AttachmentForm(_posted(request), _files(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(
                actor=request.user,  # type: ignore[arg-type]
                application=application,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The attachment is added."))
            return redirect("funding_applications:edit_attachments", pk=application.pk)
    return _editor(
        request,
        application,
        "funding/applications/edit_attachments.html",
        "edit_attachments",
        form=form,
        attachments=list(Attachment.objects.filter(application=application)[:100]),
    )


@login_required
def remove_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = _application(request, pk)
    attachment = _child(Attachment.objects.all(), application, attachment_pk)
    attachment.application = application
    return perform(
        request,
        lambda: services.attachment_remove(actor=request.user, attachment=attachment),  # type: ignore[arg-type]
        success=_("The attachment is removed."),
        then=reverse("funding_applications:edit_attachments", kwargs={"pk": application.pk}),
        on_error=_overview_url(application),
    )


# --- submitting and revisions -------------------------------------------------------------


@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if (frozen := _frozen(request, application)) is not None:
        return frozen
    refusal: list[str] = []
    if request.method == "POST":
        try:
            services.application_submit(actor=request.user, application=application)  # type: ignore[arg-type]
        except services.NotEligible:
            pass  # the problems are listed below
        except ValidationError as error:
            refusal = list(error.messages)
        else:
            messages.success(
                request,
                _(
                    "Your application is submitted. You can no longer change it; we will let you know."
                ),
            )
            return _overview(application)
    application = queries.with_details(Application.objects.filter(pk=pk)).get()
    problems = eligibility.check(application)
    return _editor(
        request,
        application,
        "funding/applications/submit.html",
        "submit",
        problems=problems,
        refusal=refusal,
        tried=request.method == "POST",
        is_open=application.round.is_open(),
        closes_at=services.when(application.round.closes_at),
        opens_at=services.when(application.round.opens_at),
    )


@login_required
def revisions(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    page = paginate(request, queries.revisions(application).order_by("-number"), per_page=5)
    items = queries.revisions_with_diffs(application, list(page.object_list))
    return _editor(
        request,
        application,
        "funding/applications/revisions.html",
        "revisions",
        page=page,
        items=items,
    )


# --- files -------------------------------------------------------------------------------


def _readable(request: HttpRequest, pk: int) -> Application:
    """An application the user may read: their own organisation's, or, once submitted,
    one of the call's programme as its officer, or one assigned to them as a reviewer
    without conflict."""
    if not request.user.is_authenticated or not 0 < pk <= MAX_ID:
        raise Http404
    own = access.applications_for_applicant(request.user).filter(pk=pk)
    if own.exists():
        return own.get()
    application = Application.objects.select_related("round__call__programme").filter(pk=pk).first()
    # A draft is the applicant's own until it is submitted.
    if application is None or application.status == ApplicationStatus.DRAFT:
        raise Http404
    if access.is_officer(request.user, application.round.call.programme):
        return application
    cleared = (
        access.active_assignments(request.user)
        .filter(application=application, conflict=ConflictStatus.NONE)
        .exists()
    )
    if cleared:
        return application
    raise Http404


def _download(field: Any) -> HttpResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    name = field.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]


def letter_file(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    application = _readable(request, pk)
    partner = _child(ApplicationPartner.objects.all(), application, partner_pk)
    return _download(partner.commitment_letter)


def answer_file(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    application = _readable(request, pk)
    answer = _child(Answer.objects.all(), application, answer_pk)
    return _download(answer.file)


def attachment_file(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = _readable(request, pk)
    attachment = _child(Attachment.objects.all(), application, attachment_pk)
    return _download(attachment.file)


# --- the home page section ---------------------------------------------------------------


def home_section(request: HttpRequest) -> DashboardPanel | None:
    """On the home page: the applications the user may open and a link to open calls,
    for people who apply (confirmed or waiting)."""
    user = request.user
    if not user.is_authenticated:
        return None
    roles = list(Applicant.objects.filter(user=user).select_related("organisation")[:20])
    if not roles:
        return None
    return DashboardPanel(
        template="funding/applications/home_section.html",
        context={
            "funding_applications": list(queries.applicant_list(user)[:5]),
            "funding_waiting": [role.organisation for role in roles if role.is_pending],
        },
    )


def programme_section(request: HttpRequest, programme: Any) -> DashboardPanel | None:
    """On the programme page, for its officers: people waiting to be confirmed for an
    organisation the programme knows."""
    if not access.is_officer(request.user, programme):
        return None
    waiting = queries.programme_applicants(programme, queries.ApplicantState.PENDING).count()
    return DashboardPanel(
        template="funding/applications/programme_section.html",
        context={"funding_applicants_waiting": waiting, "funding_programme": programme},
    )
