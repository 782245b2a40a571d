"""The shared GOV.UK form rendering: every widget kind, with and without errors."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.forms.boundfield import BoundWidget
from django.template import Context, RequestContext, Template
from django.utils.safestring import mark_safe

from core.forms import GovukDateField, QuickSelect


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(str(html), "html.parser")


def render(template: str, **context) -> BeautifulSoup:
    return soup(Template(template).render(Context(context)))


class AllKindsForm(forms.Form):
    title = forms.CharField(label="Title", help_text="As it appears on the report.")
    email = forms.EmailField(label="Email address", required=False)
    website = forms.URLField(label="Website", required=False)
    count = forms.IntegerField(label="Number of recommendations", required=False)
    secret = forms.CharField(label="Password", widget=forms.PasswordInput, required=False)
    summary = forms.CharField(label="Summary", widget=forms.Textarea, required=False)
    comments = forms.CharField(
        label="Comments", widget=forms.Textarea, max_length=500, required=False
    )
    report_type = forms.ChoiceField(
        label="Type", choices=[("", "Choose a type"), ("peel", "PEEL"), ("cdi", "CDI")]
    )
    grade = forms.ChoiceField(
        label="Grade",
        widget=forms.RadioSelect,
        choices=[("good", "Good"), ("inadequate", "Inadequate")],
        help_text="The overall judgement.",
    )
    addressees = forms.MultipleChoiceField(
        label="Addressed to",
        widget=forms.CheckboxSelectMultiple,
        choices=[("force", "The force"), ("home_office", "The Home Office")],
    )
    confirm = forms.BooleanField(label="I have checked the text", required=True)
    published_on = GovukDateField(label="Date published", help_text="For example, 7 1 2020")
    document = forms.FileField(label="Report PDF", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


VALID = {
    "title": "Norfolk CDI 2019",
    "report_type": "cdi",
    "grade": "good",
    "addressees": ["force"],
    "confirm": "on",
    "published_on_day": "7",
    "published_on_month": "1",
    "published_on_year": "2020",
}


def group_of(page: BeautifulSoup, element) -> object:
    return element.find_parent("div", class_="govuk-form-group")


class TestUnboundForm:
    @pytest.fixture
    def page(self):
        return soup(str(AllKindsForm()))

    def test_text_input_has_label_hint_and_describedby(self, page):
        field = page.find("input", id="id_title")
        assert field["class"] == ["govuk-input"]
        assert field["type"] == "text"
        label = page.find("label", attrs={"for": "id_title"})
        assert "govuk-label" in label["class"]
        assert label.get_text(strip=True) == "Title"
        hint = page.find(id="id_title_helptext")
        assert "govuk-hint" in hint["class"]
        assert hint.get_text(strip=True) == "As it appears on the report."
        assert field["aria-describedby"] == "id_title_helptext"
        assert not field.has_attr("required"), "GOV.UK forms use server-side messages"

    @pytest.mark.parametrize(
        ("name", "input_type"),
        [("email", "email"), ("website", "url"), ("count", "number"), ("secret", "password")],
    )
    def test_other_inputs_are_govuk_inputs(self, page, name, input_type):
        field = page.find("input", id=f"id_{name}")
        assert field["type"] == input_type
        assert "govuk-input" in field["class"]
        assert group_of(page, field)["class"] == ["govuk-form-group"]

    def test_optional_fields_say_so(self, page):
        label = page.find("label", attrs={"for": "id_email"})
        assert label.get_text(strip=True) == "Email address (optional)"
        assert page.find("label", attrs={"for": "id_title"}).get_text(strip=True) == "Title"

    def test_textarea(self, page):
        area = page.find("textarea", id="id_summary")
        assert area["class"] == ["govuk-textarea"]
        assert page.find("label", attrs={"for": "id_summary"}) is not None
        assert area.find_parent(class_="govuk-character-count") is None

    def test_textarea_with_max_length_gets_a_character_count(self, page):
        area = page.find("textarea", id="id_comments")
        wrapper = area.find_parent("div", class_="govuk-character-count")
        assert wrapper["data-module"] == "govuk-character-count"
        assert wrapper["data-maxlength"] == "500"
        assert "govuk-js-character-count" in area["class"]
        assert not area.has_attr("maxlength"), "the count warns; it must not cut text off"
        info = page.find(id="id_comments-info")
        assert info.get_text(strip=True) == "You can enter up to 500 characters"
        assert "id_comments-info" in area["aria-describedby"].split()

    def test_select(self, page):
        select = page.find("select", id="id_report_type")
        assert select["class"] == ["govuk-select"]
        assert [o.get_text() for o in select.find_all("option")] == ["Choose a type", "PEEL", "CDI"]

    def test_radios_are_a_fieldset_with_a_legend(self, page):
        radios = page.find_all("input", attrs={"name": "grade"})
        assert [r["type"] for r in radios] == ["radio", "radio"]
        assert all(r["class"] == ["govuk-radios__input"] for r in radios)
        fieldset = radios[0].find_parent("fieldset")
        assert "govuk-fieldset" in fieldset["class"]
        assert fieldset.legend.get_text(strip=True) == "Grade"
        assert fieldset["aria-describedby"] == "id_grade_helptext"
        wrapper = radios[0].find_parent("div", class_="govuk-radios")
        assert wrapper["data-module"] == "govuk-radios"
        labels = [page.find("label", attrs={"for": r["id"]}).get_text(strip=True) for r in radios]
        assert labels == ["Good", "Inadequate"]
        assert all(
            "govuk-radios__label" in page.find("label", attrs={"for": r["id"]})["class"]
            for r in radios
        )

    def test_radios_drop_djangos_blank_choice(self):
        class F(forms.Form):
            kind = forms.ChoiceField(
                widget=forms.RadioSelect, choices=[("", "---------"), ("a", "A")]
            )

        page = soup(str(F()))
        assert [r["value"] for r in page.find_all("input", type="radio")] == ["a"]

    def test_checkboxes(self, page):
        boxes = page.find_all("input", attrs={"name": "addressees"})
        assert [b["type"] for b in boxes] == ["checkbox", "checkbox"]
        assert all("govuk-checkboxes__input" in b["class"] for b in boxes)
        assert boxes[0].find_parent("fieldset").legend.get_text(strip=True) == "Addressed to"
        assert boxes[0].find_parent("div", class_="govuk-checkboxes")["data-module"] == (
            "govuk-checkboxes"
        )

    def test_single_checkbox_has_its_label_beside_it(self, page):
        box = page.find("input", id="id_confirm")
        assert box["type"] == "checkbox"
        assert "govuk-checkboxes__input" in box["class"]
        label = page.find("label", attrs={"for": "id_confirm"})
        assert "govuk-checkboxes__label" in label["class"]
        assert label.get_text(strip=True) == "I have checked the text"
        assert box.find_parent("fieldset") is None

    def test_date_input(self, page):
        inputs = page.find("div", class_="govuk-date-input").find_all("input")
        assert [i["name"] for i in inputs] == [
            "published_on_day",
            "published_on_month",
            "published_on_year",
        ]
        assert [i["id"] for i in inputs] == [
            "id_published_on_0",
            "id_published_on_1",
            "id_published_on_2",
        ]
        assert all(i["inputmode"] == "numeric" for i in inputs)
        assert [i["class"][-1] for i in inputs] == [
            "govuk-input--width-2",
            "govuk-input--width-2",
            "govuk-input--width-4",
        ]
        labels = [page.find("label", attrs={"for": i["id"]}).get_text(strip=True) for i in inputs]
        assert labels == ["Day", "Month", "Year"]
        fieldset = inputs[0].find_parent("fieldset")
        assert fieldset["role"] == "group"
        assert fieldset.legend.get_text(strip=True) == "Date published"
        assert fieldset["aria-describedby"] == "id_published_on_helptext"

    def test_file_input(self, page):
        field = page.find("input", id="id_document")
        assert field["type"] == "file"
        assert field["class"] == ["govuk-file-upload"]

    def test_hidden_field_has_no_group(self, page):
        hidden = page.find("input", id="id_token")
        assert hidden["type"] == "hidden"
        assert group_of(page, hidden) is None

    def test_no_error_markup_without_errors(self, page):
        assert not page.select(".govuk-form-group--error, .govuk-error-message")

    def test_initial_date_fills_the_three_boxes(self):
        form = AllKindsForm(initial={"published_on": datetime.date(2020, 1, 7)})
        page = soup(str(form))
        values = [i["value"] for i in page.find("div", class_="govuk-date-input").find_all("input")]
        assert values == ["7", "1", "2020"]


class TestErrors:
    @pytest.fixture
    def form(self):
        form = AllKindsForm(data={"email": "not-an-email", "published_on_month": "2"})
        assert not form.is_valid()
        return form

    @pytest.fixture
    def page(self, form):
        return soup(str(form))

    def test_the_form_itself_has_no_error_summary_or_template_text(self, page):
        assert page.find(class_="govuk-error-summary") is None
        assert "{#" not in str(page) and "{%" not in str(page)

    def test_text_input_error(self, page):
        field = page.find("input", id="id_title")
        assert field["class"] == ["govuk-input", "govuk-input--error"]
        assert field["aria-invalid"] == "true"
        assert field["aria-describedby"] == "id_title_helptext id_title_error"
        message = page.find(id="id_title_error")
        assert "govuk-error-message" in message["class"]
        assert message.get_text(" ", strip=True) == "Error: This field is required."
        assert message.span["class"] == ["govuk-visually-hidden"]
        assert "govuk-form-group--error" in group_of(page, field)["class"]

    def test_email_error(self, page):
        field = page.find("input", id="id_email")
        assert "govuk-input--error" in field["class"]
        assert field["aria-describedby"] == "id_email_error"
        assert "Enter a valid email address." in page.find(id="id_email_error").get_text()

    def test_valid_optional_fields_are_not_marked(self, page):
        assert "govuk-input--error" not in page.find("input", id="id_website")["class"]

    def test_select_error(self, page):
        assert page.find("select", id="id_report_type")["class"] == [
            "govuk-select",
            "govuk-select--error",
        ]

    def test_radios_error_is_on_the_fieldset(self, page):
        fieldset = page.find("input", id="id_grade_0").find_parent("fieldset")
        assert fieldset["aria-describedby"] == "id_grade_helptext id_grade_error"
        assert fieldset.find(id="id_grade_error") is not None
        assert "govuk-form-group--error" in fieldset.find_parent("div")["class"]

    def test_checkboxes_error(self, page):
        fieldset = page.find("input", id="id_addressees_0").find_parent("fieldset")
        assert fieldset["aria-describedby"] == "id_addressees_error"

    def test_single_checkbox_error(self, page):
        box = page.find("input", id="id_confirm")
        assert box["aria-describedby"] == "id_confirm_error"
        assert "govuk-form-group--error" in group_of(page, box)["class"]

    def test_textarea_with_count_keeps_the_count_and_adds_the_error(self):
        form = AllKindsForm(data={"comments": "x" * 501})
        form.is_valid()
        page = soup(str(form))
        area = page.find("textarea", id="id_comments")
        assert "govuk-textarea--error" in area["class"]
        assert area["aria-describedby"].split() == ["id_comments_error", "id_comments-info"]
        assert area.get_text().strip() == "x" * 501, "the text typed is kept"

    def test_file_error(self):
        class F(forms.Form):
            document = forms.FileField(label="Report PDF")

        form = F(data={})
        form.is_valid()
        field = soup(str(form)).find("input", id="id_document")
        assert field["class"] == ["govuk-file-upload", "govuk-file-upload--error"]

    def test_date_error_highlights_only_the_missing_parts(self, form, page):
        assert form.errors["published_on"] == ["Date published must include a day and year"]
        inputs = page.find("div", class_="govuk-date-input").find_all("input")
        errors = ["govuk-input--error" in i["class"] for i in inputs]
        assert errors == [True, False, True]
        assert [i["value"] for i in inputs if i.has_attr("value")] == ["2"], "input kept"
        fieldset = inputs[0].find_parent("fieldset")
        assert fieldset["aria-describedby"] == "id_published_on_helptext id_published_on_error"


class TestErrorSummary:
    def test_links_to_each_fields_input_in_form_order(self):
        form = AllKindsForm(data={"email": "nope", "published_on_month": "2"})
        form.is_valid()
        page = render('{% include "govuk/error_summary.html" with form=form %}', form=form)
        summary = page.find("div", class_="govuk-error-summary")
        assert summary["data-module"] == "govuk-error-summary"
        assert summary.find(role="alert").h2.get_text(strip=True) == "There is a problem"
        links = [(a["href"], a.get_text(strip=True)) for a in summary.find_all("a")]
        assert links == [
            ("#id_title", "This field is required."),
            ("#id_email", "Enter a valid email address."),
            ("#id_report_type", "This field is required."),
            ("#id_grade_0", "This field is required."),
            ("#id_addressees_0", "This field is required."),
            ("#id_confirm", "This field is required."),
            ("#id_published_on_0", "Date published must include a day and year"),
        ]

    def test_date_link_goes_to_the_first_part_to_fix(self):
        form = AllKindsForm(data={**VALID, "published_on_month": ""})
        form.is_valid()
        page = render('{% include "govuk/error_summary.html" with form=form %}', form=form)
        assert [a["href"] for a in page.find_all("a")] == ["#id_published_on_1"]

    def test_shows_non_field_errors_and_extra_messages_without_links(self):
        class F(forms.Form):
            name = forms.CharField()

            def clean(self):
                raise forms.ValidationError("These dates do not fit together.")

        form = F(data={"name": "x"})
        form.is_valid()
        page = render(
            '{% include "govuk/error_summary.html" with form=form errors=problems %}',
            form=form,
            problems=["Write the commissioner's comments."],
        )
        items = [li.get_text(strip=True) for li in page.find_all("li")]
        assert items == ["These dates do not fit together.", "Write the commissioner's comments."]
        assert page.find("a") is None

    def test_nothing_when_the_form_is_valid_or_unbound(self):
        form = AllKindsForm(data=VALID)
        assert form.is_valid(), form.errors
        assert (
            render('{% include "govuk/error_summary.html" with form=form %}', form=form).find("div")
            is None
        )
        unbound = render(
            '{% include "govuk/error_summary.html" with form=form %}', form=AllKindsForm()
        )
        assert unbound.find("div") is None

    def test_formset_errors_are_listed_per_item(self):
        class Item(forms.Form):
            text = forms.CharField(label="Text")
            note = forms.CharField(label="Note", required=False)

        ItemFormSet = forms.formset_factory(Item, extra=0)
        formset = ItemFormSet(
            data={
                "form-TOTAL_FORMS": "2",
                "form-INITIAL_FORMS": "0",
                "form-0-text": "fine",
                "form-1-text": "",
                "form-1-note": "A note without its text",
            }
        )
        assert not formset.is_valid()
        page = render(
            '{% include "govuk/error_summary.html" with formset=formset %}', formset=formset
        )
        assert [(a["href"], a.get_text()) for a in page.find_all("a")] == [
            ("#id_form-1-text", "Item 2: This field is required.")
        ]


class DateForm(forms.Form):
    published_on = GovukDateField(label="Date published")


def date_errors(day="", month="", year="", field=None):
    form_class = DateForm
    if field is not None:
        form_class = type("F", (forms.Form,), {"published_on": field})
    form = form_class(
        data={"published_on_day": day, "published_on_month": month, "published_on_year": year}
    )
    if form.is_valid():
        return form.cleaned_data["published_on"]
    return form.errors["published_on"]


class TestGovukDateField:
    def test_a_real_date(self):
        assert date_errors("7", "1", "2020") == datetime.date(2020, 1, 7)

    def test_leading_zeros_spaces_and_month_names(self):
        assert date_errors(" 07 ", "01", "2020") == datetime.date(2020, 1, 7)
        assert date_errors("7", "Jan", "2020") == datetime.date(2020, 1, 7)
        assert date_errors("2", "March", "2020") == datetime.date(2020, 3, 2)

    def test_nothing_entered(self):
        assert date_errors() == ["Enter date published"]

    def test_nothing_entered_when_optional(self):
        field = GovukDateField(label="Date published", required=False)
        assert date_errors(field=field) is None

    @pytest.mark.parametrize(
        ("parts", "message"),
        [
            (("7", "", "2020"), "Date published must include a month"),
            (("", "1", "2020"), "Date published must include a day"),
            (("7", "1", ""), "Date published must include a year"),
            (("7", "", ""), "Date published must include a month and year"),
        ],
    )
    def test_incomplete(self, parts, message):
        assert date_errors(*parts) == [message]

    @pytest.mark.parametrize(
        "parts", [("31", "2", "2020"), ("30", "13", "2020"), ("x", "1", "2020"), ("0", "1", "2020")]
    )
    def test_not_a_real_date(self, parts):
        assert date_errors(*parts) == ["Date published must be a real date"]

    def test_year_needs_four_numbers(self):
        assert date_errors("7", "1", "20") == ["Year must include 4 numbers"]

    def test_29_february_in_a_leap_year_only(self):
        assert date_errors("29", "2", "2024") == datetime.date(2024, 2, 29)
        assert date_errors("29", "2", "2023") == ["Date published must be a real date"]

    def test_min_and_max(self):
        field = GovukDateField(
            label="Reply by",
            min_value=datetime.date(2020, 1, 8),
            max_value=lambda: datetime.date(2020, 3, 2),
        )
        assert date_errors("7", "1", "2020", field=field) == [
            "Reply by must be the same as or after 8 January 2020"
        ]
        assert date_errors("3", "3", "2020", field=field) == [
            "Reply by must be the same as or before 2 March 2020"
        ]
        assert date_errors("2", "3", "2020", field=field) == datetime.date(2020, 3, 2)

    def test_model_form_uses_the_verbose_name(self):
        from inspections.models import Report

        class ReportForm(forms.ModelForm):
            class Meta:
                model = Report
                fields = ["published_on"]
                field_classes = {"published_on": GovukDateField}

        form = ReportForm(data={"published_on_day": "7", "published_on_year": "2020"})
        assert not form.is_valid()
        assert form.errors["published_on"] == ["Date published must include a month"]

    def test_the_messages_are_whole_sentences_in_the_pages_language(self):
        """Each message is one catalogue sentence with the field's name and the date in it, so
        a Welsh page's errors are Welsh (they were English words joined in English order)."""
        from django.utils import translation

        from inspections.models import Report

        class ReportForm(forms.ModelForm):
            class Meta:
                model = Report
                fields = ["published_on"]
                field_classes = {"published_on": GovukDateField}

        field = GovukDateField(
            label="Reply by",
            min_value=datetime.date(2020, 1, 8),
            max_value=datetime.date(2020, 3, 2),
        )
        with translation.override("cy"):
            form = ReportForm(data={"published_on_day": "7", "published_on_year": "2020"})
            assert form.errors["published_on"] == ["Dyddiad cyhoeddi: rhaid iddo gynnwys mis"]
            form = ReportForm(data={"published_on_day": "7"})
            assert form.errors["published_on"] == [
                "Dyddiad cyhoeddi: rhaid iddo gynnwys mis a blwyddyn"
            ]
            form = ReportForm(
                data={
                    "published_on_day": "31",
                    "published_on_month": "2",
                    "published_on_year": "2020",
                }
            )
            assert form.errors["published_on"] == [
                "Dyddiad cyhoeddi: rhaid iddo fod yn ddyddiad go iawn"
            ]
            assert date_errors("7", "1", "2020", field=field) == [
                "Reply by: rhaid iddo fod ar 8 Ionawr 2020 neu ar ôl hynny"
            ]
            assert date_errors("3", "3", "2020", field=field) == [
                "Reply by: rhaid iddo fod ar 2 Mawrth 2020 neu cyn hynny"
            ]
            unlabelled = GovukDateField(label="", required=False)
            assert date_errors("x", "1", "2020", field=unlabelled) == [
                "Y dyddiad: rhaid iddo fod yn ddyddiad go iawn"
            ]

    def test_has_changed(self):
        form = DateForm(
            initial={"published_on": datetime.date(2020, 1, 7)},
            data={"published_on_day": "7", "published_on_month": "1", "published_on_year": "2020"},
        )
        assert not form.has_changed()


