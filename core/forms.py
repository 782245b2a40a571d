"""GOV.UK Design System markup for every Django form in the project.

`GovukFormRenderer` (settings.FORM_RENDERER) makes `{{ form }}` and `{{ field.as_field_group }}`
render through `templates/govuk/form.html` and `templates/govuk/field.html`. Its bound-field class
`GovukBoundField` works out which GOV.UK component a widget is (`govuk_kind`) and puts the GOV.UK
classes, the error state and `aria-describedby` on the widget, so a form class needs no markup.

`GovukDateField` is the day / month / year date input with the error messages the GOV.UK date
input pattern asks for ("Date published must include a month", "... must be a real date").

See templates/govuk/README.md for how a page renders a form.
"""

import datetime
import re
from collections.abc import Callable
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField, BoundWidget
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import i18n
from core.dates import long_date

#: GOV.UK label / legend sizes a field may ask for with `field.label_size = "m"`.
LABEL_SIZES = ("s", "m", "l", "xl")


def _sentence_case_start(text: str) -> str:
    """'Date published' -> 'date published', but leave 'HMICFRS date' alone."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _kind(widget: forms.Widget) -> str:
    """The GOV.UK component that renders `widget`."""
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, GovukDateWidget):
        return "date"
    # CheckboxSelectMultiple is a subclass of RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.widgets.Input):
        return "input"
    return "other"


#: The GOV.UK class put on the widget for each kind, and its error modifier.
_WIDGET_CLASSES = {
    "input": ("govuk-input", "govuk-input--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "radios": ("govuk-radios__input", ""),
    "checkboxes": ("govuk-checkboxes__input", ""),
    "checkbox": ("govuk-checkboxes__input", ""),
}


#: The kinds of field `GovukBoundField.as_field_group` writes without the template.
_QUICK_KINDS = frozenset({"input", "select", "radios", "checkboxes", "checkbox"})


class GovukBoundField(BoundField):
    """A bound field that knows its GOV.UK component and dresses its widget for it."""

    @property
    def govuk_kind(self) -> str:
        return _kind(self.field.widget)

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}_helptext" if self.auto_id else ""

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}_error" if self.auto_id else ""

    @property
    def character_count(self) -> int | None:
        """A textarea with a maximum length gets GOV.UK's character count."""
        if self.govuk_kind != "textarea":
            return None
        return getattr(self.field, "max_length", None)

    @property
    def count_info_id(self) -> str:
        # GOV.UK Frontend's character count looks for "<textarea id>-info".
        return f"{self.auto_id}-info"

    @property
    def label_size(self) -> str:
        size = getattr(self.field, "label_size", "")
        return size if size in LABEL_SIZES else ""

    @property
    def is_page_heading(self) -> bool:
        return bool(getattr(self.field, "is_page_heading", False))

    @property
    def show_optional(self) -> bool:
        """GOV.UK marks the optional questions, not the required ones."""
        return not self.field.required and self.govuk_kind not in ("checkbox", "hidden")

    @property
    def error_target_id(self) -> str:
        """Where the error summary's link for this field goes: the first thing to fix."""
        if not self.auto_id:
            return ""
        kind = self.govuk_kind
        if kind == "date":
            parts = self.date_error_parts or GovukDateWidget.PARTS
            return f"{self.auto_id}_{GovukDateWidget.PARTS.index(parts[0])}"
        if kind in ("radios", "checkboxes"):
            return f"{self.auto_id}_0"
        return self.auto_id

    @property
    def date_error_parts(self) -> tuple[str, ...]:
        """The parts of a date input to highlight (all of them unless one error names parts)."""
        if not self.errors:
            return ()
        for error in self.errors.as_data():
            parts = (error.params or {}).get("parts") if isinstance(error.params, dict) else None
            if parts:
                return tuple(p for p in GovukDateWidget.PARTS if p in parts)
        return GovukDateWidget.PARTS

    @property
    def radio_options(self):
        """Radio or checkbox options without Django's blank choice ("---------")."""
        return [
            QuickOption(o.parent_widget, o.data, o.renderer)
            for o in self.subwidgets
            if str(o.data["value"]) != ""
        ]

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        # GOV.UK turns browser validation off and shows its own messages; `required` would make
        # the browser interrupt with its own, unstyled and unlike the error summary.
        attrs.pop("required", None)
        kind = _kind(widget)
        base, error_class = _WIDGET_CLASSES.get(kind, ("", ""))
        classes = [base] if base else []
        if self.errors and error_class:
            classes.append(error_class)
        if kind == "textarea" and self.character_count:
            classes.append("govuk-js-character-count")
            # The character count lets people type past the limit and then tells them;
            # a hard maxlength would cut pasted text silently.
            # (False leaves the attribute out, although the field put it in widget.attrs.)
            attrs["maxlength"] = False
            described = [attrs.get("aria-describedby", ""), self.count_info_id]
            attrs["aria-describedby"] = " ".join(d for d in described if d)
        existing = attrs.get("class") or widget.attrs.get("class", "")
        attrs["class"] = " ".join(c for c in [*classes, existing] if c)
        if kind == "date":
            attrs["error_parts"] = self.date_error_parts
        return attrs

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        widget = widget or self.field.widget
        # Exactly Django's widget: the admin's subclass keeps its own markup.
        if type(widget) is forms.ClearableFileInput:
            # The "Currently: ... Clear" extras are not GOV.UK markup; field.html shows the
            # current file itself, and forms that allow removing a file have a field for it.
            widget = forms.FileInput(attrs=widget.attrs)
            widget.is_required = self.field.required
        return super().as_widget(widget=widget, attrs=attrs, only_initial=only_initial)

    def as_field_group(self):
        """`govuk/field.html` for this field. Text inputs, selects, radios and checkboxes are
        written here with the template's markup, byte for byte (tests/core/test_forms.py
        compares the two for every case the template has); dates, textareas, files, hidden
        fields and a field or renderer with a template of its own go through the templates.
        A list page's filter form has a dozen fields, and the template and its two includes
        cost about 0.5 ms a field (bench/staff_load.py)."""
        kind = self.govuk_kind
        if (
            kind not in _QUICK_KINDS
            or self.field.template_name
            or self.form.renderer.field_template_name != GovukFormRenderer.field_template_name
        ):
            return super().as_field_group()
        group = "govuk-form-group govuk-form-group--error" if self.errors else "govuk-form-group"
        if kind == "checkbox":
            return mark_safe(  # noqa: S308 - every value is escaped as the template escapes it
                f'<div class="{group}">\n  {self._hint_error()}\n'
                '  <div class="govuk-checkboxes govuk-checkboxes--small" '
                'data-module="govuk-checkboxes">\n'
                '    <div class="govuk-checkboxes__item">\n'
                f"      {self}\n"
                '      <label class="govuk-label govuk-checkboxes__label" '
                f'for="{conditional_escape(self.id_for_label)}">'
                f"{conditional_escape(self.label)}</label>\n"
                "    </div>\n  </div>\n</div>"
            )
        optional = f" {conditional_escape(_('(optional)'))}" if self.show_optional else ""
        size = self.label_size
        label = conditional_escape(self.label)
        if kind in ("radios", "checkboxes"):
            described = self.aria_describedby
            legend = f"{label}{optional}"
            if self.is_page_heading:
                legend = f'<h1 class="govuk-fieldset__heading">{legend}</h1>'
            options = "".join(
                f'\n          <div class="govuk-{kind}__item">\n'
                f"            {option.tag()}\n"
                f'            <label class="govuk-label govuk-{kind}__label" '
                f'for="{conditional_escape(option.id_for_label)}">'
                f"{conditional_escape(option.choice_label)}</label>\n"
                "          </div>\n        "
                for option in self.radio_options
            )
            return mark_safe(  # noqa: S308 - every value is escaped as the template escapes it
                f'<div class="{group}">\n'
                '  <fieldset class="govuk-fieldset"'
                + (f' aria-describedby="{conditional_escape(described)}"' if described else "")
                + ">\n"
                '    <legend class="govuk-fieldset__legend'
                + (f" govuk-fieldset__legend--{size}" if size else "")
                + f'">\n      {legend}\n    </legend>\n'
                f"    {self._hint_error()}\n    \n"
                f'      <div class="govuk-{kind}" data-module="govuk-{kind}">\n        {options}\n'
                "      </div>\n    \n  </fieldset>\n</div>"
            )
        label_tag = (
            '<label class="govuk-label'
            + (f" govuk-label--{size}" if size else "")
            + f'" for="{conditional_escape(self.id_for_label)}">{label}{optional}</label>'
        )
        if self.is_page_heading:
            label_tag = f'<h1 class="govuk-label-wrapper">{label_tag}</h1>'
        return mark_safe(  # noqa: S308 - every value is escaped as the template escapes it
            f'<div class="{group}">\n  {label_tag}\n\n  {self._hint_error()}\n  \n  {self}\n</div>'
        )

    def _hint_error(self) -> str:
        """`govuk/_hint_error.html`: the hint, then the error message, each line ended."""
        hint = (
            f'<div id="{conditional_escape(self.hint_id)}" class="govuk-hint">'
            f"{self.help_text}</div>"
            if self.help_text
            else ""
        )
        errors = ""
        if self.errors:
            errors = (
                f'<p id="{conditional_escape(self.error_id)}" class="govuk-error-message">'
                f'<span class="govuk-visually-hidden">{conditional_escape(_("Error:"))}</span> '
                + "<br>".join(conditional_escape(error) for error in self.errors)
                + "</p>"
            )
        return f"{hint}\n{errors}\n"

    @property
    def current_file(self):
        """The stored file of a file field when the form was opened, if any."""
        value = self.initial
        return value if value and getattr(value, "name", "") else None


