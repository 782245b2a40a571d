"""Forms for the importer's pages. They render through the shared GOV.UK templates."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import GovukDateField
from inspections.models import Addressee, Grade, GradingFramework, ReportType, Scope

from . import draft as drafts
from .extract import MAX_BYTES

_EXPLANATION_KIND_CHOICES = [
    ("", gettext_lazy("Not given")),
    ("action_taken", gettext_lazy("Action taken")),
    ("action_proposed", gettext_lazy("Action proposed")),
    ("no_action", gettext_lazy("No action")),
]


class ImportStartForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Paste the text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "The whole document: an HMICFRS report or its summary page, or a response your office published before. Up to 2 MB."
        ),
    )
    upload = forms.FileField(
        label=gettext_lazy("Or upload a file"),
        required=False,
        help_text=gettext_lazy(
            "A Word document (.docx), a PDF with text in it, a web page (.html) or a text file, up to 2 MB."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("text") or ""
        upload = cleaned.get("upload")
        if upload is not None and upload.size > MAX_BYTES:
            self.add_error(
                "upload",
                _(
                    "The file is %(megabytes)s MB; the most the importer takes is 2 MB. Split "
                    "the document, or paste only the parts you need."
                )
                % {"megabytes": number_format(upload.size / (1024 * 1024), 1)},
            )
        elif text.strip() and upload is not None:
            self.add_error("text", _("Paste the text or upload a file, not both."))
        elif not text.strip() and upload is None and "upload" not in self.errors:
            self.add_error("text", _("Paste the text of the document, or upload a file."))
        return cleaned


class ReportDetailsForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    published_on = GovukDateField(
        label=gettext_lazy("Date published"),
        help_text=gettext_lazy("The day HMICFRS published the report, for example 7 1 2020."),
        max_value=timezone.localdate,
    )
    report_type = forms.ChoiceField(
        label=gettext_lazy("Type of report"), choices=ReportType.choices
    )
    inspection_type_label = forms.CharField(
        label=gettext_lazy("Type of inspection, as your office describes it"),
        max_length=100,
        required=False,
        help_text=gettext_lazy('For example "Thematic".'),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"), choices=Scope.choices, widget=forms.RadioSelect
    )
    forces = forms.MultipleChoiceField(
        label=gettext_lazy("Forces inspected"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave empty for a national report about all forces."),
    )
    grading_framework = forms.ChoiceField(
        label=gettext_lazy("Grading"), choices=GradingFramework.choices, widget=forms.RadioSelect
    )
    hmicfrs_url = forms.URLField(
        label=gettext_lazy("HMICFRS web address"), required=False, max_length=500
    )

    def __init__(self, *args, force_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forces"].choices = list(force_choices)

    @staticmethod
    def initial_from(report: dict) -> dict:
        return {
            "title": report["title"],
            "published_on": report["published_on"] or None,
            "report_type": report["report_type"],
            "inspection_type_label": report["inspection_type_label"],
            "scope": report["scope"],
            "forces": report["forces"],
            "grading_framework": report["grading_framework"],
            "hmicfrs_url": report.get("hmicfrs_url", ""),
        }


class JudgementForm(forms.Form):
    id = forms.CharField(required=False, widget=forms.HiddenInput)
    area = forms.CharField(
        label=gettext_lazy("Area"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            'For example "Investigating crime" or "Overall". Leave empty to remove it.'
        ),
    )
    grade = forms.ChoiceField(
        label=gettext_lazy("Grade"),
        choices=[("", gettext_lazy("Choose a grade")), *Grade.choices],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("area") or "").strip() and not cleaned.get("grade"):
            self.add_error("grade", _("Choose the grade for this area."))
        return cleaned


JudgementFormSet = forms.formset_factory(JudgementForm, extra=2, max_num=60)


#: The Welsh version of a text the response published (a body that publishes in Welsh and
#: English), beside its English box (`templates/govuk/form.html` lays the pair out).
def _welsh_twins(form, names):
    for name in names:
        english = form.fields[name]
        welsh = forms.CharField(
            label=f"{english.label} (in Welsh, Cymraeg)",
            required=False,
            widget=forms.Textarea(
                attrs={"rows": english.widget.attrs.get("rows", 4), "lang": "cy"}
            ),
        )
        english.widget.attrs["lang"] = "en-GB"
        welsh.language_pair, english.language_pair = "start", "end"
        fields = {}
        for key, field in form.fields.items():
            if key == name:
                fields[f"{name}_cy"] = welsh
            fields[key] = field
        form.fields = fields


class ResponseDetailsForm(forms.Form):
    include = forms.BooleanField(
        label=gettext_lazy("Import the response as published by the office"),
        required=False,
        help_text=gettext_lazy("Untick to import only the report."),
    )
    published_on = GovukDateField(
        label=gettext_lazy("Date the response was published"),
        required=False,
        help_text=gettext_lazy("The day your office published it, for example 20 2 2020."),
        max_value=timezone.localdate,
    )
    published_url = forms.URLField(
        label=gettext_lazy("Web address of the published response"), required=False, max_length=500
    )
    office_comments = forms.CharField(
        label=gettext_lazy("The office's comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    force_comments = forms.CharField(
        label=gettext_lazy("The chief officer's comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    force_comments_author_name = forms.CharField(
        label=gettext_lazy("Chief officer's comments: who gave them"),
        max_length=200,
        required=False,
    )
    force_comments_author_role = forms.CharField(
        label=gettext_lazy("Chief officer's comments: their role"), max_length=200, required=False
    )
    reply_to_force = forms.CharField(
        label=gettext_lazy("The office's reply to the chief officer's comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    signatory_name = forms.CharField(
        label=gettext_lazy("Signed by"), max_length=200, required=False
    )
    signatory_title = forms.CharField(
        label=gettext_lazy("Their title"), max_length=200, required=False
    )
    ticked = forms.MultipleChoiceField(
        label=gettext_lazy("The office's checklist: what was done"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    copies_sent_on = GovukDateField(
        label=gettext_lazy("Date the copies were sent"),
        required=False,
        help_text=gettext_lazy(
            "The document does not say; leave empty to record the publication date."
        ),
        max_value=timezone.localdate,
    )

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticked"].choices = [(entry["id"], entry["text"]) for entry in checklist]
        if not checklist:
            del self.fields["ticked"]
        _welsh_twins(self, ("office_comments", "force_comments", "reply_to_force"))

    def clean(self):
        cleaned = super().clean()
        published = cleaned.get("published_on")
        sent = cleaned.get("copies_sent_on")
        if published and sent and sent < published:
            self.add_error(
                "copies_sent_on",
                _("The copies cannot have been sent before the response was published."),
            )
        return cleaned

    @staticmethod
    def initial_from(response: dict) -> dict:
        return {
            "include": response["include"],
            "published_on": response["published_on"] or None,
            "published_url": response.get("published_url", ""),
            "office_comments": response["office_comments"]["text"],
            "force_comments": response["force_comments"]["text"],
            "force_comments_author_name": response["force_comments"].get("author_name", ""),
            "force_comments_author_role": response["force_comments"].get("author_role", ""),
            "reply_to_force": response["reply_to_force"]["text"],
            "office_comments_cy": response["office_comments"].get("text_cy", ""),
            "force_comments_cy": response["force_comments"].get("text_cy", ""),
            "reply_to_force_cy": response["reply_to_force"].get("text_cy", ""),
            "signatory_name": response.get("signatory_name", ""),
            "signatory_title": response.get("signatory_title", ""),
            "ticked": [entry["id"] for entry in response["checklist"] if entry["ticked"]],
            "copies_sent_on": response.get("copies_sent_on") or None,
        }


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


class ItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What it is"),
        choices=list(drafts.FINDING_KIND_LABELS.items()),
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(
        label=gettext_lazy("Reference"),
        max_length=30,
        required=False,
        help_text=gettext_lazy('For example "R1" or "AFI 3".'),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    text = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy('Bullets start with "- "; leave a blank line between paragraphs.'),
    )
    addressees = forms.MultipleChoiceField(
        label=gettext_lazy("Recommendations: addressed to"),
        choices=Addressee.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    timescale_text = forms.CharField(
        label=gettext_lazy("Recommendations: timescale, as written"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            'For example "immediately", "within six months" or "by 31 March 2025".'
        ),
    )
    cause = forms.ChoiceField(
        label=gettext_lazy("Recommendations: belongs to the cause of concern"), required=False
    )
    explanation_kind = forms.ChoiceField(
        label=gettext_lazy("The office's explanation: kind"),
        choices=_EXPLANATION_KIND_CHOICES,
        required=False,
    )
    explanation = forms.CharField(
        label=gettext_lazy("The office's explanation for this item, if the response gave one"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    force_comment = forms.CharField(
        label=gettext_lazy("The chief officer's comment on this item, if the response gave one"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, causes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cause"].choices = [("", "None")] + [
            (
                cause["id"],
                (cause["reference"] or _("Cause of concern")) + ": " + cause["text"][:80],
            )
            for cause in causes
        ]
        if not causes:
            del self.fields["cause"]
        _welsh_twins(self, ("explanation", "force_comment"))


class ItemAddForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What it is"),
        choices=list(drafts.FINDING_KIND_LABELS.items()),
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 6}))


class SplitForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text, with a line of --- where each new item starts"),
        widget=forms.Textarea(attrs={"rows": 14}),
        strip=False,
    )


PLACE_CHOICES = [
    *drafts.FINDING_KIND_LABELS.items(),
    *drafts.COMMENT_TARGETS.items(),
    ("title", gettext_lazy("The report's title")),
]


class PlaceForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("Place as"), choices=PLACE_CHOICES)


class ConfirmForm(forms.Form):
    report = forms.ChoiceField(
        label=gettext_lazy("A report with this title and date is already recorded"),
        widget=forms.RadioSelect,
        required=True,
    )

    def __init__(self, *args, matches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [
            (
                str(report.pk),
                _("Add the response to the report already recorded: %(title)s")
                % {"title": report.title},
            )
            for report in matches
        ] + [("new", _("Create a new report from this document"))]