class TestOtherComponents:
    def test_status_tag_has_colour_and_words(self):
        from responses.models import Status

        page = render(
            "{% load responses %}{{ status|status_tag }}", status=Status.AWAITING_APPROVAL
        )
        tag = page.find("strong")
        assert tag["class"] == ["govuk-tag", "govuk-tag--purple"]
        assert tag.get_text() == "Awaiting approval"

    def test_every_status_has_a_distinct_text(self):
        from responses.models import Status

        assert all(status.colour for status in Status)

    def test_status_tag_of_an_object(self):
        class R:
            status = "published"

        tag = render("{% load responses %}{{ r|status_tag }}", r=R()).find("strong")
        assert tag["class"] == ["govuk-tag", "govuk-tag--green"]
        assert tag.get_text() == "Published"

    def test_pagination_keeps_the_query_string(self, rf):
        from django.core.paginator import Paginator

        page = Paginator(list(range(100)), 10).page(5)
        request = rf.get("/reports/", {"year": "2020", "q": "cdi", "page": "5"})
        html = soup(
            Template('{% include "govuk/pagination.html" with page=page %}').render(
                RequestContext(request, {"page": page})
            )
        )
        nav = html.find("nav", class_="govuk-pagination")
        assert nav["aria-label"] == "Pagination"
        prev = nav.find("a", rel="prev")["href"]
        assert prev == "?year=2020&q=cdi&page=4"
        assert nav.find("a", rel="next")["href"] == "?year=2020&q=cdi&page=6"
        current = nav.find("a", attrs={"aria-current": "page"})
        assert current.get_text() == "5"
        numbers = [li.get_text(strip=True) for li in nav.find_all("li")]
        assert numbers == ["1", "⋯", "4", "5", "6", "⋯", "10"]

    def test_no_pagination_for_one_page(self, rf):
        from django.core.paginator import Paginator

        page = Paginator([1, 2], 10).page(1)
        html = soup(
            Template('{% include "govuk/pagination.html" with page=page %}').render(
                RequestContext(rf.get("/"), {"page": page})
            )
        )
        assert html.find("nav") is None

    def test_button(self):
        button = render('{% include "govuk/button.html" with text="Save" %}').find("button")
        assert button["class"] == ["govuk-button"]
        assert button["type"] == "submit"
        assert button["data-module"] == "govuk-button"
        link = render(
            '{% include "govuk/button.html" with text="Start" href="/x/" secondary=True %}'
        ).find("a")
        assert link["class"] == ["govuk-button", "govuk-button--secondary"]
        assert link["role"] == "button"


