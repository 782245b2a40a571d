"""Welsh and English on equal terms (core/i18n.py): the language of a page, the switcher that
keeps the person on the same page, and the remembered choice."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Membership, User
from accounts.services import user_set_language
from public.models import PublishedResponse
from public.services import proxy_paths
from tests.factories import office_user, policing_body
from tests.public.conftest import publish

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


def switcher(response) -> dict[str, dict]:
    """The switcher's entries by language name: the link (or None for the page's language)."""
    html = response.content.decode()
    nav = re.search(r'<nav class="app-language-switcher".*?</nav>', html, re.S).group(0)
    entries = {}
    for item in re.findall(r"<li[^>]*>(.*?)</li>", nav, re.S):
        name = re.sub(r"<[^>]+>", "", item).strip()
        link = re.search(r'<a [^>]*href="([^"]*)"[^>]*lang="([^"]*)" hreflang="([^"]*)"', item)
        entries[name] = (
            {"href": link.group(1).replace("&amp;", "&"), "lang": link.group(2)} if link else None
        )
    return entries


def test_english_addresses_are_unchanged_and_welsh_is_under_cy(client):
    english = client.get("/published/")
    welsh = client.get("/cy/published/")
    assert english.status_code == welsh.status_code == 200
    assert html_lang(english) == "en-GB"
    assert html_lang(welsh) == "cy"
    assert english["Content-Language"] == "en-gb"
    assert welsh["Content-Language"] == "cy"


def test_public_pages_name_their_other_language_with_hreflang(client):
    html = client.get("/cy/statistics/").content.decode()
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html))
    assert alternates == {
        "en-GB": "http://testserver/statistics/",
        "cy": "http://testserver/cy/statistics/",
        "x-default": "http://testserver/statistics/",
    }


def test_the_switcher_keeps_the_person_on_the_same_page_with_its_query(client):
    response = publish()
    page = client.get(f"/published/{response.pk}/?from=search")
    entries = switcher(page)
    assert entries["English"] is None  # the page's own language is not a link
    cymraeg = entries["Cymraeg"]
    assert cymraeg["lang"] == "cy"
    followed = client.get(cymraeg["href"])
    assert followed.status_code == 302
    assert followed["Location"] == f"/cy/published/{response.pk}/?from=search"
    welsh = client.get(followed["Location"])
    assert html_lang(welsh) == "cy"
    back = client.get(switcher(welsh)["English"]["href"])
    assert back["Location"] == f"/published/{response.pk}/?from=search"


def test_the_public_choice_is_remembered_in_the_browser(client):
    answer = client.get(reverse("accounts:language", kwargs={"code": "cy"}) + "?next=/cy/")
    cookie = answer.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "cy"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    # Pages outside the public site follow the browser's choice...
    assert html_lang(client.get(reverse("accounts:sign-in"))) == "cy"
    # ...the public site follows its address alone, so cached copies never mix languages.
    assert html_lang(client.get("/published/")) == "en-GB"


def test_the_staff_choice_is_stored_on_the_person_and_followed_on_staff_pages(client):
    user = office_user(policing_body(), Membership.Role.OPCC_DRAFTER)
    client.force_login(user)
    client.get(reverse("accounts:language", kwargs={"code": "cy"}) + "?next=/responses/")
    user.refresh_from_db()
    assert user.language == "cy"
    # Another browser, without the cookie: the person's choice still holds.
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    page = client.get(reverse("responses:dashboard"))
    assert html_lang(page) == "cy"
    # Staff pages are translated now: their content is in Welsh, not marked as English.
    assert '<main class="govuk-main-wrapper" id="main-content">' in page.content.decode()
    assert "<title>Dangosfwrdd" in page.content.decode()
    # Links to the public site from a Welsh page go to its Welsh addresses.
    assert 'href="/cy/published/"' in page.content.decode()


def test_the_switcher_refuses_unknown_languages_and_other_sites(client):
    assert client.get("/accounts/language/fr/").status_code == 404
    answer = client.get("/accounts/language/cy/?next=https://example.org/")
    assert answer["Location"] == "/cy/"


def test_user_set_language_refuses_an_unknown_language():
    user = office_user(policing_body(), Membership.Role.OPCC_DRAFTER)
    with pytest.raises(ValueError):
        user_set_language(user=user, language="fr")
    assert User.objects.get(pk=user.pk).language == ""


def test_the_page_cache_keeps_each_language_apart(client):
    cache.clear()
    assert html_lang(client.get("/statistics/")) == "en-GB"
    welsh = client.get("/cy/statistics/")
    assert welsh["X-Public-Cache"] == "miss"
    assert html_lang(welsh) == "cy"
    english = client.get("/statistics/")
    assert english["X-Public-Cache"] == "hit"
    assert html_lang(english) == "en-GB"
    again = client.get("/cy/statistics/")
    assert again["X-Public-Cache"] == "hit"
    assert html_lang(again) == "cy"


def test_the_proxy_refresh_covers_both_languages():
    response = publish()
    paths = proxy_paths(PublishedResponse.objects.get(response_id=response.pk))
    assert f"/published/{response.pk}/" in paths
    assert f"/cy/published/{response.pk}/" in paths
    assert "/cy/" in paths and "/" in paths


def test_long_dates_are_written_in_the_page_s_language():
    from datetime import date

    from django.utils import translation

    from core.dates import long_date

    with translation.override("cy"):
        assert long_date(date(2020, 3, 2)) == "2 Mawrth 2020"
        assert long_date(date(2020, 3, 2), weekday=True) == "Dydd Llun 2 Mawrth 2020"
    with translation.override("en-gb"):
        assert long_date(date(2020, 3, 2)) == "2 March 2020"
        assert long_date(date(2020, 3, 2), weekday=True) == "Monday 2 March 2020"


def test_a_response_document_stays_in_its_own_language_whoever_renders_it():
    """The frozen HTML and PDF are a record in the language published (English so far), even
    when a person using the Welsh pages causes them to be rendered."""
    from django.utils import translation

    from responses.models import ResponseVersion
    from responses.pdf import document_for_version, render_snapshot

    response = publish()
    version = ResponseVersion.objects.get(response=response, number=1)
    with translation.override("cy"):
        html = render_snapshot(document_for_version(version))
    assert "Ionawr" not in html and "Chwefror" not in html
    assert "January 2020" in html