#: Django's own option templates, whose markup `QuickOption` writes without them.
_STOCK_OPTION_TEMPLATES = frozenset(
    {"django/forms/widgets/checkbox_option.html", "django/forms/widgets/radio_option.html"}
)


class QuickOption(BoundWidget):
    """One radio or checkbox input written here rather than by Django's three nested widget
    templates (input_option, input, attrs): the same markup. The tracker list's filter form
    has eleven such options, and rendering each through the templates was a measurable part
    of the page's time at national scale (bench/staff_load.py). A widget with its own option
    template, or a label wrapped round the input, still goes through the templates."""

    def tag(self, wrap_label=False):
        if wrap_label or self.template_name not in _STOCK_OPTION_TEMPLATES:
            return super().tag(wrap_label)
        data = self.data
        value = data["value"]
        # As django/forms/widgets/input.html and attrs.html write them: False leaves an
        # attribute out, True writes its name alone, anything else its text.
        attrs = format_html_join(
            "",
            "{}",
            (
                (format_html(" {}", name) if attr is True else format_html(' {}="{}"', name, attr),)
                for name, attr in data["attrs"].items()
                if attr is not False
            ),
        )
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            data["type"],
            data["name"],
            format_html(' value="{}"', value) if value is not None else "",
            attrs,
        )


