"""Forms of the tracker pages. They check what a person typed or uploaded; every change goes
through `tracking.services`. All render through the project's GOV.UK field templates."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import GovukDateField
from responses.forms import RedactionForm

from . import evidence
from .publicity import Decision
from .rag import Status

MARKUP_HINT = gettext_lazy(
    "You can use a blank line between paragraphs, and start lines with - for a bulleted list."
)
MAX_FILES = 10


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


def _evidence_hint_text() -> str:
    return _(
        "%(ALLOWED_TEXT)s files, up to %(megabytes)s MB each. You can choose several. Only the office and the force can open them."
    ) % {"ALLOWED_TEXT": evidence.ALLOWED_TEXT, "megabytes": evidence.max_bytes() // (1024 * 1024)}


_evidence_hint = lazy(_evidence_hint_text, str)


class EvidenceField(forms.FileField):
    """Any number of evidence files (up to MAX_FILES), each checked by its content."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"multiple": True, "accept": evidence.ACCEPT_ATTRIBUTE}),
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Evidence"))
        # Built when the form is shown, in that request's language: the fields of a form class
        # are made once, at import.
        kwargs.setdefault("help_text", _evidence_hint())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if len(uploads) > MAX_FILES:
            raise ValidationError(
                _("Choose %(MAX_FILES)s files or fewer at a time.") % {"MAX_FILES": MAX_FILES}
            )
        single = super().clean
        problems = []
        for upload in uploads:
            single(upload, initial)
            try:
                evidence.inspect_upload(upload)
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise ValidationError(problems)
        return uploads


def _text(label: str, *, required=True, rows=6, hint=MARKUP_HINT):
    return forms.CharField(
        label=label,
        required=required,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=20000,
    )


def _update_date(**kwargs):
    return GovukDateField(
        label=gettext_lazy("Date of the update"),
        help_text=gettext_lazy(
            "The day the progress describes: today, or an earlier day. For example, 27 3 2025."
        ),
        max_value=timezone.localdate,
        **kwargs,
    )


PUBLIC_HELP = gettext_lazy(
    "Anyone can then read it under the recommendation on the published response. Do not tick this for anything personal, sensitive or operational."
)
#: For the force: what it asks to make public is a proposal the office approves first.
FORCE_PUBLIC_HELP = gettext_lazy(
    "The office reads it first: it appears under the recommendation on the published response only once someone in the office approves it. Do not tick this for anything personal, sensitive or operational."
)


NO_CHANGE = "no_change"