class TestQuickOptions:
    """Radio and checkbox inputs are written in Python, exactly as Django's templates write
    them."""

    @pytest.mark.parametrize(
        "data",
        [{}, {"grade": "good", "addressees": ["force", "pcc"]}, {"grade": "x"}],
    )
    def test_each_option_is_the_markup_of_djangos_templates(self, data):
        form = AllKindsForm(data) if data else AllKindsForm()
        options = [*form["grade"].radio_options, *form["addressees"].radio_options]
        assert options
        for option in options:
            assert option.tag() == BoundWidget.tag(option)

    def test_values_and_attributes_are_escaped_as_the_templates_escape_them(self):
        class Quoting(forms.Form):
            pick = forms.ChoiceField(
                widget=forms.RadioSelect(attrs={"data-note": 'a "b" <c>', "disabled": True}),
                choices=[('"&<', "Odd"), (mark_safe("<b>"), "Marked safe")],
            )

        for option in Quoting({"pick": '"&<'})["pick"].radio_options:
            assert option.tag() == BoundWidget.tag(option)
        assert 'value="&quot;&amp;&lt;"' in Quoting()["pick"].radio_options[0].tag()


# --- The field group written without the template ----------------------------------------------


class QuickKindsForm(forms.Form):
    """Every kind `GovukBoundField.as_field_group` writes itself, with every option of
    govuk/field.html: hints (with markup), sizes, page headings, optional and required,
    selected options, and text that must be escaped."""

    title = forms.CharField(label="Title & <subtitle>", help_text="As <em>printed</em>.")
    heading = forms.CharField(label="What is it called?")
    email = forms.EmailField(label="Email address", required=False)
    count = forms.IntegerField(label="Number", required=False, min_value=1)
    report_type = forms.ChoiceField(
        label="Type", choices=[("", "Choose a type"), ("peel", "PEEL & more"), ("cdi", "CDI")]
    )
    quick = forms.ChoiceField(
        label="Sort",
        required=False,
        widget=QuickSelect,
        choices=[("a", "A <first>"), ("b", "B")],
    )
    grade = forms.ChoiceField(
        label="Grade",
        widget=forms.RadioSelect,
        choices=[("good", "Good"), ("bad", "Bad <really>")],
        help_text="The overall judgement.",
    )
    heading_radios = forms.ChoiceField(
        label="Which one?", widget=forms.RadioSelect, choices=[("x", "X"), ("y", "Y")]
    )
    status = forms.MultipleChoiceField(
        label="Status",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("open", "Open"), ("done", "Done"), ("", "blank is left out")],
    )
    agree = forms.BooleanField(label="I agree <fully>", help_text="Tick it.")
    optional_box = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].label_size = "m"
        self.fields["heading"].is_page_heading = True
        self.fields["heading"].label_size = "l"
        self.fields["heading_radios"].is_page_heading = True
        self.fields["heading_radios"].label_size = "xl"

    def clean_title(self):
        raise forms.ValidationError(["First <problem>", "Second problem"])


