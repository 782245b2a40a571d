"""The page where the office redacts passages of a public progress update (responses/
redaction.py; docs/decisions/0011-redaction-storage.md): the passages redacted, the text as the
public reads it, and the form to redact another. The response's redaction page and this one
share the table of redactions (templates/responses/_redactions_summary.html) and the form
(`responses.forms.RedactionForm`). Every change goes through `tracking.services`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.permissions import has_office_role, member_required
from core.dates import long_date
from responses import redaction

from . import services
from .forms import ProgressRedactionForm
from .selectors import get_item_for, update_for_item
from .workflow import TrackingError


def _office_update(request, pk, update_pk):
    item = get_item_for(request.user, pk)
    if not has_office_role(request.user, item.policing_body_id):
        raise PermissionDenied(gettext("Only the office's staff can do this."))
    return item, update_for_item(item, update_pk)


def redactions_context(item, update) -> dict:
    """The update's redactions as the shared table shows them, and its text as the public reads
    it when any passage is redacted."""
    rows = list(update.redactions.select_related("created_by").order_by("pk"))
    label = gettext("the update of %(date)s") % {"date": long_date(update.date)}
    for row in rows:
        row.text_label = label
        row.stale = False  # an update is never edited: its passage stays in it
        row.remove_url = reverse(
            "tracking:progress-redaction-remove", args=[item.pk, update.pk, row.pk]
        )
    previews = []
    if rows:
        previews.append(
            {"label": label, "text": redaction.apply(update.text, [r.marked() for r in rows])}
        )
    return {"redactions": rows, "redacted_previews": previews}


@member_required
def update_redactions(request, pk, update_pk):
    item, update = _office_update(request, pk, update_pk)
    form = ProgressRedactionForm(request.POST or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_redaction_add(
                update=update,
                passage=data["passage"],
                reason=data["reason"],
                other_reason=data["other_reason"],
                acting_user=request.user,
            )
        except TrackingError as error:
            problems = error.problems
        else:
            messages.success(request, gettext("The passage is redacted in what the public reads."))
            return redirect("tracking:progress-redactions", pk=item.pk, update_pk=update.pk)
    return render(
        request,
        "tracking/update_redactions.html",
        {
            "page_title": gettext("Redact a passage of the update of %(date)s")
            % {"date": long_date(update.date)},
            "item": item,
            "update": update,
            "form": form,
            "problems": problems,
            "may_redact": update.is_public,
            **redactions_context(item, update),
        },
    )


@member_required
@require_POST
def update_redaction_remove(request, pk, update_pk, redaction_pk):
    item, update = _office_update(request, pk, update_pk)
    row = get_object_or_404(update.redactions, pk=redaction_pk)
    try:
        services.progress_redaction_remove(redaction_id=row.pk, acting_user=request.user)
    except TrackingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, gettext("The redaction is removed: the passage is public as written.")
        )
    return redirect("tracking:progress-redactions", pk=item.pk, update_pk=update.pk)
