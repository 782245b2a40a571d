"""Forms for the sections and actions of a Section 55 response. They collect and check what a
person typed; every change goes through `responses.services`.

Every form that edits text carries the response's `lock_version` from when the page was opened,
so a save over somebody else's newer change is refused (see `responses.views`). All render
through the project's GOV.UK field templates.
"""

import copy
from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Force
from accounts.selectors import force_contributors
from core.dates import long_date
from core.forms import ForcesField, GovukDateField
from inspections.forms import MARKUP_HINT
from inspections.models import ReportType, Scope

from . import deadlines
from .models import Explanation, Redaction, Status


class LockedForm(forms.Form):
    """A form that edits a response: it remembers the version the editor started from."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _long_text(label: str, *, required: bool = True, rows: int = 8, hint: str = MARKUP_HINT):
    return forms.CharField(
        label=label,
        required=required,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        strip=False,
    )


def add_welsh(form, name: str, *, one_language_key: str | None = None) -> None:
    """Give a text field of a bilingual body's form its Welsh twin, `<name>_cy`, shown side by
    side with it (Welsh first, as the Welsh Language Standards prefer where both appear
    together), each textarea marked with its `lang`; and, with `one_language_key`, the field
    `<name>_one_language` for why this text is published in one language only
    (`responses.services.response_record_one_language`). templates/govuk/form.html lays the
    pair out in two columns."""
    english = form.fields[name]
    base_label = str(english.label)
    welsh = copy.deepcopy(english)
    welsh.required = False
    english.required = False
    welsh.label = _("%(label)s in Welsh (Cymraeg)") % {"label": english.label}
    english.label = _("%(label)s in English") % {"label": english.label}
    welsh.widget.attrs["lang"] = "cy"
    english.widget.attrs["lang"] = "en-GB"
    welsh.language_pair = "start"
    english.language_pair = "end"
    english.is_page_heading = welsh.is_page_heading = False
    english.label_size = welsh.label_size = "s"
    fields = {}
    for key, field in form.fields.items():
        if key == name:
            fields[f"{name}_cy"] = welsh
        fields[key] = field
        if key == name and one_language_key:
            fields[f"{name}_one_language"] = forms.CharField(
                label=_("If %(lower)s%(value)s is published in one language only, why")
                % {"lower": base_label[:1].lower(), "value": base_label[1:]},
                required=False,
                help_text=_(
                    "For example: the force's comments, published as the force sent them. Leave empty when both languages are published."
                ),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
    form.fields = fields
    form.bilingual = True


def one_language_initial(response, key: str) -> str:
    return str((response.one_language_reasons or {}).get(key, ""))


class InviteForm(forms.Form):
    """s55(4): the office invites the chief officer's comments "before such date as the body
    specifies". The date offered is `deadlines.suggested_force_reply_by` (working days before
    the publish-by date); the office may choose any date."""

    invited_on = GovukDateField(
        label=gettext_lazy("Date of the invitation"),
        help_text=gettext_lazy("Usually today. For example, 8 1 2020."),
        max_value=timezone.localdate,
    )
    reply_by = GovukDateField(label=gettext_lazy("Reply by"))
    force_contact = forms.ModelChoiceField(
        label=gettext_lazy("Who at the force answers"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Every contributor of the force"),
        help_text=gettext_lazy(
            "The invitation email goes to this person, with a link to the force's page for this response. To add someone, invite them as a force contributor."
        ),
    )

    def __init__(self, *args, response=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.response = response
        contributors = force_contributors(response.policing_body.force) if response else None
        self.fields["force_contact"].queryset = (
            contributors.order_by("full_name", "username")
            if contributors is not None
            else get_user_model().objects.none()
        )
        self.fields["force_contact"].label_from_instance = lambda user: (
            f"{user.display_name} ({user.email})" if user.email else user.display_name
        )
        if response is not None and response.due_date:
            publish_by = deadlines.publish_by_date(response.due_date)
            self.fields["reply_by"].help_text = _(
                "The date the force should send its comments by. We suggest %(FORCE_REPLY_LEAD_WORKING_DAYS)s working days before the publish-by date of %(date)s, so there is time to write the response. You can choose any date."
            ) % {
                "FORCE_REPLY_LEAD_WORKING_DAYS": deadlines.FORCE_REPLY_LEAD_WORKING_DAYS,
                "date": long_date(publish_by),
            }

    def clean(self):
        data = super().clean()
        invited_on, reply_by = data.get("invited_on"), data.get("reply_by")
        if invited_on and reply_by and reply_by < invited_on:
            self.add_error("reply_by", _("Reply by must be the same as or after the invitation"))
        report = getattr(self.response, "report", None)
        if invited_on and report and invited_on < report.published_on:
            self.add_error(
                "invited_on",
                _(
                    "Date of the invitation must be the same as or after the day the report was published"
                ),
            )
        return data


class ForceCommentsForm(LockedForm):
    """The office records the chief officer's comments it received (for example by letter)."""

    none_submitted = forms.BooleanField(
        required=False,
        label=gettext_lazy("The force made no comments"),
        help_text=gettext_lazy("The chief officer's comments are optional in law (s55(5)(b))."),
    )
    text = _long_text(gettext_lazy("The force's comments"), required=False, rows=10)
    received_on = GovukDateField(label=gettext_lazy("Date received"), max_value=timezone.localdate)
    author_name = forms.CharField(
        max_length=200,
        required=False,
        label=gettext_lazy("Name of the person the comments are from"),
    )
    author_role = forms.CharField(
        max_length=200,
        required=False,
        label=gettext_lazy("Their role"),
        help_text=gettext_lazy("For example, Chief Constable."),
    )

    def clean(self):
        data = super().clean()
        written = (data.get("text") or "").strip() or (data.get("text_cy") or "").strip()
        if not data.get("none_submitted") and not written:
            self.add_error(
                "text", _("Enter the force's comments, or select that the force made no comments")
            )
        return data


