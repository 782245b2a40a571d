"""Template helpers for the GOV.UK components in templates/govuk/.

`{% load govuk %}` gives:

- `{{ choice|choice_tag }}`: a coloured GOV.UK tag for a choice that knows its `label` and
  `colour` (the status enums do: `responses.models.Status`, `tracking.rag.Status`, `Rag`); the
  text always names it (colour is never the only signal). Each app's own filter (`status_tag`
  in `{% load responses %}`, `tracker_status_tag` in `{% load tracking %}`) turns a stored value
  into its enum and calls `render_tag`.
- `{% error_summary_items form formset errors=problems as items %}`: the error summary's list,
  each linking to the input to fix (used by govuk/error_summary.html).
- `{% pagination_items page as items %}`: page links with ellipses (used by govuk/pagination.html).
"""

from functools import lru_cache

from django import template
from django.forms import BaseForm, BaseFormSet
from django.template.loader import render_to_string

register = template.Library()


def render_tag(text, colour: str = "grey") -> str:
    """A GOV.UK tag (govuk/tag.html) with `text` in `colour`."""
    return _tag(str(text or ""), colour)


@lru_cache(maxsize=512)
def _tag(text: str, colour: str) -> str:
    # The same few tags appear on every row of a list (a status and a RAG rating on each of
    # the tracker's 50 rows): rendering the template once per text and colour, not per row.
    return render_to_string("govuk/tag.html", {"text": text, "colour": colour})


@register.filter
def choice_tag(choice):
    """A choice with a `label` and a `colour` (a status enum member) as a GOV.UK tag."""
    return render_tag(choice.label, choice.colour)


def _form_items(form: BaseForm, prefix_label: str = "") -> list[dict]:
    items = []
    for error in form.non_field_errors():
        items.append({"text": f"{prefix_label}{error}", "href": ""})
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        bound = form[name] if name in form.fields else None
        if bound is None or bound.is_hidden:
            items.extend({"text": f"{prefix_label}{e}", "href": ""} for e in errors)
            continue
        target = getattr(bound, "error_target_id", bound.auto_id)
        for error in errors:
            items.append({"text": f"{prefix_label}{error}", "href": f"#{target}" if target else ""})
    return items


@register.simple_tag
def error_summary_items(*forms_or_formsets, errors=None):
    """The error summary list: non-field errors first, then each field's errors in form order
    (the order people meet them on the page), then any extra messages (e.g. WorkflowError
    problems). Formsets contribute their non-form errors and each form's errors."""
    items = []
    for thing in forms_or_formsets:
        if not thing:
            continue
        if isinstance(thing, BaseFormSet):
            items.extend({"text": e, "href": ""} for e in thing.non_form_errors())
            for number, form in enumerate(thing.forms, start=1):
                items.extend(_form_items(form, prefix_label=f"Item {number}: "))
        elif isinstance(thing, BaseForm):
            items.extend(_form_items(thing))
    if errors:
        if isinstance(errors, str):
            errors = [errors]
        items.extend({"text": str(e), "href": ""} for e in errors)
    return items


@register.simple_tag
def pagination_items(page):
    """Page numbers for GOV.UK pagination: the first, the last, the current page and its
    neighbours, with None marking an ellipsis."""
    ellipsis = page.paginator.ELLIPSIS
    return [
        None if number == ellipsis else number
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
