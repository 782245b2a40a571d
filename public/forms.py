"""The search and filter forms of the public pages (GET forms, rendered by the GOV.UK templates)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ContentLanguageSelect

from .selectors import MAX_QUERY_LENGTH, FilterChoices, ListFilters


class ResponseFilterForm(forms.Form):
    """Search and filters for the list of published responses. Every field is optional; a value
    that is not offered (an old link, a typed URL) is reported as an error on the page."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Words from a report's title, its recommendations or the published response."),
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )
    year = forms.TypedChoiceField(
        label=_("Year the report was published"), required=False, coerce=int, empty_value=None
    )
    report_type = forms.ChoiceField(label=_("Type of report"), required=False)
    office = forms.ChoiceField(
        label=_("Policing body"), required=False, widget=ContentLanguageSelect
    )

    def __init__(self, *args, choices: FilterChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Any year"))] + [(y, str(y)) for y in choices.years]
        self.fields["report_type"].choices = [("", _("Any type")), *choices.report_types]
        self.fields["office"].choices = [("", _("All policing bodies")), *choices.offices]

    def filters(self) -> ListFilters:
        """The filters to apply: only the valid ones (an invalid field is shown as an error)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return ListFilters(
            q=(data.get("q") or "").strip(),
            year=data.get("year"),
            report_type=data.get("report_type") or "",
            office=data.get("office") or "",
        )


class StatisticsFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year the report was published"), required=False, coerce=int, empty_value=None
    )
    office = forms.ChoiceField(
        label=_("Policing body"), required=False, widget=ContentLanguageSelect
    )

    def __init__(self, *args, years: list[int], offices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        self.fields["office"].choices = [("", _("All policing bodies")), *offices]