#: Django's input templates, whose markup `GovukFormRenderer` writes without them.
_INPUT = "django/forms/widgets/input.html"
_ATTRS = "django/forms/widgets/attrs.html"
_STOCK_SOURCES = {
    _INPUT: '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %}'
    " value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
    '{% include "django/forms/widgets/attrs.html" %}>',
    _ATTRS: "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
    "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
    "{% endfor %}",
}
_INCLUDES_INPUT = f'{{% include "{_INPUT}" %}}'


def _as_template_writes(value) -> str:
    """`{{ value|stringformat:'s' }}` in an autoescaped template."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else escape(text)


def _input_tag(widget: dict) -> str:
    """django/forms/widgets/input.html (with attrs.html) for a widget's context, byte for
    byte (tests/core/test_forms.py compares the two)."""
    value = widget["value"]
    attrs = "".join(
        f" {conditional_escape(name)}" + ("" if attr is True else f'="{_as_template_writes(attr)}"')
        for name, attr in widget["attrs"].items()
        if attr is not False
    )
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"'
        + ("" if value is None else f' value="{_as_template_writes(value)}"')
        + f"{attrs}>"
    )


class GovukFormRenderer(TemplatesSetting):
    """Render every form and field with the GOV.UK templates in templates/govuk/.

    An `<input>` whose template is Django's own (text, number, hidden, checkbox...: each an
    include of input.html) is written here: the tracker list's filter form has four, whose
    nested templates cost 0.65 ms a request (bench/staff_load.py). A template of the
    project's own with one of those names still renders."""

    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
    bound_field_class = GovukBoundField

    def render(self, template_name, context, request=None):
        if request is None and self._is_stock_input(template_name):
            return mark_safe(_input_tag(context["widget"]))  # noqa: S308 - all escaped
        return super().render(template_name, context, request)

    def _is_stock_input(self, template_name: str) -> bool:
        known = self.__dict__.setdefault("_stock_inputs", {})
        if template_name not in known:
            known[template_name] = (
                self._source(_INPUT) == _STOCK_SOURCES[_INPUT]
                and (self._source(_ATTRS) == _STOCK_SOURCES[_ATTRS])
                and (template_name == _INPUT or self._source(template_name) == _INCLUDES_INPUT)
            )
        return known[template_name]

    def _source(self, template_name: str) -> str | None:
        try:
            return self.get_template(template_name).template.source.strip()
        except Exception:  # noqa: BLE001 - any template that cannot be read is not Django's
            return None


