"""The reminders pages in real Chromium: they render, work with the keyboard, and pass axe-core."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings

from reminders import services
from reminders.models import Reminder, SendStatus

from .conftest import DUE, at_seven

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = DUE - timedelta(days=7)


@pytest.fixture
def signed_in(page, live_server, client):
    """`signed_in(user)`: the browser page with that person's session."""

    def sign_in(user):
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return page

    return sign_in


@pytest.fixture
def reminders_sent(invited, people, monkeypatch):
    """The sweep of 24 Feb 2020, sent; Dana has no email address, so hers failed."""
    monkeypatch.setattr(services, "enqueue_sends", lambda **kw: None)
    people["drafter"].email = ""
    people["drafter"].save()
    services.reminders_sweep(today=DAY, now=at_seven(DAY))
    for reminder in Reminder.objects.filter(delivery="individual"):
        services.reminder_send(reminder_id=reminder.pk, today=DAY, now=at_seven(DAY))
    for digest_id in Reminder.objects.exclude(digest=None).values_list("digest", flat=True):
        services.digest_send(digest_id=digest_id, today=DAY, now=at_seven(DAY))
    assert Reminder.objects.filter(status=SendStatus.FAILED).count() == 1


def _no_violations(check_axe, page):
    violations = check_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def test_the_reminders_page(signed_in, live_server, axe, reminders_sent, people, screenshot_dir):
    page = signed_in(people["approver"])
    page.goto(f"{live_server.url}/reminders/")
    assert page.locator("h1").inner_text() == "Reminders"
    assert page.get_by_text("Dana Drafter has no email address").is_visible()
    page.screenshot(path=str(screenshot_dir / "reminders-list.png"), full_page=True)
    _no_violations(axe, page)
    # The filter works from the keyboard.
    page.get_by_label("Show").select_option("problems")
    page.get_by_role("button", name="Show").press("Enter")
    page.wait_for_url("**/reminders/?status=problems")
    assert page.locator("tbody tr").count() == 1
    _no_violations(axe, page)


def test_the_settings_page_and_its_errors(signed_in, live_server, axe, people, screenshot_dir):
    page = signed_in(people["force"])
    page.goto(f"{live_server.url}/reminders/preferences/")
    _no_violations(axe, page)
    # A submission without a choice (a radio is always ticked on the page, so clear it).
    page.evaluate(
        "document.querySelectorAll('input[name=delivery]').forEach(i => i.checked = false)"
    )
    page.get_by_role("button", name="Save settings").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error: ")
    page.screenshot(path=str(screenshot_dir / "reminders-settings-error.png"), full_page=True)
    _no_violations(axe, page)
    page.get_by_label("One email for each reminder, as it becomes due").check()
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_text("Your reminder settings have been saved.").is_visible()
    _no_violations(axe, page)


def test_the_calendar_page(signed_in, live_server, axe, invited, people, screenshot_dir):
    page = signed_in(people["drafter"])
    page.goto(f"{live_server.url}/reminders/calendar/")
    _no_violations(axe, page)
    page.get_by_role("button", name="Create my calendar feed address").click()
    address = page.get_by_label("Copy this address into your calendar").input_value()
    assert address.startswith(f"{live_server.url}/reminders/calendar/") and address.endswith(".ics")
    page.screenshot(path=str(screenshot_dir / "reminders-calendar.png"), full_page=True)
    _no_violations(axe, page)
    feed = page.request.get(address)
    assert feed.status == 200 and b"BEGIN:VCALENDAR" in feed.body()
    page.get_by_role("button", name="Turn off my calendar feed").click()
    assert page.request.get(address).status == 404
