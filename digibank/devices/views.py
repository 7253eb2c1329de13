"""Pages of the device bank. Views stay thin: they check input with a form, call one
service or query, and answer. Every page is under /h/<hub>/devices/ and reaches data
through request.hub only, so another hub's device answers 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.accounts.reads import reads_personal_data
from digibank.accounts.scoping import get_for_hub, hub_view
from digibank.core.forms import add_service_errors
from digibank.core.limits import FORM_OVERHEAD, accepts_uploads
from digibank.core.pagination import paginate
from digibank.network.models import Location
from digibank.network.queries import organisation_search

from . import exchange, queries, services
from .forms import (
    IMPORT_FILE_BYTES,
    PHOTO_BYTES,
    WIPE_CERTIFICATE_BYTES,
    DeviceFilterForm,
    DeviceForm,
    ImportForm,
    PhotoForm,
    RepairForm,
    StockTakeForm,
    TransitionForm,
    WipeForm,
)
from .lifecycle import ACTION_LABELS, MANUAL_TARGETS, allowed_next, status_seam
from .models import DataWipe, Device, DevicePhoto, DeviceStatus, RetirementReason, StockTake
from .photos import MAX_PHOTOS_PER_DEVICE
from .registry import device_sections

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from digibank.accounts.models import Membership
    from digibank.network.models import Hub

    class HubRequest(HttpRequest):
        hub: Hub
        membership: Membership
        htmx: HtmxDetails

else:
    HubRequest = HttpRequest

MAX_ID = 2**63 - 1
LIST_COUNT_LIMIT = 1000
MAX_LABELS = 120


def _device(request: HubRequest, pk: int) -> Device:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return get_for_hub(request, Device.objects.select_related("location", "donor"), pk=pk)


def _detail_url(request: HubRequest, device: Device) -> str:
    return reverse("devices:detail", kwargs={"hub": request.hub.slug, "pk": device.pk})


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def label_qr(url: str) -> segno.QRCode:
    """The QR code printed on a label (tests decode it as a scanner would)."""
    return segno.make(url, error="m")


def _qr_svg(url: str) -> str:
    return mark_safe(  # noqa: S308 - segno writes the SVG itself, no user markup
        label_qr(url).svg_inline(scale=3, border=2, omitsize=False)
    )


# --- inventory --------------------------------------------------------------------------


def _filtered(request: HubRequest) -> tuple[DeviceFilterForm, Any]:
    form = DeviceFilterForm(request.GET, hub=request.hub)
    return form, queries.device_list(hub=request.hub, **form.filters())


@hub_view("devices.view")
def device_list(request: HubRequest) -> HttpResponse:
    form, devices = _filtered(request)
    page = paginate(request, devices, count_limit=LIST_COUNT_LIMIT)
    can_manage = request.membership.has_perm("devices.manage")
    context = {
        "form": form,
        "page": page,
        "filtering": any(request.GET.get(k) for k in ("q", "kind", "status", "location")),
        "can_manage": can_manage,
        "query_string": request.GET.urlencode(),
    }
    return render(request, "devices/device_list.html", context)


@hub_view("devices.view")
def device_find(request: HubRequest) -> HttpResponse:
    """The 'scan or type a tag' box: straight to the device page."""
    tag = request.GET.get("tag", "")[:300]
    device = queries.device_by_tag(hub=request.hub, tag=tag)
    if device is None:
        messages.error(request, _("No device of this hub has the tag “%(tag)s”.") % {"tag": tag})
        return redirect("devices:list", hub=request.hub.slug)
    return redirect(_detail_url(request, device))


@hub_view("devices.view")
def device_by_label(request: HubRequest, tag: str) -> HttpResponse:
    """A label's QR code holds this URL (its last part is the tag): a phone camera
    opens the device page; a desk scanner's text is read by every lookup."""
    device = queries.device_by_tag(hub=request.hub, tag=tag[:40])
    if device is None:
        raise Http404
    return redirect(_detail_url(request, device))


def label_url(request: HttpRequest, hub_slug: str, tag: str) -> str:
    """What a label's QR code holds: the absolute URL ending in the asset tag."""
    return request.build_absolute_uri(
        reverse("devices:by_label", kwargs={"hub": hub_slug, "tag": tag})
    )


