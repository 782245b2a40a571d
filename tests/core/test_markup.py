"""The small safe markup for long text (issue 3, point 10): paragraphs, lists, bold and links
render; script tags, javascript: links, event attributes and any other raw HTML typed by a user
never reach a page. Checked on the renderer and on the real pages that show such text."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from core.markup import plain_text, render_markup
from tests.responses import conftest as response_fixtures

# The response fixtures (Norfolk's office, its people, a report with R1, R2 and an AFI, and
# `flow`, which drives a response through the real services), shared with tests/responses.
norfolk = response_fixtures.norfolk
drafter = response_fixtures.drafter
approver = response_fixtures.approver
report = response_fixtures.report
response = response_fixtures.response
flow = response_fixtures.flow

ATTACKS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<div onclick="alert(1)">hi</div>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<iframe src='https://evil.example'></iframe>",
    '**bold**<svg onload="alert(1)">',
    "<b onmouseover=alert(1)>hover</b>",
]


def assert_safe(html: str) -> None:
    """No element or attribute that could run code, and no tag other than the allowed ones."""
    lowered = html.lower()
    assert "<script" not in lowered
    # Typed HTML is shown as text (escaped: "&lt;a href=...") and harmless there; what must
    # never happen is a scheme that runs code inside a real tag.
    assert not re.search(r"<[^>]*javascript:", lowered), "a javascript: link reached the page"
    assert not re.search(r"<[^>]*data:text", lowered), "a data: link reached the page"
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered), "an event attribute reached the page"
    assert not re.search(r"<[^>]*\sstyle\s*=", lowered), "a style attribute reached the page"
    tags = set(re.findall(r"</?([a-z0-9]+)", lowered))
    assert tags <= {"p", "ul", "ol", "li", "strong", "em", "a", "br"}, tags


@pytest.mark.parametrize("attack", ATTACKS)
def test_raw_html_and_scripts_never_come_out_as_markup(attack):
    html = render_markup(attack)

    assert_safe(html)


def test_typed_html_is_shown_as_text_not_dropped():
    html = render_markup("Use <b>this</b> & that")

    assert "&lt;b&gt;this&lt;/b&gt; &amp; that" in html


def test_paragraphs_lists_bold_and_links_render_with_govuk_classes():
    html = render_markup(
        "First paragraph.\n\nWe will:\n- train staff;\n- audit **all** decisions.\n\n"
        "1. one\n2. two\n\nSee [the report](https://www.justiceinspectorates.gov.uk/hmicfrs/)."
    )

    assert '<p class="govuk-body">First paragraph.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert "<li>audit <strong>all</strong> decisions.</li>" in html
    assert '<ol class="govuk-list govuk-list--number">' in html
    assert 'href="https://www.justiceinspectorates.gov.uk/hmicfrs/"' in html
    assert 'rel="noopener noreferrer"' in html


def test_the_template_filter_is_the_same_renderer():
    template = Template("{% load markup %}{{ text|markup }}")

    html = template.render(Context({"text": "<script>alert(1)</script>**ok**"}))

    assert_safe(html)
    assert "<strong>ok</strong>" in html


def test_plain_text_strips_markup_for_email_and_search():
    assert plain_text("**Bold** and <script>x</script>") == "Bold and <script>x</script>"


# --- On the pages that show people's long text ---------------------------------------------

ATTACK_TEXT = "\n\n".join(ATTACKS)


def _main(page) -> str:
    html = page.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _shown_outside_textareas(page) -> str:
    """The page's main content without the inside of form fields (where typed text belongs,
    escaped, for editing)."""
    return re.sub(r"<textarea[^>]*>.*?</textarea>", "", _main(page), flags=re.S)


@pytest.mark.django_db
def test_the_response_pages_never_let_typed_html_through(client, flow, drafter, report):
    from responses.models import Status

    flow.write_text(office_comments=ATTACK_TEXT)
    r1 = report.findings.recommendations().first()
    flow.explain(r1, text=ATTACK_TEXT)
    flow.do("invite the force")
    flow.force_replies()
    flow.explain_all()
    client.force_login(drafter)
    pages = [
        client.get(reverse("responses:recommendations", args=[flow.response.pk])),
        client.get(reverse("responses:office-comments", args=[flow.response.pk])),
    ]
    flow.do("submit for approval")
    assert flow.response.status == Status.AWAITING_APPROVAL
    client.force_login(flow.approver)  # approving is an approver's (ACTION_ROLES)
    pages.append(client.get(reverse("responses:approve", args=[flow.response.pk])))

    for page in pages:
        assert page.status_code == 200
        assert_safe_page(_shown_outside_textareas(page))
    # The text itself is shown, escaped, so nothing is silently lost.
    assert "&lt;script&gt;alert" in _main(pages[2])


@pytest.mark.django_db
def test_the_report_page_never_lets_typed_html_through(client, drafter, report):
    from tests.factories import FindingFactory

    FindingFactory(report=report, text=ATTACK_TEXT)
    client.force_login(drafter)

    page = client.get(reverse("inspections:report-detail", args=[report.pk]))

    assert page.status_code == 200
    assert_safe_page(_shown_outside_textareas(page))


def assert_safe_page(main: str) -> None:
    """The page's own markup is trusted; what must never appear is anything from the attacks."""
    lowered = main.lower()
    assert "<script" not in lowered
    assert not re.search(r"<[^>]*javascript:", lowered)
    assert "<img" not in lowered and "<iframe" not in lowered and "<svg" not in lowered
    assert not re.search(r"<[^>]*\son(error|click|load|mouseover)\s*=", lowered)
