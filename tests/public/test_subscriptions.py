"""Email subscriptions to a policing body's responses (public/subscriptions.py): double opt-in,
nothing revealed about an address's state, one-click unsubscribe that deletes the address, one
email per subscriber and published version in their language, the expiry sweep, the rate
limits, and what the database itself refuses."""

import re
import threading
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from core.models import EmailStatus, OutgoingEmail
from public import subscriptions, throttle
from public.models import EmailSubscription, PublishedResponse, SubscriptionNotice
from public.subscriptions import (
    CONFIRM,
    UNSUBSCRIBE,
    PublicCopyNotReady,
    notify_subscribers_after_publication,
    subscription_confirm,
    subscription_request,
    subscriptions_expire,
    token_for,
)
from responses.models import ResponseVersion
from tests.factories import RecommendationFactory, ReportFactory, policing_body

from .conftest import publish, publish_bilingual
from .test_services import amend_and_publish

pytestmark = pytest.mark.django_db

ADDRESS = "Reader.One@Example.org"
STORED = "reader.one@example.org"


def sign_up(client, body, email=ADDRESS, *, welsh=False, **extra):
    with translation.override("en-gb"):
        url = reverse("public:subscribe", args=[body.slug])
    if welsh:
        url = "/cy" + url
    # The emails are queued after the commit, as they are in a real request.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {"email": email}, **extra)


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def same_page(answer) -> str:
    """The page without what differs on every request (the CSP nonce)."""
    return re.sub(r'nonce="[^"]*"', "", answer.content.decode())


def path_of(url: str) -> str:
    return urlsplit(url).path


def confirm_link(message) -> str:
    (found,) = [u for u in links_in(message) if "/email-updates/confirm/" in u]
    return path_of(found)


def unsubscribe_link(message) -> str:
    (found,) = {u for u in links_in(message) if "/email-updates/unsubscribe/" in u}
    return path_of(found)


def subscribed(client, body, email=ADDRESS, *, welsh=False) -> EmailSubscription:
    """Sign up and confirm through the pages, as a person would."""
    sign_up(client, body, email, welsh=welsh)
    client.post(confirm_link(mail.outbox[-1]))
    return EmailSubscription.objects.get(policing_body=body, email=email.strip().lower())


# --- sign-up and confirmation --------------------------------------------------------------------


def test_a_sign_up_stores_the_address_normalised_unconfirmed_and_emails_a_link(client):
    body = policing_body()

    answer = sign_up(client, body, f"  {ADDRESS} ")

    assert answer.status_code == 302
    assert answer["Location"] == reverse("public:subscribe-sent", args=[body.slug])
    subscription = EmailSubscription.objects.get()
    assert (subscription.email, subscription.language) == (STORED, "en-gb")
    assert subscription.confirmed_at is None
    (message,) = mail.outbox
    assert message.to == [STORED]
    assert body.name in message.subject
    # The stored words hold no working link: the tokens are put in as the email is sent.
    row = OutgoingEmail.objects.get()
    assert (row.kind, row.status, row.office_id) == ("subscription_confirm", EmailStatus.SENT, None)
    assert token_for(subscription, CONFIRM) not in row.text + row.html + str(row.headers)
    assert token_for(subscription, CONFIRM) in message.body
    assert confirm_link(message) == reverse(
        "public:subscription-confirm",
        kwargs={"reference": subscription.reference, "token": token_for(subscription, CONFIRM)},
    )


def test_following_the_link_shows_a_button_and_only_the_button_confirms(client):
    body = policing_body()
    sign_up(client, body)
    link = confirm_link(mail.outbox[0])

    # A mail scanner fetching the link (twice) confirms nothing.
    for _ in range(2):
        page = client.get(link)
        assert page.status_code == 200
        assert b"Confirm subscription" in page.content
    assert EmailSubscription.objects.get().confirmed_at is None

    done = client.post(link)

    assert done.status_code == 200
    assert b"You are subscribed" in done.content
    first = EmailSubscription.objects.get().confirmed_at
    assert first is not None
    # Pressing again (two tabs, a double click) keeps the first time.
    assert client.post(link).status_code == 200
    assert EmailSubscription.objects.get().confirmed_at == first