class TextSectionForm(LockedForm):
    """One of the office's own long texts (its comments, its reply to the force, notes)."""

    text = _long_text(gettext_lazy("Text"), required=False, rows=14)

    def __init__(self, *args, label: str, hint: str = MARKUP_HINT, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        self.fields["text"].label_size = "l"
        self.fields["text"].is_page_heading = True
        self.fields["text"].help_text = hint


class ExplanationForm(LockedForm):
    """s55(5B): what the body has done or will do about a recommendation, or why nothing."""

    kind = forms.ChoiceField(
        choices=Explanation.Kind.choices,
        widget=forms.RadioSelect,
        label=gettext_lazy("What is the action?"),
        required=True,
    )
    text = _long_text(gettext_lazy("Explanation"), rows=8)
    force_comment = _long_text(
        gettext_lazy("The force's comment on it"),
        required=False,
        rows=5,
        hint=format_lazy(
            "{}{}",
            gettext_lazy("Optional. As the force gave it; shown beside the explanation. "),
            MARKUP_HINT,
        ),
    )

    def __init__(self, *args, is_recommendation: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if is_recommendation:
            self.fields["text"].help_text = (
                _(
                    "The action the commissioner has taken or proposes to take, or why no action is taken (Police Act 1996 s55(5B)). "
                )
                + MARKUP_HINT
            )
        else:
            self.fields["kind"].label = _("What is the response to this area for improvement?")
            self.fields["text"].label = _("Response")

    def clean(self):
        data = super().clean()
        if not ((data.get("text") or "").strip() or (data.get("text_cy") or "").strip()):
            self.add_error("text", _("Enter the explanation"))
        return data


class ForceDraftForm(LockedForm):
    """What the force writes: its overall comments and, if it wishes, a comment on each
    recommendation. Never the office's text."""

    text = _long_text(gettext_lazy("Comments of the chief officer"), required=False, rows=12)
    author_name = forms.CharField(
        max_length=200,
        required=False,
        label=gettext_lazy("Name of the person the comments are from"),
    )
    author_role = forms.CharField(
        max_length=200,
        required=False,
        label=gettext_lazy("Their role"),
        help_text=gettext_lazy("For example, Deputy Chief Constable."),
    )
    none_submitted = forms.BooleanField(
        required=False,
        label=gettext_lazy("The force has no comments to make"),
        help_text=gettext_lazy("Only if you are submitting no comments at all."),
    )

    def __init__(self, *args, recommendations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.recommendations = list(recommendations)
        for row in self.recommendations:
            self.fields[f"rec_{row.finding.pk}"] = _long_text(
                _("Comment on %(label)s") % {"label": row.label},
                required=False,
                rows=4,
                hint=_("Optional. ") + MARKUP_HINT,
            )

    def recommendation_fields(self):
        return [(row, self[f"rec_{row.finding.pk}"]) for row in self.recommendations]

    def comments(self, data: dict | None = None) -> dict:
        """{Finding: the force's comment on it} from the cleaned data (or `data`)."""
        data = self.cleaned_data if data is None else data
        return {row.finding: data.get(f"rec_{row.finding.pk}", "") for row in self.recommendations}

    def check_submittable(self) -> None:
        data = self.cleaned_data
        written = (data.get("text") or "").strip() or (data.get("text_cy") or "").strip()
        if not data.get("none_submitted") and not written:
            self.add_error(
                "text",
                _(
                    "Enter the chief officer's comments, or select that the force has no comments to make"
                ),
            )


class ApproveForm(forms.Form):
    signatory_name = forms.CharField(
        max_length=200,
        required=False,
        label=gettext_lazy("Name of the person signing the response"),
    )
    signatory_title = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Their title")
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label=gettext_lazy("Reason"))

    def __init__(self, *args, label: str = "Reason", hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = hint

    def clean(self):
        data = super().clean()
        data["reason"] = (data.get("reason") or "").strip()
        written = data["reason"] or (data.get("reason_cy") or "").strip()
        if not written and "reason" not in self.errors:
            self.add_error(
                "reason", _("Enter %(lower)s") % {"lower": self.fields["reason"].label.lower()}
            )
        return data


def add_withdraw_version(form, versions, *, latest: int) -> None:
    """Ask which of `versions` (published, not withdrawn, the latest first) is being withdrawn:
    the latest, or an earlier one an amendment replaced."""
    choices = []
    for version in versions:
        label = _("Version %(number)s, published %(date)s") % {
            "number": version.number,
            "date": long_date(version.published_on),
        }
        label += " " + (
            _("(the latest)") if version.number == latest else _("(replaced by a later version)")
        )
        choices.append((str(version.number), label))
    form.fields["version"] = forms.ChoiceField(
        choices=choices,
        widget=forms.RadioSelect,
        label=_("Which version is being withdrawn?"),
        help_text=_(
            "An earlier version stays on the website as the record of what was published then, under the latest one, until it is withdrawn."
        ),
        initial=choices[0][0],
    )
    form.order_fields(["version", "reason"])


class PublishForm(forms.Form):
    published_on = GovukDateField(
        label=gettext_lazy("Date published"),
        help_text=gettext_lazy(
            "The day the response went on the office's website. For example, 20 2 2020."
        ),
        max_value=timezone.localdate,
    )
    url = forms.URLField(
        label=gettext_lazy("Address of the published response"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("The page on the office's website, starting https://"),
    )
    late_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=gettext_lazy("Why it was published after the due date"),
        help_text=gettext_lazy("Needed only if it was published after the statutory due date."),
    )
    signatory_name = forms.CharField(
        max_length=200,
        label=gettext_lazy("Name of the person signing the response"),
        help_text=gettext_lazy(
            "As printed under the response. Filled in from the approval, or from the holder's name the office's admin keeps."
        ),
        error_messages={
            "required": gettext_lazy("Enter the name of the person signing the response")
        },
    )
    signatory_title = forms.CharField(
        max_length=200,
        label=gettext_lazy("Their title"),
        error_messages={
            "required": gettext_lazy("Enter the title of the person signing the response")
        },
    )


class ScheduleForm(forms.Form):
    """When an approved response is to be published (`services.publication_schedule`)."""

    day = GovukDateField(
        label=gettext_lazy("Date to publish"),
        help_text=gettext_lazy("UK time. For example, 20 2 2026."),
    )
    at = forms.TimeField(
        label=gettext_lazy("Time to publish"),
        help_text=gettext_lazy("UK time, on the 24-hour clock. For example, 09:30 or 14:00."),
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        error_messages={"invalid": gettext_lazy("Enter a time like 09:30 or 14:00")},
    )
    url = forms.URLField(
        label=gettext_lazy("Address of the published response"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy(
            "The page on the office's website, if you know it already, starting https://"
        ),
    )
    late_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=gettext_lazy("Why it will be published after the due date"),
        help_text=gettext_lazy("Needed only if that day is after the statutory due date."),
    )

    def publish_at(self):
        """The aware date and time, in Europe/London (the project's time zone)."""
        data = self.cleaned_data
        naive = datetime.combine(data["day"], data["at"])
        return timezone.make_aware(naive)


class CopiesForm(LockedForm):
    """s55(6): copies to HMICFRS and the Home Secretary; in practice also the body's scrutiny
    body (its Police and Crime Panel, or equivalent) and the chief officer. Built for one
    policing body: the scrutiny body is named from its data, and left out where it has none
    (the City of London)."""

    hmicfrs = GovukDateField(
        label=gettext_lazy("Sent to HMICFRS"), required=False, max_value=timezone.localdate
    )
    home_secretary = GovukDateField(
        label=gettext_lazy("Sent to the Home Secretary"),
        required=False,
        max_value=timezone.localdate,
    )
    panel = GovukDateField(
        label=gettext_lazy("Sent to the scrutiny body"),
        required=False,
        max_value=timezone.localdate,
    )
    chief_officer = GovukDateField(
        label=gettext_lazy("Sent to the chief officer"),
        required=False,
        max_value=timezone.localdate,
    )

    def __init__(self, *args, policing_body, **kwargs):
        super().__init__(*args, **kwargs)
        if policing_body.scrutiny_body_name:
            self.fields["panel"].label = _("Sent to the %(scrutiny_body_name)s") % {
                "scrutiny_body_name": policing_body.scrutiny_body_name
            }
        else:
            del self.fields["panel"]


class FindingsCorrectionForm(forms.Form):
    """A proposed correction of a report's findings, in words: which finding is wrong and
    what it should say (the register maintainer makes it in the report's sections)."""

    findings = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label=gettext_lazy("What is wrong in the findings"),
        help_text=gettext_lazy(
            "Name each recommendation, area for improvement or other finding (for example R3) and say what it should be: its words, its kind, its place, or that it is missing."
        ),
        max_length=10000,
        error_messages={"required": gettext_lazy("Enter what is wrong in the findings")},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Why"),
        help_text=gettext_lazy(
            "For example, what HMICFRS's published report says. Every office that responds to the report sees this if the correction is made."
        ),
        max_length=2000,
        error_messages={"required": gettext_lazy("Enter why the findings should be corrected")},
    )


class ReportCorrectionForm(forms.Form):
    """A correction of a report's shared facts as typed. Starts from the report's current
    facts; `changed_facts` gives only those the person changed, so a proposal decided later
    never puts back a fact someone else corrected in between."""

    published_on = GovukDateField(
        label=gettext_lazy("Date published"),
        help_text=gettext_lazy(
            "The day HMICFRS published the report, for example 7 1 2020. Every office's 56 days start on this day."
        ),
    )
    report_type = forms.ChoiceField(
        choices=ReportType.choices,
        label=gettext_lazy("Type of report"),
        error_messages={"required": gettext_lazy("Select the type of report")},
    )
    scope = forms.ChoiceField(
        choices=Scope.choices,
        widget=forms.RadioSelect,
        label=gettext_lazy("Scope"),
        error_messages={"required": gettext_lazy("Select the scope")},
    )
    forces = ForcesField(
        queryset=Force.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("Forces the report covers"),
        help_text=gettext_lazy(
            "One force for a force-specific report, two or more for a multi-force report. A national report covers every force: leave these empty."
        ),
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Why the report is being corrected"),
        help_text=gettext_lazy(
            "Every office that responds to the report sees this, in its response's history and in the email telling it of the correction."
        ),
        max_length=2000,
        error_messages={"required": gettext_lazy("Enter why the report is being corrected")},
    )

    def __init__(self, *args, report, **kwargs):
        self.report = report
        self.current = {
            "published_on": report.published_on,
            "report_type": report.report_type,
            "scope": report.scope,
            "forces": sorted(report.forces.values_list("pk", flat=True)),
        }
        super().__init__(*args, initial=dict(self.current), **kwargs)

    def changed_facts(self) -> dict:
        """{fact: corrected value} for the facts that differ from the report's now."""
        data = self.cleaned_data
        typed = {
            "published_on": data["published_on"],
            "report_type": data["report_type"],
            "scope": data["scope"],
            "forces": sorted(f.pk for f in data["forces"]),
        }
        return {name: value for name, value in typed.items() if value != self.current[name]}

    def clean(self):
        data = super().clean()
        if self.is_valid_so_far() and not self.changed_facts():
            raise forms.ValidationError(
                _("Change at least one of the date published, the type, the scope or the forces")
            )
        return data

    def is_valid_so_far(self) -> bool:
        return all(name in self.cleaned_data for name in ("published_on", "report_type", "scope"))


class CorrectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("accept", gettext_lazy("Make the correction")),
            ("decline", gettext_lazy("Do not make it")),
        ],
        widget=forms.RadioSelect,
        label=gettext_lazy("Your decision"),
        error_messages={"required": gettext_lazy("Select whether to make the correction")},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=gettext_lazy("Note to the office that proposed it"),
        help_text=gettext_lazy("Needed if you do not make the correction: say why."),
        max_length=2000,
    )

    def __init__(self, *args, findings: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if findings:
            # A findings correction is made in the report's sections, not here.
            self.fields["decision"].choices = [("decline", _("Do not make it"))]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the correction is not being made"))
        return data


class RedactionForm(forms.Form):
    """Mark a passage of a text to be published as redacted (`services.redaction_add`)."""

    field = forms.ChoiceField(
        label=gettext_lazy("Which text is the passage in?"), widget=forms.RadioSelect
    )
    passage = forms.CharField(
        label=gettext_lazy("Passage to redact"),
        help_text=gettext_lazy(
            "Copy it exactly from the text: every place it appears is redacted."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Why is it redacted?"),
        help_text=gettext_lazy(
            'The public sees the reason in its place, for example "[redacted: personal data]".'
        ),
        # capfirst keeps the label lazy, so each page shows it in its own language.
        choices=[(value, capfirst(label)) for value, label in Redaction.Reason.choices],
        widget=forms.RadioSelect,
    )
    other_reason = forms.CharField(
        label=gettext_lazy("If other, the reason to show"),
        help_text=gettext_lazy(
            "Published in the marker, in the language of the text: a few words, no names."
        ),
        required=False,
        max_length=100,
    )

    def __init__(self, *args, texts: dict[str, tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [
            (key, label[0].upper() + label[1:]) for key, (label, _text) in texts.items()
        ]

    def clean(self):
        data = super().clean()
        if (
            data.get("reason") == Redaction.Reason.OTHER
            and not data.get("other_reason", "").strip()
        ):
            self.add_error("other_reason", _("Enter the reason to show"))
        return data


class ReportFilterForm(forms.Form):
    """The report list's filters and search (GET)."""

    q = forms.CharField(required=False, label=gettext_lazy("Search titles"))
    year = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=gettext_lazy("Year")
    )
    report_type = forms.ChoiceField(required=False, label=gettext_lazy("Type"))
    status = forms.ChoiceField(required=False, label=gettext_lazy("Our response"))

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(_(""), _("Any year"))] + [(y, str(y)) for y in years]
        self.fields["report_type"].choices = [(_(""), _("Any type")), *ReportType.choices]
        self.fields["status"].choices = [
            ("", "Any"),
            ("none", _("No response started")),
            *Status.choices,
        ]