QUICK_DATA = [
    None,
    {},
    {
        "title": "A",
        "email": "not an email",
        "count": "0",
        "report_type": "peel",
        "quick": "b",
        "grade": "bad",
        "status": ["open", "done"],
        "agree": "on",
        "optional_box": "on",
    },
    {"report_type": "nope", "grade": "nope", "status": ["nope"], "heading_radios": "y"},
]


@pytest.mark.parametrize("language", ["en-gb", "cy"])
@pytest.mark.parametrize("auto_id", ["id_%s", False])
@pytest.mark.parametrize("data", QUICK_DATA, ids=["unbound", "empty", "mixed", "invalid"])
def test_quick_field_groups_are_the_templates_markup_byte_for_byte(data, auto_id, language):
    from django.forms.boundfield import BoundField
    from django.utils import translation

    with translation.override(language):
        form = QuickKindsForm(data, auto_id=auto_id)
        form.is_valid() if data is not None else None
        for name in form.fields:
            field = form[name]
            assert field.govuk_kind in {"input", "select", "radios", "checkboxes", "checkbox"}
            assert field.as_field_group() == BoundField.as_field_group(field), name


def test_other_kinds_still_go_through_the_template(monkeypatch):
    from django.forms.boundfield import BoundField

    calls = []
    real = BoundField.as_field_group
    monkeypatch.setattr(
        BoundField, "as_field_group", lambda self: calls.append(self.name) or real(self)
    )
    form = AllKindsForm()
    for name in ("summary", "comments"):
        form[name].as_field_group()
    form["title"].as_field_group()
    assert calls == ["summary", "comments"]