def test_the_confirm_button_is_a_form_with_the_csrf_check(client):
    body = policing_body()
    sign_up(client, body)
    link = confirm_link(mail.outbox[0])

    assert Client(enforce_csrf_checks=True).post(link).status_code == 403
    assert EmailSubscription.objects.get().confirmed_at is None


def test_no_page_shows_the_address(client):
    body = policing_body()
    sign_up(client, body)
    link = confirm_link(mail.outbox[0])
    pages = [
        client.get(reverse("public:subscribe", args=[body.slug])),
        client.get(reverse("public:subscribe-sent", args=[body.slug])),
        client.get(link),
        client.post(link),
    ]
    pages.append(client.get(unsubscribe_link(mail.outbox[0])))
    for page in pages:
        assert page.status_code == 200
        assert STORED not in page.content.decode().lower()
        assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]


def test_a_wrong_or_changed_token_is_404_and_changes_nothing(client):
    body = policing_body()
    sign_up(client, body)
    subscription = EmailSubscription.objects.get()
    wrong = token_for(subscription, UNSUBSCRIBE)  # right reference, the other purpose's token
    confirm = reverse(
        "public:subscription-confirm",
        kwargs={"reference": subscription.reference, "token": wrong},
    )
    unsubscribe = reverse(
        "public:unsubscribe",
        kwargs={"reference": subscription.reference, "token": token_for(subscription, CONFIRM)},
    )

    assert client.get(confirm).status_code == 404
    assert client.post(confirm).status_code == 404
    assert client.get(unsubscribe).status_code == 404
    assert client.post(unsubscribe).status_code == 404
    assert EmailSubscription.objects.get().confirmed_at is None


def test_a_link_made_with_a_previous_secret_key_still_works(client, settings):
    body = policing_body()
    sign_up(client, body)
    link = confirm_link(mail.outbox[0])
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-0123456789-abcdefghijklmnop"

    assert client.post(link).status_code == 200
    assert EmailSubscription.objects.get().confirmed_at is not None


def test_a_confirmation_link_older_than_the_confirm_days_does_not_confirm(client):
    body = policing_body()
    sign_up(client, body)
    link = confirm_link(mail.outbox[0])
    EmailSubscription.objects.update(
        requested_at=timezone.now() - timedelta(days=subscriptions.CONFIRM_DAYS, minutes=1)
    )

    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    assert EmailSubscription.objects.get().confirmed_at is None


# --- nothing revealed ---------------------------------------------------------------------------


def test_signing_up_a_confirmed_address_looks_the_same_and_emails_only_its_owner(client):
    body = policing_body()
    first = sign_up(client, body)
    first_page = client.get(first["Location"])
    client.post(confirm_link(mail.outbox[0]))
    mail.outbox.clear()

    again = sign_up(client, body, "reader.one@EXAMPLE.org")
    again_page = client.get(again["Location"])

    assert (again.status_code, again["Location"]) == (first.status_code, first["Location"])
    assert same_page(again_page) == same_page(first_page)
    # One email, as for a new address: to the address's owner, saying it is already subscribed,
    # with the link to stop and no link to confirm.
    (message,) = mail.outbox
    assert message.to == [STORED]
    assert "already" in message.subject
    assert not [u for u in links_in(message) if "/confirm/" in u]
    assert client.get(unsubscribe_link(message)).status_code == 200
    assert EmailSubscription.objects.count() == 1


def test_signing_up_again_before_confirming_sends_the_link_again(client):
    body = policing_body()
    sign_up(client, body)
    sign_up(client, body)

    assert [m.to for m in mail.outbox] == [[STORED], [STORED]]
    assert confirm_link(mail.outbox[0]) == confirm_link(mail.outbox[1])
    assert EmailSubscription.objects.count() == 1
    assert OutgoingEmail.objects.filter(kind="subscription_confirm").count() == 2


def test_the_same_address_may_subscribe_to_two_bodies(client):
    norfolk, suffolk = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")
    subscribed(client, norfolk)
    subscribed(client, suffolk)

    assert EmailSubscription.objects.filter(confirmed_at__isnull=False).count() == 2