class QuickSelect(forms.Select):
    """Django's select with its options written here rather than by a template: the same
    markup without the whitespace between options. A list page's filter form has several
    selects, and rendering them through the widget templates was a measurable part of the
    tracker list's time at national scale (bench/staff_load.py) and a third of the public
    register's, with some two hundred options (bench/register_bench.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        if not _plain_select(type(self)):
            return self.render_from_context(name, value, attrs)
        # Django's optgroups, without building a dictionary (and the attributes' dictionary)
        # for every option: the same options, selected as Django selects them, escaped as
        # format_html escapes them: the tracker list's seven selects took 0.7 ms instead of
        # 1.3 (bench/staff_load.py).
        values = self.format_value(value)
        multiple = self.allow_multiple_selected
        has_selected = False
        options = []
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group = option_label
            else:
                group = ((option_value, option_label),)
            for subvalue, sublabel in group:
                selected = (not has_selected or multiple) and str(subvalue) in values
                has_selected |= selected
                options.append(
                    f'<option value="{conditional_escape(subvalue)}"'
                    f"{' selected' if selected else ''}>{conditional_escape(sublabel)}</option>"
                )
        widget_attrs = self.build_attrs(self.attrs, attrs)
        if multiple:
            widget_attrs["multiple"] = True
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(widget_attrs),
            mark_safe("".join(options)),  # noqa: S308 - each value and label is escaped
        )

    def render_from_context(self, name, value, attrs=None):
        """The select from Django's widget context: for a subclass that changes its options
        (`create_option`, `optgroups`...), which `render` leaves to this."""
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


@cache
def _plain_select(widget_class) -> bool:
    """Whether `widget_class` makes its options as Django's Select does."""
    return all(
        getattr(widget_class, name) is getattr(forms.Select, name)
        for name in ("get_context", "optgroups", "options", "create_option", "format_value")
    )


