"""Pages: the office's reminders, its other emails and any work that failed after a change,
a person's reminder settings, and the calendar feed."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import member_required, office_required, user_office
from core import events, outbox
from core.history import reason_html
from core.models import EmailStatus, EventDelivery, OutgoingEmail

from . import selectors, services
from .calendar import build_feed
from .forms import PreferenceForm
from .models import CalendarToken, Delivery, Reminder, ReminderPreference, ReminderRule, SendStatus

PAGE_SIZE = 50

STATUS_FILTERS = [
    ("", gettext_lazy("All reminders")),
    ("problems", gettext_lazy("Problems: failed or stuck")),
    (SendStatus.SENT, "Sent"),
    (SendStatus.READY, gettext_lazy("Waiting to be sent")),
    (SendStatus.CANCELLED, gettext_lazy("Not sent: no longer needed")),
]


@office_required()
@require_GET
def reminder_list(request):
    """What was sent for the office, to whom, when, and what failed (newest first)."""
    office = user_office(request.user)
    status = request.GET.get("status", "")
    if status not in {value for value, _ in STATUS_FILTERS}:
        status = ""
    paginator = Paginator(selectors.reminders_for_office(office.pk, status=status), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    rows = []
    for reminder in page.object_list:
        stuck = selectors.is_stuck(reminder, now=now)
        rows.append(
            {
                "reminder": reminder,
                "stuck": stuck,
                "can_retry": reminder.status == SendStatus.FAILED or stuck,
                "error_text": reason_html(reminder.error),
                "colour": "red" if stuck else SendStatus(reminder.status).colour,
                "status_text": gettext("Stuck: may not have been sent")
                if stuck
                else reminder.get_status_display(),
            }
        )
    return render(
        request,
        "reminders/reminder_list.html",
        {
            "page_title": "Reminders",
            "office": office,
            "page_obj": page,
            "rows": rows,
            "status": status,
            "status_filters": STATUS_FILTERS,
            "problems": selectors.failed_reminders_summary(request.user, now=now),
        },
    )


@office_required()
@require_POST
def reminder_send_again(request, pk: int):
    office = user_office(request.user)
    reminder = get_object_or_404(Reminder, pk=pk, response__policing_body=office)
    if services.reminder_retry(reminder=reminder, acting_user=request.user):
        messages.success(
            request,
            gettext(
                "The reminder to %(display_name)s will be sent again in a moment, as its own email."
            )
            % {"display_name": reminder.recipient.display_name},
        )
    else:
        messages.info(request, gettext("That reminder has not failed, so it was not sent again."))
    return redirect("reminders:list")


# --- every other email, and the work that follows a change --------------------------------


@office_required()
@require_GET
def email_list(request):
    """Every email the product sent for the office other than reminders (the invitation to the
    force, the force's submission, ...), with its words as sent, and anything that should have
    followed a change and failed (core/events.py), newest first."""
    office = user_office(request.user)
    problems = request.GET.get("status") == "problems"
    now = timezone.now()
    paginator = Paginator(
        selectors.emails_for_offices([office.pk], problems=problems, now=now), PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = []
    for email in page.object_list:
        stuck = outbox.is_stuck(email, now=now)
        rows.append(
            {
                "email": email,
                "stuck": stuck,
                "can_retry": email.status == EmailStatus.FAILED or stuck,
                "colour": "red" if stuck else EmailStatus(email.status).colour,
                "status_text": gettext("Stuck: may not have been sent")
                if stuck
                else email.get_status_display(),
            }
        )
    return render(
        request,
        "reminders/email_list.html",
        {
            "page_title": "Emails",
            "office": office,
            "page_obj": page,
            "rows": rows,
            "problems": problems,
            "failed_work": list(selectors.failed_work_for_offices([office.pk])[:50]),
        },
    )


@office_required()
@require_POST
def email_send_again(request, pk: int):
    office = user_office(request.user)
    email = get_object_or_404(OutgoingEmail, pk=pk, office_id=office.pk)
    if outbox.email_retry(email=email):
        messages.success(
            request,
            gettext("The email to %(to)s will be sent again in a moment.") % {"to": email.to},
        )
    else:
        messages.info(request, gettext("That email has not failed, so it was not sent again."))
    return redirect("reminders:emails")


@office_required()
@require_POST
def work_try_again(request, pk: int):
    office = user_office(request.user)
    delivery = get_object_or_404(EventDelivery, pk=pk, office_id=office.pk)
    if events.delivery_retry(delivery=delivery):
        messages.success(request, gettext("It will be tried again in a moment."))
    else:
        messages.info(request, gettext("That has not failed, so it was not tried again."))
    return redirect("reminders:emails")


@member_required
def preferences(request):
    """A person's choice of a daily digest or individual emails, and optional reminders."""
    preference = (
        ReminderPreference.objects.filter(user=request.user).prefetch_related("muted_rules").first()
    )
    rules = list(ReminderRule.objects.filter(is_active=True))
    optional = [r for r in rules if not r.statutory]
    statutory = [r for r in rules if r.statutory]
    muted = set(preference.muted_rules.all()) if preference else set()
    initial = {
        "delivery": preference.delivery if preference else Delivery.DIGEST,
        "wanted_rules": [r for r in optional if r not in muted],
    }
    if request.method == "POST":
        form = PreferenceForm(request.POST, optional_rules=optional)
        if form.is_valid():
            services.preference_update(
                user=request.user,
                delivery=form.cleaned_data["delivery"],
                muted_rules=form.muted_rules(),
            )
            messages.success(request, gettext("Your reminder settings have been saved."))
            return redirect("reminders:preferences")
    else:
        form = PreferenceForm(initial=initial, optional_rules=optional)
    return render(
        request,
        "reminders/preferences.html",
        {
            "page_title": gettext("Your reminder settings"),
            "form": form,
            "statutory_rules": statutory,
            "is_office_staff": user_office(request.user) is not None,
        },
    )


_NEW_FEED_SESSION_KEY = "reminders_new_calendar_token"


@member_required
def calendar(request):
    """Create, replace or revoke the person's secret calendar feed address."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            token = services.calendar_token_create(user=request.user)
            # Shown once, on the next page: only the hash is stored.
            request.session[_NEW_FEED_SESSION_KEY] = token
            messages.success(request, gettext("Your calendar feed address has been created."))
        elif action == "revoke" and services.calendar_token_revoke(user=request.user):
            messages.success(
                request,
                gettext("Your calendar feed address has been turned off. It no longer works."),
            )
        return redirect("reminders:calendar")
    new_token = request.session.pop(_NEW_FEED_SESSION_KEY, None)
    active = CalendarToken.objects.filter(user=request.user).active().first()
    feed_url = (
        request.build_absolute_uri(f"/reminders/calendar/{new_token}.ics")
        if new_token and active
        else ""
    )
    return render(
        request,
        "reminders/calendar.html",
        {"page_title": gettext("Calendar feed"), "active": active, "feed_url": feed_url},
    )


def calendar_feed(request, token: str):
    """The feed itself. The secret in the address is the only credential; a revoked or
    unknown one, or a deactivated person, gives 404."""
    feed_token = CalendarToken.objects.matching(token).select_related("user").first()
    if feed_token is None or not feed_token.user.is_active:
        raise Http404(gettext("No such calendar feed."))
    now = timezone.now()
    CalendarToken.objects.filter(pk=feed_token.pk).update(last_used_at=now)
    body = build_feed(feed_token.user, today=timezone.localdate(now), now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="section55-deadlines.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