class ProgressUpdateForm(forms.Form):
    date = _update_date()
    text = _text(gettext_lazy("What has been done"))
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), widget=forms.RadioSelect, required=False
    )
    is_public = forms.BooleanField(
        label=gettext_lazy("Show this update on the public response page"),
        required=False,
        help_text=PUBLIC_HELP,
    )
    files = EvidenceField()

    # The office's own public update takes effect at once: a passage it must not publish is
    # redacted as the update is written (`services.progress_update_add(redactions=...)`).
    redact_passage = forms.CharField(
        label=gettext_lazy("Passage to redact (optional)"),
        help_text=gettext_lazy(
            "Only for a public update: a passage the public must not read, for example a person's name. Copy it exactly from the text above: the public sees “[redacted: reason]” in its place. You can redact more passages after adding the update."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    redact_reason = forms.ChoiceField(
        label=gettext_lazy("Why is it redacted?"),
        required=False,
        widget=forms.RadioSelect,
    )
    redact_other_reason = forms.CharField(
        label=gettext_lazy("If other, the reason to show"),
        help_text=gettext_lazy(
            "Published in the marker, in the language of the text: a few words, no names."
        ),
        required=False,
        max_length=100,
    )

    def __init__(self, *args, statuses=(), current: str = "", by_force=False, **kwargs):
        super().__init__(*args, **kwargs)
        if by_force:
            self.fields["is_public"].label = _("Propose this update for the public response page")
            self.fields["is_public"].help_text = FORCE_PUBLIC_HELP
            # The office redacts the force's proposal before it approves it.
            for name in ("redact_passage", "redact_reason", "redact_other_reason"):
                del self.fields[name]
        else:
            self.fields["redact_reason"].choices = RedactionForm.base_fields["reason"].choices
        if not statuses:
            del self.fields["status"]
            return
        current_label = Status(current).label.lower() if current else ""
        self.fields["status"].choices = [
            (
                NO_CHANGE,
                _("No change: it stays %(current_label)s") % {"current_label": current_label},
            )
        ] + [(s.value, _("Change it to %(lower)s") % {"lower": s.label.lower()}) for s in statuses]
        self.fields["status"].initial = NO_CHANGE

    def clean_status(self):
        value = self.cleaned_data.get("status") or NO_CHANGE
        return "" if value == NO_CHANGE else value

    def clean(self):
        data = super().clean()
        data["redactions"] = []
        passage = (data.get("redact_passage") or "").strip()
        if not passage:
            return data
        if not data.get("is_public"):
            self.add_error(
                "redact_passage",
                _(
                    "Only a public update's text is redacted: show it on the public page, or leave this empty"
                ),
            )
        elif not data.get("redact_reason"):
            self.add_error("redact_reason", _("Choose why the passage is redacted"))
        else:
            data["redactions"] = [
                {
                    "passage": passage,
                    "reason": data["redact_reason"],
                    "other_reason": data.get("redact_other_reason", ""),
                }
            ]
        return data


class ClosureProposeForm(forms.Form):
    date = _update_date()
    text = _text(
        gettext_lazy("What has been done to complete the work"),
        hint=format_lazy(
            "{}{}",
            gettext_lazy("Say how the recommendation has been met, and attach the evidence. "),
            MARKUP_HINT,
        ),
    )
    is_public = forms.BooleanField(
        label=gettext_lazy("Show this on the public response page"),
        required=False,
        help_text=PUBLIC_HELP,
    )
    files = EvidenceField()

    def __init__(self, *args, by_force=False, **kwargs):
        super().__init__(*args, **kwargs)
        if by_force:
            self.fields["is_public"].label = _("Propose this for the public response page")
            self.fields["is_public"].help_text = FORCE_PUBLIC_HELP


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Your decision"),
        widget=forms.RadioSelect,
        choices=[
            ("approve", gettext_lazy("Approve closure: the item becomes complete")),
            ("refuse", gettext_lazy("Refuse closure: the item goes back to the force")),
        ],
        error_messages={"required": gettext_lazy("Choose whether to approve or refuse closure")},
    )
    reason = _text(
        gettext_lazy("Reason"),
        required=False,
        rows=4,
        hint=gettext_lazy(
            "Required if you refuse: say what is still needed. Optional if you approve."
        ),
    )
    is_public = forms.BooleanField(
        label=gettext_lazy("Show the decision on the public response page"),
        required=False,
        help_text=PUBLIC_HELP,
    )
    publish_proposal_text = forms.BooleanField(
        label=gettext_lazy(
            "Also show the force's text of the proposal on the public response page"
        ),
        required=False,
        help_text=(
            gettext_lazy(
                "The force asked for it to be public. It is published only if you approve closure and tick this; otherwise only your decision can be public."
            )
        ),
    )

    def __init__(self, *args, force_text_proposed=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not force_text_proposed:
            del self.fields["publish_proposal_text"]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Enter why closure is refused"))
        return data


class PublicProposalDecisionForm(forms.Form):
    """The office's decision on what the public page shows of a force's update."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Your decision"),
        widget=forms.RadioSelect,
        choices=[
            (Decision.APPROVED.value, gettext_lazy("Approve it as the force wrote it")),
            (
                Decision.EDITED.value,
                gettext_lazy("Publish it in the office's words (write them below)"),
            ),
            (Decision.DECLINED.value, gettext_lazy("Do not publish it")),
        ],
        error_messages={
            "required": gettext_lazy("Choose whether to approve, edit or not publish it")
        },
    )
    text = _text(
        gettext_lazy("Text to publish"),
        required=False,
        hint=format_lazy(
            "{}{}",
            gettext_lazy(
                "Only for publishing it in the office's words: this text is published instead of the force's, as the office's update. "
            ),
            MARKUP_HINT,
        ),
    )
    reason = _text(
        gettext_lazy("Reason"),
        required=False,
        rows=3,
        hint=gettext_lazy(
            "Required if you do not publish it: say why, so the force knows. Optional otherwise."
        ),
    )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == Decision.EDITED and not (data.get("text") or "").strip():
            self.add_error("text", _("Enter the office's words to publish"))
        if decision == Decision.DECLINED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Enter why it is not published"))
        return data


KEEP, NOBODY = "", "none"


def _person_choices(people, *, keep_label: str | None):
    choices = [(KEEP, keep_label)] if keep_label else []
    choices.append((NOBODY, "Nobody"))
    choices += [(str(p.pk), p.display_name) for p in people]
    return choices


class BulkChangeForm(forms.Form):
    """Change several items at once; blank fields leave each item as it is."""

    office_lead = forms.ChoiceField(label=gettext_lazy("Office lead"), required=False)
    force_lead = forms.ChoiceField(label=gettext_lazy("Force lead"), required=False)
    target_date = GovukDateField(
        label=gettext_lazy("Target date"),
        required=False,
        help_text=gettext_lazy("Leave blank to keep each item's date."),
    )
    clear_target_date = forms.BooleanField(
        label=gettext_lazy("Remove the target date"), required=False
    )
    area = forms.CharField(
        label=gettext_lazy("Area"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Leave blank to keep each item's area."),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    reason = _text(
        gettext_lazy("Reason"),
        required=False,
        rows=3,
        hint=gettext_lazy(
            "Required when you change the status: it is recorded as an update on each item."
        ),
    )

    def __init__(self, *args, office_people=(), force_people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in [*office_people, *force_people]}
        self.fields["office_lead"].choices = _person_choices(
            office_people, keep_label=_("Leave as it is")
        )
        self.fields["force_lead"].choices = _person_choices(
            force_people, keep_label=_("Leave as it is")
        )
        self.fields["status"].choices = [("", _("Leave as it is"))] + [
            (s.value, s.label)
            for s in (Status.OPEN, Status.IN_PROGRESS, Status.SUPERSEDED, Status.NOT_ACCEPTED)
        ]
        self.fields["status"].help_text = _(
            "An item becomes complete only when the office approves a closure proposal."
        )

    def clean(self):
        data = super().clean()
        if data.get("target_date") and data.get("clear_target_date"):
            self.add_error(
                "clear_target_date", _("Either set a target date or remove it, not both")
            )
        reason = (data.get("reason") or "").strip()
        if data.get("status") and not reason:
            self.add_error("reason", _("Enter why the status is changing"))
        return data

    def _person(self, value):
        if value == KEEP:
            return None, False
        if value == NOBODY:
            return None, True
        return self.people[value], True

    def changes(self) -> dict:
        """The keyword arguments for `tracker_items_bulk_update` (only what changes)."""
        data = self.cleaned_data
        changes = {}
        for name in ("office_lead", "force_lead"):
            person, changed = self._person(data.get(name) or KEEP)
            if changed:
                changes[name] = person
        if data.get("clear_target_date"):
            changes["target_date"] = None
        elif data.get("target_date"):
            changes["target_date"] = data["target_date"]
        if (data.get("area") or "").strip():
            changes["area"] = data["area"]
        if data.get("status"):
            changes["status"] = data["status"]
        if (data.get("reason") or "").strip():
            changes["reason"] = data["reason"]
        return changes


class ItemDetailsForm(forms.Form):
    """One item's leads, target date and area, shown as they are now."""

    office_lead = forms.ChoiceField(label=gettext_lazy("Office lead"), required=False)
    force_lead = forms.ChoiceField(label=gettext_lazy("Force lead"), required=False)
    target_date = GovukDateField(
        label=gettext_lazy("Target date"),
        required=False,
        help_text=gettext_lazy("For example, 31 3 2026. Leave blank for none."),
    )
    area = forms.CharField(label=gettext_lazy("Area"), required=False, max_length=200)
    reason = _text(
        gettext_lazy("Reason for the change"),
        required=False,
        rows=3,
        hint=gettext_lazy("Recorded in the item's history, for example why the target date moved."),
    )

    def __init__(self, *args, item, office_people=(), force_people=(), **kwargs):
        initial = {
            "office_lead": str(item.office_lead_id) if item.office_lead_id else NOBODY,
            "force_lead": str(item.force_lead_id) if item.force_lead_id else NOBODY,
            "target_date": item.target_date,
            "area": item.area,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.item = item
        self.people = {str(p.pk): p for p in [*office_people, *force_people]}
        self.fields["office_lead"].choices = _person_choices(office_people, keep_label=None)
        self.fields["force_lead"].choices = _person_choices(force_people, keep_label=None)
        for name, lead in (("office_lead", item.office_lead), ("force_lead", item.force_lead)):
            # A lead who has since left stays selectable, so saving other fields keeps them.
            if lead and str(lead.pk) not in self.people:
                self.people[str(lead.pk)] = lead
                self.fields[name].choices.append((str(lead.pk), f"{lead.display_name} (left)"))

    def changes(self) -> dict:
        data = self.cleaned_data
        item = self.item
        changes = {}
        for name in ("office_lead", "force_lead"):
            value = data.get(name) or NOBODY
            person = None if value == NOBODY else self.people[value]
            if getattr(item, f"{name}_id") != (person.pk if person else None):
                changes[name] = person
        if data.get("target_date") != item.target_date:
            changes["target_date"] = data.get("target_date")
        area = (data.get("area") or "").strip()
        if area != item.area:
            changes["area"] = area
        return changes


class PanelPackForm(forms.Form):
    as_at = GovukDateField(
        label=gettext_lazy("As at"),
        help_text=(
            gettext_lazy(
                "The pack shows each open item's status and latest public update on this date. Usually the date the papers go to the panel. For example, 27 3 2025."
            )
        ),
        max_value=timezone.localdate,
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        required=False,
        max_length=200,
        help_text=gettext_lazy('Leave blank for "Progress on HMICFRS recommendations: <date>".'),
    )


class ProgressRedactionForm(RedactionForm):
    """Mark a passage of a public update as redacted (`services.progress_redaction_add`): the
    response's redaction form, for the one text an update has."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, texts={}, **kwargs)
        del self.fields["field"]
        self.fields["passage"].help_text = gettext_lazy(
            "Copy it exactly from the update: every place it appears is redacted."
        )