def test_a_form_sent_without_its_field_asks_for_the_address(client):
    body = policing_body()

    page = client.post(reverse("public:subscribe", args=[body.slug]))

    assert page.status_code == 200
    assert page.content.decode().count("Enter your email address") == 2
    assert not EmailSubscription.objects.exists()


def test_an_invalid_address_shows_the_error_summary_and_the_field_error(client):
    body = policing_body()

    page = sign_up(client, body, "not an address")

    assert page.status_code == 200
    html = page.content.decode()
    assert "govuk-error-summary" in html
    assert html.count("Enter an email address in the correct format") == 2
    assert "<title>Error: " in html
    assert not mail.outbox and not EmailSubscription.objects.exists()


def test_the_pages_of_a_body_and_of_a_report_it_has_not_answered_link_to_the_sign_up(client):
    norfolk, suffolk = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")
    report = ReportFactory(forces=[norfolk.force, suffolk.force], published_on=date(2020, 1, 7))
    RecommendationFactory(report=report)
    response = publish(body=norfolk, report=report)

    pages = {
        "list": client.get(reverse("public:response-list"), {"office": norfolk.slug}),
        "response": client.get(reverse("public:response", args=[response.pk])),
        "report": client.get(reverse("public:report", args=[report.pk])),
    }

    for name in ("list", "response"):
        assert reverse("public:subscribe", args=[norfolk.slug]) in pages[name].content.decode()
    # On the report's page, beside the body that has not published its response.
    report_html = pages["report"].content.decode()
    assert reverse("public:subscribe", args=[suffolk.slug]) in report_html
    assert reverse("public:subscribe", args=[norfolk.slug]) not in report_html


def test_robots_txt_keeps_crawlers_out_of_the_subscription_pages(client):
    lines = client.get(reverse("public:robots")).content.decode().splitlines()
    assert "Disallow: /email-updates/" in lines
    assert "Disallow: /cy/email-updates/" in lines


# --- unsubscribe --------------------------------------------------------------------------------


def test_one_click_unsubscribe_deletes_the_address_and_every_email_to_it(client):
    body = policing_body()
    subscription = subscribed(client, body)
    sign_up(client, body)  # an "already subscribed" email too
    assert OutgoingEmail.objects.filter(to=STORED).count() == 2
    message = mail.outbox[-1]
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = path_of(header.strip("<>"))
    assert url == unsubscribe_link(message)

    # A mail client's one-click POST: no cookie, no CSRF token (RFC 8058).
    answer = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert answer.status_code == 200
    assert not EmailSubscription.objects.filter(pk=subscription.pk).exists()
    assert not OutgoingEmail.objects.filter(to=STORED).exists()
    # Twice is not an error, and still nothing is there.
    assert client.post(url).status_code == 200
    assert client.get(url).status_code == 200


def test_every_kind_of_email_has_the_unsubscribe_link_and_the_one_click_headers(client):
    body = policing_body()
    subscribed(client, body)  # the confirmation
    sign_up(client, body)  # "already subscribed"
    publish(body=body)  # the notice
    kinds = OutgoingEmail.objects.values_list("kind", flat=True)
    assert sorted(kinds) == ["subscription_already", "subscription_confirm", "subscription_notice"]

    assert len(mail.outbox) == 3
    for message in mail.outbox:
        link = unsubscribe_link(message)
        assert message.extra_headers["List-Unsubscribe"].endswith(f"{link}>")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        (html, _type) = message.alternatives[0]
        assert f'href="{django_settings.SITE_URL}{link}"' in html
        assert client.get(link).status_code == 200


def test_the_unsubscribe_page_changes_nothing_until_the_button(client):
    body = policing_body()
    subscribed(client, body)
    url = unsubscribe_link(mail.outbox[0])

    page = client.get(url)

    assert page.status_code == 200
    assert b'<form method="post"' in page.content
    assert EmailSubscription.objects.filter(confirmed_at__isnull=False).count() == 1


# --- what is sent when a response is published ----------------------------------------------