def _donor_search(
    request: HubRequest, initial: dict[str, Any], extra_ids: list[int]
) -> DeviceForm | None:
    """The "Find organisations" button of the device form: the same form again, with
    what was typed kept and the organisations found by name added to the donor list.
    None when the form was submitted to save."""
    if request.method != "POST" or not request.POST.get("find_donor"):
        return None
    query = request.POST.get("donor_name", "")[:200]
    found = organisation_search(query) if len(query.strip()) >= 2 else []
    too_short = len(query.strip()) < 2
    values = {
        k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "find_donor")
    }
    if found:
        values["donor_name"] = ""
        messages.info(
            request,
            _("%(count)s organisations found. Choose the donor in the list.")
            % {"count": len(found)},
        )
    elif too_short:
        messages.warning(
            request, _("Type at least two letters of the donor's name to find organisations.")
        )
    else:
        messages.warning(
            request,
            _("No organisation found with this name. Save to add it as a new donor."),
        )
    return DeviceForm(
        hub=request.hub,
        initial={**initial, **values},
        donor_ids=[*extra_ids, *(org.pk for org in found)],
    )


@hub_view("devices.manage")
def device_create(request: HubRequest) -> HttpResponse:
    searched = _donor_search(request, {}, _posted_donor(request))
    if searched is not None:
        return render(request, "devices/device_form.html", {"form": searched})
    form = DeviceForm(
        _posted(request),
        hub=request.hub,
        initial={"intake_date": timezone.localdate()},
        donor_ids=_posted_donor(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            device = services.device_register(
                actor=request.user, hub=request.hub, **form.device_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The device is registered with tag %(tag)s.") % {"tag": device.tag}
            )
            return redirect(_detail_url(request, device))
    return render(request, "devices/device_form.html", {"form": form})


def _posted_donor(request: HubRequest) -> list[int]:
    """The donor chosen in a posted form stays in the list when the form comes back."""
    value = request.POST.get("donor", "") if request.method == "POST" else ""
    return [int(value)] if value.isdigit() and 0 < int(value) <= MAX_ID else []


@hub_view("devices.manage")
def device_edit(request: HubRequest, pk: int) -> HttpResponse:
    """Correct a device's description (its status changes on the device page)."""
    device = _device(request, pk)
    initial = model_to_dict(device, fields=DeviceForm.Meta.fields)
    if device.value_cents is not None:
        initial["value"] = f"{device.value_cents / 100:.2f}".replace(".", ",")
    extra = [device.donor_id] if device.donor_id else []
    context: dict[str, Any] = {"device": device, "editing": True}
    searched = _donor_search(request, initial, [*extra, *_posted_donor(request)])
    if searched is not None:
        return render(request, "devices/device_form.html", {**context, "form": searched})
    form = DeviceForm(
        _posted(request),
        hub=request.hub,
        initial=initial,
        donor_ids=[*extra, *_posted_donor(request)],
    )
    if request.method == "POST" and form.is_valid():
        values = form.device_values()
        if values.get("intake_date") is None:
            values.pop("intake_date", None)
        try:
            services.device_update(actor=request.user, device=device, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The device is saved."))
            return redirect(_detail_url(request, device))
    return render(request, "devices/device_form.html", {**context, "form": form})


# --- the device page --------------------------------------------------------------------


@hub_view("devices.view")
@reads_personal_data(when_shown=True)
def device_detail(request: HubRequest, pk: int) -> HttpResponse:
    """The device page; sections of other apps (registry.py) may show who holds it,
    for roles that may see that (journaled as a read when they do)."""
    device = _device(request, pk)
    can_manage = request.membership.has_perm("devices.manage")
    actions = []
    if can_manage:
        for status in DeviceStatus:
            if status in MANUAL_TARGETS and status in allowed_next(device.status):
                refusal = services.transition_refusal(
                    device, status, RetirementReason.RECYCLED if status == "retired" else ""
                )
                # The app holding a record of this device (lending) may refuse, or
                # lead to its own page (retiring a lent device: the lost flow).
                seam = status_seam(device, status)
                actions.append(
                    {
                        "to": status.value,
                        "label": ACTION_LABELS[status],
                        "refusal": refusal or (seam.refusal if seam else ""),
                        "url": seam.url if seam else "",
                    }
                )
    context = {
        "device": device,
        "history": queries.device_history(device),
        "actions": actions,
        "can_manage": can_manage,
        "can_wipe": can_manage
        and device.stores_data
        and device.status not in ("on_loan", "retired", "reserved"),
        "can_repair": can_manage and device.status != "retired",
        "wiped": device.stores_data and services.latest_passed_wipe(device) is not None,
        "photos": list(device.photos.order_by("created_at", "id")[:MAX_PHOTOS_PER_DEVICE]),
        "sections": device_sections(request, device),
    }
    return render(request, "devices/device_detail.html", context)


@hub_view("devices.manage")
def device_transition(request: HubRequest, pk: int) -> HttpResponse:
    """POST: change the status. Retiring asks for a reason and a confirmation first."""
    device = _device(request, pk)
    if request.method != "POST":
        to = request.GET.get("to", "")
        if to != DeviceStatus.RETIRED:
            return redirect(_detail_url(request, device))
        seam = status_seam(device, to)
        if seam is not None and seam.url:
            return redirect(seam.url)
        form = TransitionForm(initial={"to": to})
        return render(request, "devices/device_retire.html", {"device": device, "form": form})
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what should happen to the device."))
        return redirect(_detail_url(request, device))
    to, reason = form.cleaned_data["to"], form.cleaned_data["reason"]
    if to == DeviceStatus.RETIRED and request.POST.get("confirm") != "yes":
        return render(request, "devices/device_retire.html", {"device": device, "form": form})
    if to not in MANUAL_TARGETS:
        messages.error(request, _("Use the lending screens for this."))
        return redirect(_detail_url(request, device))
    seam = status_seam(device, to)
    if seam is not None and seam.url:
        return redirect(seam.url)
    try:
        services.device_change_status(actor=request.user, device=device, to=to, reason=reason)
    except ValidationError as error:
        if to == DeviceStatus.RETIRED and not reason:
            form.add_error("reason", " ".join(error.messages))
            return render(request, "devices/device_retire.html", {"device": device, "form": form})
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The device is now “%(status)s”.") % {"status": device.get_status_display()},
        )
    return redirect(_detail_url(request, device))


@accepts_uploads(WIPE_CERTIFICATE_BYTES + FORM_OVERHEAD)
@hub_view("devices.manage")
def wipe_create(request: HubRequest, pk: int) -> HttpResponse:
    device = _device(request, pk)
    form = WipeForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        initial={"wiped_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.wipe_record(
                actor=request.user,
                device=device,
                method=data["method"],
                tool=data["tool"],
                result=data["result"],
                wiped_on=data["wiped_on"],
                certificate_number=data["certificate_number"],
                certificate=data["certificate"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The data wipe is recorded."))
            return redirect(_detail_url(request, device))
    return render(request, "devices/wipe_form.html", {"device": device, "form": form})


@hub_view("devices.view")
def wipe_certificate(request: HubRequest, pk: int, wipe_pk: int) -> HttpResponse:
    device = _device(request, pk)
    wipe = DataWipe.objects.filter(device=device, pk=wipe_pk).exclude(certificate="").first()
    if wipe is None:
        raise Http404
    try:
        handle = wipe.certificate.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    # hub_view is typed for HttpResponse; a streamed file answers the same way.
    return FileResponse(  # type: ignore[return-value]
        handle,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"wipe-{device.tag}-{wipe.pk}.pdf",
    )


@hub_view("devices.manage")
def repair_create(request: HubRequest, pk: int) -> HttpResponse:
    device = _device(request, pk)
    form = RepairForm(_posted(request), initial={"repaired_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.repair_record(
                actor=request.user,
                device=device,
                problem=data["problem"],
                parts=data["parts"],
                cost_cents=data["cost"] or 0,
                minutes_spent=data["minutes_spent"] or 0,
                repaired_by=request.user if data["done_by_me"] else None,
                trainee_name=data["trainee_name"],
                outcome=data["outcome"],
                repaired_on=data["repaired_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The repair is recorded."))
            return redirect(_detail_url(request, device))
    return render(request, "devices/repair_form.html", {"device": device, "form": form})


# --- photos -----------------------------------------------------------------------------


def _photo(request: HubRequest, device: Device, photo_pk: int) -> DevicePhoto:
    if not 0 < photo_pk <= MAX_ID:
        raise Http404
    photo = DevicePhoto.objects.filter(device=device, pk=photo_pk).first()
    if photo is None:
        raise Http404
    return photo


@accepts_uploads(PHOTO_BYTES + FORM_OVERHEAD)
@hub_view("devices.manage")
def photo_add(request: HubRequest, pk: int) -> HttpResponse:
    device = _device(request, pk)
    form = PhotoForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.photo_add(
                actor=request.user,
                device=device,
                upload=form.cleaned_data["photo"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The photo is added."))
            return redirect(_detail_url(request, device))
    return render(request, "devices/photo_form.html", {"device": device, "form": form})


def _photo_file(request: HubRequest, pk: int, photo_pk: int, *, thumbnail: bool) -> HttpResponse:
    device = _device(request, pk)
    photo = _photo(request, device, photo_pk)
    stored = photo.thumbnail if thumbnail else photo.image
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]


@hub_view("devices.view")
def photo_file(request: HubRequest, pk: int, photo_pk: int) -> HttpResponse:
    return _photo_file(request, pk, photo_pk, thumbnail=False)


@hub_view("devices.view")
def photo_thumbnail(request: HubRequest, pk: int, photo_pk: int) -> HttpResponse:
    return _photo_file(request, pk, photo_pk, thumbnail=True)


@hub_view("devices.manage")
@require_POST
def photo_delete(request: HubRequest, pk: int, photo_pk: int) -> HttpResponse:
    device = _device(request, pk)
    photo = _photo(request, device, photo_pk)
    try:
        services.photo_delete(actor=request.user, photo=photo)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The photo is deleted."))
    return redirect(_detail_url(request, device))


# --- labels -----------------------------------------------------------------------------


def _labels(request: HubRequest, devices: list[Device]) -> list[dict[str, Any]]:
    return [
        {"device": d, "qr": _qr_svg(label_url(request, request.hub.slug, str(d.tag)))}
        for d in devices
    ]


@hub_view("devices.view")
def device_label(request: HubRequest, pk: int) -> HttpResponse:
    device = _device(request, pk)
    return render(
        request,
        "devices/labels.html",
        {"labels": _labels(request, [device]), "single": device},
    )


@hub_view("devices.view")
def label_sheet(request: HubRequest) -> HttpResponse:
    ids = [int(v) for v in request.GET.getlist("id") if v.isdigit() and 0 < int(v) <= MAX_ID]
    ids = list(dict.fromkeys(ids))[:MAX_LABELS]
    devices = list(
        Device.objects.filter(hub=request.hub, pk__in=ids).select_related("location").order_by("id")
    )
    if not devices:
        messages.error(request, _("Tick the devices you want labels for."))
        return redirect("devices:list", hub=request.hub.slug)
    return render(request, "devices/labels.html", {"labels": _labels(request, devices)})


# --- stock-take -------------------------------------------------------------------------


@hub_view("devices.manage")
def stock_take_create(request: HubRequest) -> HttpResponse:
    form = StockTakeForm(
        _posted(request),
        hub=request.hub,
        initial={
            "location": request.GET.get("location"),
            "tags": request.GET.get("tags", "")[:200],  # from the scan desk's card
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            take, unknown = services.stock_take_record(
                actor=request.user,
                hub=request.hub,
                location=form.cleaned_data["location"],
                tags=form.cleaned_data["tags"].splitlines(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if unknown:
                messages.warning(
                    request,
                    _("These tags match no device of this hub: %(tags)s")
                    % {"tags": ", ".join(unknown[:50])},
                )
            return redirect("devices:stock_take", hub=request.hub.slug, pk=take.pk)
    return render(request, "devices/stock_take_form.html", {"form": form})


@hub_view("devices.view")
def stock_take_detail(request: HubRequest, pk: int) -> HttpResponse:
    if not 0 < pk <= MAX_ID:
        raise Http404
    take = get_for_hub(request, StockTake.objects.select_related("location", "done_by"), pk=pk)
    location: Location = take.location
    seen_ids = take.seen.values("device_id")
    at_location = (
        Device.objects.filter(hub=request.hub, location=location)
        .exclude(status=DeviceStatus.RETIRED)
        .exclude(status=DeviceStatus.ON_LOAN)
    )
    missing = paginate(request, at_location.exclude(pk__in=seen_ids).order_by("tag"))
    return render(
        request,
        "devices/stock_take_detail.html",
        {
            "take": take,
            "page": missing,
            "seen_count": take.seen.count(),
        },
    )


# --- import and export ------------------------------------------------------------------


@accepts_uploads(IMPORT_FILE_BYTES + FORM_OVERHEAD)
@hub_view("devices.manage")
def device_import(request: HubRequest) -> HttpResponse:
    form = ImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = exchange.parse_import(hub=request.hub, raw=form.cleaned_data["file"].read())
            devices = services.devices_import(actor=request.user, hub=request.hub, rows=rows)
        except ValidationError as error:
            row_errors = [str(m) for m in error.messages]
            form.add_error("file", _("Nothing was imported. Correct the rows below and try again."))
        else:
            messages.success(request, _("%(n)s devices are registered.") % {"n": len(devices)})
            return redirect("devices:list", hub=request.hub.slug)
    return render(
        request,
        "devices/import_form.html",
        {"form": form, "row_errors": row_errors, "columns": exchange.IMPORT_COLUMNS},
    )


@hub_view("devices.manage")
def export_csv(request: HubRequest) -> HttpResponse:
    _form, devices = _filtered(request)
    response = StreamingHttpResponse(exchange.csv_rows(devices), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="devices-{request.hub.slug}.csv"'
    return response  # type: ignore[return-value]


@hub_view("devices.manage")
def export_xlsx(request: HubRequest) -> HttpResponse:
    _form, devices = _filtered(request)
    response = HttpResponse(
        exchange.xlsx_bytes(devices),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="devices-{request.hub.slug}.xlsx"'
    return response