class GovukDateWidget(forms.MultiWidget):
    """GOV.UK date input: three text boxes for day, month and year inside a fieldset."""

    template_name = "govuk/widgets/date.html"
    PARTS = ("day", "month", "year")
    use_fieldset = True

    def __init__(self, attrs=None):
        widgets = {
            "day": forms.TextInput(attrs={"inputmode": "numeric"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value:
            try:
                parsed = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
            return [parsed.day, parsed.month, parsed.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        values = super().value_from_datadict(data, files, name)
        return [str(v if v is not None else "").strip() for v in values]

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        error_parts = attrs.pop("error_parts", ())
        # The fieldset carries aria-describedby and the error state; the inputs get their own
        # GOV.UK classes below rather than the generic ones.
        attrs.pop("class", None)
        attrs.pop("aria-invalid", None)
        context = super().get_context(name, value, attrs)
        for part, subwidget in zip(self.PARTS, context["widget"]["subwidgets"], strict=True):
            width = "4" if part == "year" else "2"
            classes = ["govuk-input", "govuk-date-input__input", f"govuk-input--width-{width}"]
            if part in error_parts:
                classes.append("govuk-input--error")
                subwidget["attrs"]["aria-invalid"] = "true"
            subwidget["attrs"]["class"] = " ".join(classes)
            subwidget["part"] = part
            subwidget["label"] = part.capitalize()
        return context


_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        datetime.date(2000, number, 1).strftime("%B").lower(),
        datetime.date(2000, number, 1).strftime("%b").lower(),
    )
}
_MONTHS["sept"] = 9

#: The message for each set of missing parts, whole (the parts' names are not joined in English
#: word order): the date field's `%(field)s` is filled in by `GovukDateField._error`.
_INCOMPLETE = {
    ("day",): gettext_lazy("%(field)s must include a day"),
    ("month",): gettext_lazy("%(field)s must include a month"),
    ("year",): gettext_lazy("%(field)s must include a year"),
    ("day", "month"): gettext_lazy("%(field)s must include a day and month"),
    ("day", "year"): gettext_lazy("%(field)s must include a day and year"),
    ("month", "year"): gettext_lazy("%(field)s must include a month and year"),
}


class GovukDateField(forms.Field):
    """A date entered as day, month and year, with GOV.UK's error messages.

    The messages name the field by its label ("Date published must include a month"), so give
    the field a label (model forms do, from the model field's verbose name). `min_value` and
    `max_value` may be dates or callables returning dates (e.g. `timezone.localdate`).
    """

    widget = GovukDateWidget

    def __init__(
        self,
        *,
        min_value: datetime.date | Callable[[], datetime.date] | None = None,
        max_value: datetime.date | Callable[[], datetime.date] | None = None,
        **kwargs,
    ):
        # Model fields pass these for their default form field; a date needs none of them.
        for unused in ("max_length", "empty_value"):
            kwargs.pop(unused, None)
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(**kwargs)

    @property
    def name_in_messages(self) -> str:
        return str(self.label) if self.label else _("The date")

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError as error:
                raise self._error(_("%(field)s must be a real date"), "invalid") from error
        day, month, year = (str(v or "").strip() for v in value)
        if not (day or month or year):
            return None
        missing = [
            part for part, v in zip(GovukDateWidget.PARTS, (day, month, year), strict=True) if not v
        ]
        if missing:
            raise self._error(_INCOMPLETE[tuple(missing)], "incomplete", parts=missing)
        numbers = {}
        for part, text in zip(GovukDateWidget.PARTS, (day, month, year), strict=True):
            if part == "month" and text.lower().rstrip(".") in _MONTHS:
                numbers[part] = _MONTHS[text.lower().rstrip(".")]
            elif re.fullmatch(r"\d+", text):
                numbers[part] = int(text)
            else:
                raise self._error(_("%(field)s must be a real date"), "invalid", parts=[part])
        if not re.fullmatch(r"\d{4}", year):
            raise ValidationError(
                _("Year must include 4 numbers"), code="year", params={"parts": ["year"]}
            )
        try:
            return datetime.date(numbers["year"], numbers["month"], numbers["day"])
        except ValueError as error:
            raise self._error(_("%(field)s must be a real date"), "invalid") from error

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(
                _("Enter %(sentence_case_start)s")
                % {"sentence_case_start": _sentence_case_start(self.name_in_messages)},
                code="required",
            )
        if value is None:
            return
        low = self.min_value() if callable(self.min_value) else self.min_value
        high = self.max_value() if callable(self.max_value) else self.max_value
        if low and value < low:
            raise self._error(
                _("%(field)s must be the same as or after %(date)s"), "min_value", date=low
            )
        if high and value > high:
            raise self._error(
                _("%(field)s must be the same as or before %(date)s"), "max_value", date=high
            )

    def _error(
        self,
        text: str,
        code: str,
        *,
        parts: list[str] | None = None,
        date: datetime.date | None = None,
    ) -> ValidationError:
        """`text` is a catalogue message naming the field as `%(field)s` (and the limit as
        `%(date)s`), whole, so each language puts the field's name where its grammar wants it."""
        values = {"field": self.name_in_messages}
        if date is not None:
            values["date"] = long_date(date)
        message = str(text) % values
        if not parts:
            return ValidationError(message, code=code)
        # ValidationError %-formats a message that has params.
        return ValidationError(message.replace("%", "%%"), code=code, params={"parts": parts})

    def has_changed(self, initial, data):
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        initial = self.to_python(initial) if not isinstance(initial, datetime.date) else initial
        return initial != data


class ForcesField(forms.ModelMultipleChoiceField):
    """Forces to tick, each labelled as a page in the active language names it
    (`Force.name_for_page`): its Welsh name on a Welsh page where it has one, else its English
    name in a `<span lang="en-GB">`; its English name, unmarked, on an English page."""

    def label_from_instance(self, obj):
        return obj.name_for_page().html


class ContentLanguageSelect(forms.Select):
    """A select whose options are names people gave (offices, forces, people): on a page in
    another language each option but the blank one carries `lang="en-GB"` (the names'
    language, core.i18n.CONTENT_LANGUAGE), so screen readers pronounce them as written."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value not in ("", None) and i18n.content_lang_attribute():
            option["attrs"] = {**option["attrs"], "lang": i18n.html_lang(i18n.CONTENT_LANGUAGE)}
        return option