def test_a_publication_emails_each_confirmed_subscriber_once_in_their_language(client):
    body = policing_body("norfolk-pcc")
    english = subscribed(client, body, "english@example.org")
    welsh = subscribed(client, body, "cymraeg@example.org", welsh=True)
    sign_up(client, body, "unconfirmed@example.org")
    other = policing_body("suffolk-pcc")
    subscribed(client, other, "elsewhere@example.org")
    mail.outbox.clear()

    response = publish(body=body, title="Custody in Norfolk")

    notices = {m.to[0]: m for m in mail.outbox}
    assert sorted(notices) == ["cymraeg@example.org", "english@example.org"]
    english_email = notices["english@example.org"]
    assert "published its response to Custody in Norfolk" in english_email.subject
    page = reverse("public:response", args=[response.pk])
    assert any(path_of(u) == page for u in links_in(english_email))
    welsh_email = notices["cymraeg@example.org"]
    assert welsh_email.subject != english_email.subject
    assert any(path_of(u) == "/cy" + page for u in links_in(welsh_email))
    assert "/cy/email-updates/unsubscribe/" in welsh_email.extra_headers["List-Unsubscribe"]
    for subscription, message in ((english, english_email), (welsh, welsh_email)):
        assert token_for(subscription, UNSUBSCRIBE) in message.extra_headers["List-Unsubscribe"]
        assert client.get(unsubscribe_link(message)).status_code == 200
    version = ResponseVersion.objects.get(response=response)
    assert SubscriptionNotice.objects.filter(version=version).count() == 2

    # The subscriber run again (a replay): nobody gets a second email.
    mail.outbox.clear()
    with transaction.atomic():
        assert notify_subscribers_after_publication(version.pk) == 0
    assert mail.outbox == []


@pytest.mark.parametrize("slug", ["norfolk-pcc", "dyfed-powys-pcc"])
def test_a_welsh_email_names_the_body_as_the_welsh_pages_do(client, slug):
    """In a Welsh email's HTML, a body without a Welsh name is named in English marked
    lang="en-GB", as is the report's title; a body with a Welsh name is named by it, unmarked
    (PolicingBody.name_for_page). The English email names the body in English, unmarked."""
    body = policing_body(slug)
    sign_up(client, body, "cymraeg@example.org", welsh=True)
    (confirm,) = mail.outbox
    client.post(confirm_link(confirm))
    subscribed(client, body, "english@example.org")
    mail.outbox.clear()

    (publish_bilingual if body.name_cy else publish)(body=body, title="Custody inspection")

    notices = {m.to[0]: m for m in mail.outbox}
    welsh = [confirm.alternatives[0][0], notices["cymraeg@example.org"].alternatives[0][0]]
    for html in welsh:
        if body.name_cy:
            assert body.name_cy in html and body.name not in html
        else:
            assert f'<span lang="en-GB">{body.name}</span>' in html
    assert '"<span lang="en-GB">Custody inspection</span>"' in welsh[1]
    english = notices["english@example.org"].alternatives[0][0]
    assert f"The {body.name} published its response" in english
    assert "<span lang" not in english and '"Custody inspection"' in english


def test_an_amendment_emails_the_subscribers_about_the_new_version(client):
    body = policing_body()
    response = publish(body=body, title="Neighbourhood policing")
    subscribed(client, body)
    mail.outbox.clear()

    amend_and_publish(
        response,
        office_comments="Corrected comments.",
        reason="Typo",
        published_on=date(2020, 3, 1),
    )

    (message,) = mail.outbox
    assert "amended its response to Neighbourhood policing" in message.subject
    assert "version 2" in message.body
    page = reverse("public:response", args=[response.pk])
    assert f"{page}#version-2" in message.body


def test_the_emails_wait_for_the_public_copy_of_the_version(client):
    body = policing_body()
    response = publish(body=body)
    subscribed(client, body)
    version = ResponseVersion.objects.get(response=response)
    SubscriptionNotice.objects.all().delete()
    PublishedResponse.objects.filter(response=response).delete()
    mail.outbox.clear()

    with pytest.raises(PublicCopyNotReady), transaction.atomic():
        notify_subscribers_after_publication(version.pk)
    assert mail.outbox == [] and not SubscriptionNotice.objects.exists()


