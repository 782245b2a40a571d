"""Forms for recording a report and its sections. They only collect and check what a person
typed; saving goes through `inspections.services`.

Every form renders through the project's GOV.UK field templates (core.forms.GovukFormRenderer).
Repeatable sections (judgements and each kind of finding) are Django formsets with a position
box and a "Remove" checkbox in every row, so adding, removing and reordering work without
JavaScript; a "paste several at once" box turns a pasted list into new rows.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import formset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Force, PlanPriority
from core.forms import ForcesField, GovukDateField

from .models import (
    GRADES_BY_FRAMEWORK,
    Addressee,
    Finding,
    Grade,
    GradingFramework,
    Inspectorate,
    Report,
    ReportType,
    Scope,
    Theme,
)

#: Shown under every long-text box that is rendered with the safe markup (core.markup).
MARKUP_HINT = gettext_lazy(
    "Leave a blank line between paragraphs. Start a line with - for a bullet or 1. for a numbered list. Put ** either side of words for bold. Write a link as [link text](https://www.example.org). HTML is shown as typed, never run."
)

#: The sections of a report edited on their own page, by the slug in their URL.
SECTION_SLUGS = {
    "key-findings": Finding.Kind.KEY_FINDING,
    "causes-of-concern": Finding.Kind.CAUSE_OF_CONCERN,
    "recommendations": Finding.Kind.RECOMMENDATION,
    "areas-for-improvement": Finding.Kind.AREA_FOR_IMPROVEMENT,
    "practice": Finding.Kind.PRACTICE,
}
SLUG_FOR_KIND = {kind: slug for slug, kind in SECTION_SLUGS.items()}

#: How each section names one of its items, for labels and buttons.
ITEM_NOUN = {
    Finding.Kind.KEY_FINDING: "key finding",
    Finding.Kind.CAUSE_OF_CONCERN: "cause of concern",
    Finding.Kind.RECOMMENDATION: "recommendation",
    Finding.Kind.AREA_FOR_IMPROVEMENT: "area for improvement",
    Finding.Kind.PRACTICE: "example of innovative or promising practice",
}
#: The nouns above (and "judgement") in the page's language: singular, plural.
NOUN_WORDS = {
    "key finding": (gettext_lazy("key finding"), gettext_lazy("key findings")),
    "cause of concern": (gettext_lazy("cause of concern"), gettext_lazy("causes of concern")),
    "recommendation": (gettext_lazy("recommendation"), gettext_lazy("recommendations")),
    "area for improvement": (
        gettext_lazy("area for improvement"),
        gettext_lazy("areas for improvement"),
    ),
    "example of innovative or promising practice": (
        gettext_lazy("example of innovative or promising practice"),
        gettext_lazy("examples of innovative or promising practice"),
    ),
    "judgement": (gettext_lazy("judgement"), gettext_lazy("judgements")),
    "item": (gettext_lazy("item"), gettext_lazy("items")),
}

#: References given to new items left without one, so history and explanations can name them.
REFERENCE_PREFIX = {
    Finding.Kind.RECOMMENDATION: "R",
    Finding.Kind.AREA_FOR_IMPROVEMENT: "AFI",
    Finding.Kind.CAUSE_OF_CONCERN: "CoC",
}


class ReportForm(forms.ModelForm):
    """A report's details. On an existing report the facts every responding body shares and
    that decide deadlines and who must respond (publication date, type, scope, forces) are not
    here: they change through a correction (`responses.corrections`), which moves every
    response's statutory deadline (s55(5A)) and tells each office."""

    #: Changed on an existing report only through a correction.
    SHARED_FACTS = ("published_on", "report_type", "scope", "forces")

    published_on = GovukDateField(
        label=gettext_lazy("Date published"),
        help_text=gettext_lazy(
            "The day HMICFRS published the report, for example 7 1 2020. The 56 days for the response start on this day."
        ),
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
    participating_inspectorates = forms.MultipleChoiceField(
        choices=[(c, label) for c, label in Inspectorate.choices if c != Inspectorate.HMICFRS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("Other inspectorates taking part"),
        help_text=gettext_lazy("Only for a joint inspection."),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Report
        fields = [
            "title",
            "hmicfrs_url",
            "published_on",
            "report_type",
            "inspection_type_label",
            "scope",
            "forces",
            "lead_inspectorate",
            "participating_inspectorates",
            "grading_framework",
            "summary",
        ]
        labels = {
            "title": gettext_lazy("Title"),
            "hmicfrs_url": gettext_lazy("Address of the report on the HMICFRS website"),
            "report_type": gettext_lazy("Type of report"),
            "inspection_type_label": gettext_lazy("Type of inspection, in the office's words"),
            "scope": gettext_lazy("Scope"),
            "lead_inspectorate": gettext_lazy("Lead inspectorate"),
            "grading_framework": gettext_lazy("Grades used"),
            "summary": gettext_lazy("Summary"),
        }
        help_texts = {
            "title": gettext_lazy(
                "As HMICFRS titles it, for example 'Norfolk Constabulary Crime Data Integrity inspection 2019'."
            ),
            "inspection_type_label": gettext_lazy(
                "Optional. Shown on the published response as 'Type of inspection', for example 'Thematic'."
            ),
            "summary": MARKUP_HINT,
        }
        widgets = {
            "title": forms.TextInput(),
            "scope": forms.RadioSelect,
            "grading_framework": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, office=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_new = self.instance.pk is None
        if self.is_new:
            if office is not None and not self.is_bound:
                self.initial.setdefault("forces", [office.force_id])
            # Django's blank choice reads "---------"; GOV.UK asks for a real question.
            self.fields["report_type"].choices = [
                (_(""), _("Choose a type")),
                *ReportType.choices,
            ]
        else:
            for name in self.SHARED_FACTS:
                del self.fields[name]
        self.fields["hmicfrs_url"].help_text = _("Optional. Starts with https://")

    def validate_constraints(self):
        """A second record of a shared report is refused by the service, which names the
        record to use and the office's open response (`inspections.services.duplicate_of`),
        not by the form's bare "constraint is violated"."""

    def clean(self):
        data = super().clean()
        scope, forces = data.get("scope"), data.get("forces")
        if forces is not None:
            if scope == Scope.FORCE and len(forces) != 1:
                self.add_error("forces", _("Select the one force a force-specific report covers"))
            elif scope == Scope.MULTI_FORCE and len(forces) < 2:
                self.add_error("forces", _("Select the forces a multi-force report covers"))
        return data

    def detail_fields(self) -> dict:
        """The model fields as typed, for report_create / report_update (not the forces, nor,
        on an existing report, the shared facts a correction changes)."""
        data = self.cleaned_data
        names = [n for n in self.Meta.fields if n != "forces" and n in self.fields]
        return {name: data[name] for name in names}


class JudgementForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    area = forms.CharField(
        max_length=200,
        label=gettext_lazy("Area"),
        help_text=gettext_lazy(
            "For example 'Overall', 'Investigating crime' or 'Crime data integrity'."
        ),
    )
    grade = forms.ChoiceField(
        choices=[("", gettext_lazy("Choose a grade")), *Grade.choices], label=gettext_lazy("Grade")
    )

    def __init__(self, *args, framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        if framework:
            allowed = GRADES_BY_FRAMEWORK[GradingFramework(framework)]
            self.fields["grade"].choices = [(_(""), _("Choose a grade"))] + [
                (g.value, g.label) for g in Grade if g in allowed
            ]


class FindingForm(forms.Form):
    """One finding of a section. Recommendations also have addressees, a timescale and the
    cause of concern they answer; other kinds have only the reference and the text."""

    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reference = forms.CharField(
        max_length=30,
        required=False,
        label=gettext_lazy("Reference"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label=gettext_lazy("Text"))
    addressees = forms.MultipleChoiceField(
        choices=Addressee.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("Addressed to"),
    )
    timescale_text = forms.CharField(
        max_length=200,
        required=False,
        label=gettext_lazy("Timescale"),
        help_text=gettext_lazy(
            "As the report words it, for example 'immediately', 'within six months' or 'by 31 March 2021'. Leave empty if none is given."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    cause_of_concern = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label=gettext_lazy("Cause of concern it answers"),
    )

    def __init__(self, *args, kind=None, causes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Finding.Kind.RECOMMENDATION:
            self.fields["addressees"].required = True
            self.fields["addressees"].error_messages["required"] = _(
                "Select who the recommendation is addressed to"
            )
            self.fields["cause_of_concern"].choices = [("", "None")] + [
                (c.pk, _short(c)) for c in causes
            ]
            if not causes:
                del self.fields["cause_of_concern"]
        else:
            for name in ("addressees", "timescale_text", "cause_of_concern"):
                del self.fields[name]
        if kind in REFERENCE_PREFIX:
            self.fields["reference"].help_text = _(
                "Optional. Left empty, it is numbered %(value)s1, %(value)s2 and so on."
            ) % {"value": REFERENCE_PREFIX[kind]}
        self.fields["text"].help_text = MARKUP_HINT

    def clean_addressees(self):
        addressees = self.cleaned_data.get("addressees") or []
        if self.kind == Finding.Kind.RECOMMENDATION and not addressees:
            raise ValidationError(_("Select who the recommendation is addressed to"))
        return addressees


def _short(finding: Finding) -> str:
    text = re.sub(r"\s+", " ", finding.text).strip()
    label = finding.reference or _("Cause of concern")
    return f"{label}: {text[:70]}{'...' if len(text) > 70 else ''}"


class _SectionFormSet(forms.BaseFormSet):
    """Rows with a position box and a Remove box, labelled with their number so each field
    makes sense on its own to a screen reader user ("Position of recommendation 3")."""

    noun = "item"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        number = (index or 0) + 1
        form.number = number
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = _("Position of %(noun)s %(number)s") % {
                "noun": NOUN_WORDS.get(self.noun, (self.noun,))[0],
                "number": number,
            }
            form.fields["ORDER"].widget.attrs["class"] = "govuk-input--width-3"
            form.fields["ORDER"].help_text = _("Change the numbers to reorder, then save.")
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove %(noun)s %(number)s") % {
                "noun": NOUN_WORDS.get(self.noun, (self.noun,))[0],
                "number": number,
            }

    def clean(self):
        super().clean()
        orders = [
            f.cleaned_data.get("ORDER")
            for f in self.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]
        if any(o is not None and o < 1 for o in orders):
            raise ValidationError(_("Positions must be 1 or more"))


def section_formset(kind: str, *, extra: int = 1):
    """The formset class for a section: `kind` is a Finding.Kind or "judgements"."""
    form = JudgementForm if kind == "judgements" else FindingForm
    noun = "judgement" if kind == "judgements" else ITEM_NOUN[Finding.Kind(kind)]
    base = type("SectionFormSet", (_SectionFormSet,), {"noun": noun})
    return formset_factory(
        form, formset=base, extra=extra, can_order=True, can_delete=True, max_num=500
    )


class PasteForm(forms.Form):
    """Several items at once: paste a list and each line becomes a new item."""

    paste = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label=gettext_lazy("Add several at once"),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        label=gettext_lazy("Why the findings are being changed"),
        help_text=gettext_lazy(
            "Other offices respond to this report: each sees this in its response's history and is told by email and on its dashboard."
        ),
    )
    proposal = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, noun: str = "item", allow_paste: bool = True, shared: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if not shared:
            # Only this office's response follows these findings: no correction to record.
            del self.fields["reason"]
            del self.fields["proposal"]
        if not allow_paste:
            # Judgements have two parts (area and grade): a line of text is not one.
            del self.fields["paste"]
            return
        self.fields["paste"].label = _("Add several %(plural)s at once") % {"plural": _plural(noun)}
        self.fields["paste"].help_text = _(
            "Paste them here, one %(noun)s per line; they are added after the ones above when you save. A line starting with - or • straight after another line is kept with it as part of a list, unless every line is a list item, when each becomes its own %(noun)s."
        ) % {"noun": _singular(noun)}
        if noun == "recommendation":
            self.fields["paste"].help_text += _(
                " Pasted recommendations are addressed to the force: after saving, change any that are addressed to others."
            )


def _plural(noun: str) -> str:
    return str(NOUN_WORDS[noun][1]) if noun in NOUN_WORDS else noun + "s"


def _singular(noun: str) -> str:
    return str(NOUN_WORDS[noun][0]) if noun in NOUN_WORDS else noun


_BULLET = re.compile(r"^\s*(?:[-*•·–—]|\d+[.)])\s+")


def split_pasted(text: str) -> list[str]:
    """Split pasted text into items: one per line.

    If every line is a list item ("- ...", "• ...", "1. ..."), each is one item with its bullet
    removed (a pasted list of recommendations). Otherwise bullet lines belong to the line
    before them, as that item's list (a key finding with sub-points), and keep their "- "."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line.strip()]
    if not lines:
        return []
    if all(_BULLET.match(line) for line in lines):
        return [_BULLET.sub("", line).strip() for line in lines]
    items: list[str] = []
    for line in lines:
        if _BULLET.match(line) and items:
            items[-1] += "\n- " + _BULLET.sub("", line).strip()
        else:
            items.append(line.strip())
    return items


class TagsForm(forms.Form):
    """Themes (the maintained list) and the office's Police and Crime Plan priorities, for a
    recommendation or a tracker item. Offers the active ones plus any already chosen (a retired
    tag may stay but not be added). `themes=None` leaves the themes out (someone who may not
    change the report's shared facts)."""

    themes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priorities = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Police and Crime Plan priorities"),
        queryset=PlanPriority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Your office's own plan; its admin keeps the list."),
    )

    def __init__(
        self, *args, chosen_themes=(), body=None, chosen_priorities=(), with_themes=True, **kwargs
    ):
        super().__init__(*args, **kwargs)
        theme_ids = [t.pk for t in chosen_themes]
        priority_ids = [p.pk for p in chosen_priorities]
        if with_themes:
            self.fields["themes"].queryset = Theme.objects.filter(
                models.Q(is_active=True) | models.Q(pk__in=theme_ids)
            )
            self.initial.setdefault("themes", theme_ids)
        else:
            del self.fields["themes"]
        if body is not None:
            self.fields["priorities"].queryset = PlanPriority.objects.filter(
                models.Q(is_active=True) | models.Q(pk__in=priority_ids), policing_body=body
            )
            self.initial.setdefault("priorities", priority_ids)
        else:
            del self.fields["priorities"]