# --- QuickSelect's options ---------------------------------------------------------------------

SELECT_CHOICES = [
    ("", "All <types>"),
    ("peel", "PEEL & more"),
    (None, "None as a value"),
    ('"&<', mark_safe("<b>Marked safe</b>")),
    ("Group <g>", [("a", "A"), ("b", "B & b"), (3, "Three")]),
    (4, "Four"),
]


class _OwnOptions(QuickSelect):
    """A select that changes its options, as ContentLanguageSelect does."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"] = {**option["attrs"], "lang": "en-GB"}
        return option


@pytest.mark.parametrize("multiple", [False, True])
@pytest.mark.parametrize(
    "value", [None, "", "peel", ["b", "3"], ["nope"], 4, '"&<', ["a", "a"], ["", "b"]]
)
def test_quick_select_writes_the_options_of_djangos_select_without_building_them(
    monkeypatch, value, multiple
):
    built = []
    real = forms.Select.create_option
    monkeypatch.setattr(
        forms.Select, "create_option", lambda self, *a, **k: built.append(a) or real(self, *a, **k)
    )
    widget = QuickSelect(attrs={"class": "govuk-select", "data-x": '"q"'}, choices=SELECT_CHOICES)
    widget.allow_multiple_selected = multiple
    attrs = {"id": "id_pick", "disabled": True, "hidden": False}

    quick = widget.render("pick", value, attrs)
    assert built == []
    assert quick == widget.render_from_context("pick", value, attrs)
    assert built  # (Django's options, to compare with)
    assert quick.count("<option") == 8
    assert (" multiple" in quick) == multiple

    own = _OwnOptions(choices=SELECT_CHOICES).render("pick", value)
    assert own.count(' lang="en-GB"') == 8


# --- Django's <input> templates, written by the renderer --------------------------------------

INPUT_WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.HiddenInput,
    forms.CheckboxInput,
    forms.DateInput,
    forms.SearchInput,
    forms.TelInput,
    forms.ColorInput,
    lambda attrs: forms.PasswordInput(attrs, render_value=True),
]
INPUT_VALUES = [None, "", 'a&<"b', mark_safe("<b>safe</b>"), 0, 12, True, False, "on"]


@pytest.mark.parametrize("value", INPUT_VALUES)
@pytest.mark.parametrize("make", INPUT_WIDGETS)
def test_the_renderer_writes_djangos_input_templates_byte_for_byte(monkeypatch, make, value):
    from django.forms.renderers import TemplatesSetting

    from core.forms import GovukFormRenderer

    widget = make({"class": 'a"b', "inputmode": "numeric", "data-safe": mark_safe("<i>")})
    attrs = {"id": "id_n", "required": True, "disabled": False, "min": 1, "data-none": None}
    expected = widget.render("n&<", value, attrs, renderer=TemplatesSetting())

    templates = []
    real = TemplatesSetting.render
    monkeypatch.setattr(
        TemplatesSetting,
        "render",
        lambda self, name, *a, **k: templates.append(name) or real(self, name, *a, **k),
    )
    assert widget.render("n&<", value, attrs, renderer=GovukFormRenderer()) == expected
    assert templates == []