def test_nothing_is_sent_for_an_imported_responses_first_version(client):
    body = policing_body()
    response = publish(body=body)
    subscribed(client, body)
    version = ResponseVersion.objects.get(response=response)
    type(response).objects.filter(pk=response.pk).update(imported=True)
    mail.outbox.clear()

    assert notify_subscribers_after_publication(version.pk) == 0
    assert mail.outbox == []


# --- the expiry sweep ---------------------------------------------------------------------------


def test_the_sweep_deletes_unconfirmed_sign_ups_after_the_confirm_days_and_old_emails(client):
    body = policing_body()
    now = timezone.now()
    subscribed(client, body, "kept@example.org")
    sign_up(client, body, "expired@example.org")
    sign_up(client, body, "waiting@example.org")
    EmailSubscription.objects.filter(email="expired@example.org").update(
        requested_at=now - timedelta(days=subscriptions.CONFIRM_DAYS, seconds=1)
    )
    EmailSubscription.objects.filter(email="waiting@example.org").update(
        requested_at=now - timedelta(days=subscriptions.CONFIRM_DAYS - 1)
    )
    OutgoingEmail.objects.filter(to="kept@example.org").update(
        sent_at=now - timedelta(days=subscriptions.SENT_EMAILS_KEPT_DAYS, seconds=1)
    )

    assert subscriptions_expire(now=now) == {"subscriptions": 1, "emails": 1}

    assert sorted(EmailSubscription.objects.values_list("email", flat=True)) == [
        "kept@example.org",
        "waiting@example.org",
    ]
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == ["waiting@example.org"]
    assert subscriptions_expire(now=now) == {"subscriptions": 0, "emails": 0}


def test_the_sweep_is_a_beat_task():
    from django.conf import settings

    from public.tasks import expire_subscriptions

    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "public.tasks.expire_subscriptions" in tasks
    assert expire_subscriptions() == {"subscriptions": 0, "emails": 0}


# --- rate limits --------------------------------------------------------------------------------


def test_too_many_sign_ups_from_one_client_answer_429_with_the_time_to_wait(client, settings):
    settings.S55_SUBSCRIBE_RATE_PER_CLIENT = "2/hour"
    body = policing_body()

    assert sign_up(client, body, "a@example.org").status_code == 302
    assert sign_up(client, body, "not valid").status_code == 200  # counted too
    limited = sign_up(client, body, "c@example.org")

    assert limited.status_code == 429
    html = limited.content.decode()
    assert "govuk-error-summary" in html
    assert "Try again in 60 minutes." in html
    assert not EmailSubscription.objects.filter(email="c@example.org").exists()
    # Another client is not limited.
    assert sign_up(client, body, "c@example.org", REMOTE_ADDR="192.0.2.7").status_code == 302


def test_too_many_sign_ups_for_one_address_answer_429_whatever_the_client(client, settings):
    settings.S55_SUBSCRIBE_RATE_PER_ADDRESS = "2/day"
    norfolk, suffolk = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")

    assert sign_up(client, norfolk, REMOTE_ADDR="192.0.2.1").status_code == 302
    assert sign_up(client, suffolk, REMOTE_ADDR="192.0.2.2").status_code == 302
    limited = sign_up(client, norfolk, "READER.one@example.org", REMOTE_ADDR="192.0.2.3")

    assert limited.status_code == 429
    assert "Try again in 24 hours." in limited.content.decode()
    assert len(mail.outbox) == 2
    # Another address from the same client is not.
    assert sign_up(client, norfolk, "b@example.org", REMOTE_ADDR="192.0.2.3").status_code == 302


def test_the_limit_ends_when_its_window_has_passed(client, settings, monkeypatch):
    settings.S55_SUBSCRIBE_RATE_PER_CLIENT = "1/hour"
    body = policing_body()
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(throttle._Limit, "timer", lambda self: clock["now"])

    assert sign_up(client, body, "a@example.org").status_code == 302
    assert sign_up(client, body, "b@example.org").status_code == 429
    clock["now"] += 3601
    assert sign_up(client, body, "b@example.org").status_code == 302


