"""The search and filter forms of the public pages (GET forms, rendered by the GOV.UK templates)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ContentLanguageSelect, QuickSelect

from .register import RegisterFilters
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


class QuickContentLanguageSelect(QuickSelect, ContentLanguageSelect):
    """A `QuickSelect` of names people gave (offices, forces): see `ContentLanguageSelect`.
    The options in `translated` are in the page's language and are not marked."""

    def __init__(self, attrs=None, choices=(), translated=()):
        super().__init__(attrs, choices)
        self.translated = frozenset(translated)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.translated:
            option["attrs"] = {k: v for k, v in option["attrs"].items() if k != "lang"}
        return option


class RegisterFilterForm(forms.Form):
    """Search, filters and order of the recommendation register (public/register.py). Every
    field is optional; a value that is not offered is reported as an error on the page."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Words from a recommendation, the report's title or a body's explanation."),
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )
    office = forms.ChoiceField(
        widget=QuickContentLanguageSelect, label=_("Policing body"), required=False
    )
    force = forms.ChoiceField(widget=QuickContentLanguageSelect, label=_("Force"), required=False)
    report_type = forms.ChoiceField(widget=QuickSelect, label=_("Type of report"), required=False)
    year = forms.TypedChoiceField(
        label=_("Year the report was published"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=QuickSelect,
    )
    status = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Progress (as the body published it)"),
        required=False,
    )
    addressee = forms.ChoiceField(widget=QuickSelect, label=_("Addressed to"), required=False)
    overdue = forms.TypedChoiceField(
        widget=QuickSelect,
        label=_("Past its target date"),
        required=False,
        choices=[
            ("", _("Any")),
            ("true", _("Past its target date and not complete")),
            ("false", _("Not overdue")),
        ],
        coerce=lambda value: value == "true",
        empty_value=None,
    )
    kind = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Recommendations or areas for improvement"),
        required=False,
        choices=[
            ("", _("Both")),
            ("recommendation", _("Recommendations")),
            ("afi", _("Areas for improvement")),
        ],
    )
    theme = forms.ChoiceField(widget=QuickSelect, label=_("Theme"), required=False)
    sort = forms.ChoiceField(widget=QuickSelect, label=_("Order"), required=False)

    def __init__(
        self, *args, choices: FilterChoices, forces, themes, statuses, addressees, sorts, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("All policing bodies")), *choices.offices]
        self.fields["force"].choices = [("", _("All forces")), *forces]
        self.fields["report_type"].choices = [("", _("Any type")), *choices.report_types]
        self.fields["year"].choices = [("", _("Any year"))] + [(y, str(y)) for y in choices.years]
        self.fields["status"].choices = [("", _("Any")), *statuses]
        self.fields["addressee"].choices = [("", _("Anyone")), *addressees]
        self.fields["sort"].choices = sorts
        if themes:
            self.fields["theme"].choices = [("", _("Any theme")), *themes]
        else:
            del self.fields["theme"]

    def filters(self) -> RegisterFilters:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return RegisterFilters(
            q=(data.get("q") or "").strip(),
            force=data.get("force") or "",
            office=data.get("office") or "",
            report_type=data.get("report_type") or "",
            year=data.get("year"),
            status=data.get("status") or "",
            addressee=data.get("addressee") or "",
            overdue=data.get("overdue"),
            kind=data.get("kind") or "",
            theme=data.get("theme") or "",
            sort=data.get("sort") or "",
        )


class SubscribeForm(forms.Form):
    """The email sign-up form on a policing body's page (public/subscription_views.py)."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We will send you an email with a link to confirm."),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
            "max_length": _("Email address must be 254 characters or fewer"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