def test_the_limits_count_the_client_behind_the_trusted_proxy(client, settings):
    settings.S55_SUBSCRIBE_RATE_PER_CLIENT = "1/hour"
    settings.TRUSTED_PROXY_COUNT = 1
    body = policing_body()

    assert (
        sign_up(client, body, "a@example.org", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code
        == 302
    )
    assert (
        sign_up(client, body, "b@example.org", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code
        == 302
    )
    assert (
        sign_up(client, body, "c@example.org", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code
        == 429
    )


def test_the_rate_limit_cache_never_holds_the_address(client):
    from django.core.cache import cache

    body = policing_body()
    sign_up(client, body)

    key = "throttle_subscribe-address_" + subscriptions.address_key(ADDRESS)
    assert cache.get(key)
    assert STORED not in key and STORED not in subscriptions.address_key(ADDRESS)


# --- Welsh ------------------------------------------------------------------------------------


def test_a_welsh_sign_up_gets_welsh_pages_and_a_welsh_email_with_welsh_links(client):
    body = policing_body()
    form = client.get("/cy" + reverse("public:subscribe", args=[body.slug]))
    assert form.status_code == 200
    assert 'lang="cy"' in form.content.decode()

    answer = sign_up(client, body, welsh=True)

    with translation.override("cy"):
        assert answer["Location"] == reverse("public:subscribe-sent", args=[body.slug])
    assert answer["Location"].startswith("/cy/")
    assert EmailSubscription.objects.get().language == "cy"
    (message,) = mail.outbox
    link = confirm_link(message)
    assert link.startswith("/cy/email-updates/confirm/")
    assert "I gadarnhau" in message.body
    page = client.get(link)
    assert 'lang="cy"' in page.content.decode()


# --- what the database refuses ----------------------------------------------------------------


def test_the_database_refuses_an_address_not_stored_normalised():
    body = policing_body()
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailSubscription.objects.create(policing_body=body, email="Mixed.Case@example.org")


def test_the_database_refuses_a_second_row_for_one_address_and_body():
    body = policing_body()
    EmailSubscription.objects.create(policing_body=body, email=STORED)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailSubscription.objects.create(policing_body=body, email=STORED)


def test_the_database_refuses_a_second_notice_for_one_subscriber_and_version():
    response = publish()
    subscription = EmailSubscription.objects.create(
        policing_body=response.policing_body, email=STORED, confirmed_at=timezone.now()
    )
    version = ResponseVersion.objects.get(response=response)
    SubscriptionNotice.objects.create(subscription=subscription, version=version)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubscriptionNotice.objects.create(subscription=subscription, version=version)


def test_postgresql_refuses_an_address_longer_than_254_characters(postgres_required):
    body = policing_body()
    long_address = "a" * 250 + "@example.org"
    with pytest.raises(Exception, match="too long|value too long"), transaction.atomic():
        EmailSubscription.objects.create(policing_body=body, email=long_address)


def test_the_service_refuses_an_address_longer_than_254_characters(client):
    body = policing_body()
    page = sign_up(client, body, "a" * 250 + "@example.org")
    assert page.status_code == 200
    assert "254 characters or fewer" in page.content.decode()
    assert not EmailSubscription.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_of_one_new_address_at_once_make_one_row_and_two_emails(
    postgres_required,
):
    from tests.public.conftest import ensure_reference_data

    ensure_reference_data()
    body = policing_body()
    barrier = threading.Barrier(2)
    errors = []

    def sign_up_now():
        try:
            barrier.wait()
            subscription_request(policing_body=body, email=ADDRESS, language="en-gb")
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up_now) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert EmailSubscription.objects.filter(email=STORED).count() == 1
    assert OutgoingEmail.objects.filter(to=STORED, kind="subscription_confirm").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_confirm_once(postgres_required):
    from tests.public.conftest import ensure_reference_data

    ensure_reference_data()
    body = policing_body()
    subscription_request(policing_body=body, email=ADDRESS, language="en-gb")
    subscription = EmailSubscription.objects.get()
    token = token_for(subscription, CONFIRM)
    barrier = threading.Barrier(2)
    results = []

    def confirm_now():
        try:
            barrier.wait()
            results.append(subscription_confirm(reference=subscription.reference, token=token))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm_now) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    confirmed = EmailSubscription.objects.get()
    assert [r.confirmed_at for r in results] == [confirmed.confirmed_at] * 2
