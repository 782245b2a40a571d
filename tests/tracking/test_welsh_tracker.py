"""The tracker in the reader's language: the list's day counts in each language's plural forms,
and the history reasons the tracker's services write shown in Welsh to a Welsh reader."""

from datetime import timedelta

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_set_language
from tests.public.test_welsh_pages import interface_text
from tracking.services import progress_update_add

pytestmark = pytest.mark.django_db

WELSH = f"{settings.BASE_DIR}/locale/cy/LC_MESSAGES/django.po"


def _page(client, user, name, *args, language="cy") -> str:
    user_set_language(user=user, language=language)
    client.force_login(user)
    page = client.get(reverse(f"tracking:{name}", args=args))
    assert page.status_code == 200
    return interface_text(page.content.decode())


def test_the_lists_day_count_is_a_plural_message_with_every_welsh_form():
    catalogue = polib.pofile(WELSH)
    nplurals = int(catalogue.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    entry = catalogue.find("%(n)s day ago")
    assert entry is not None and entry.msgid_plural == "%(n)s days ago"
    assert sorted(entry.msgstr_plural) == list(range(nplurals))
    assert all("diwrnod yn ôl" in form for form in entry.msgstr_plural.values())


@pytest.mark.parametrize(
    ("days", "english", "welsh"),
    [
        (1, "yesterday", "ddoe"),
        (2, "2 days ago", "2 diwrnod yn ôl"),
        (8, "8 days ago", "8 diwrnod yn ôl"),
    ],
)
def test_the_list_says_how_long_ago_the_last_update_was_in_each_language(
    client, item, drafter, days, english, welsh
):
    progress_update_add(
        item=item,
        acting_user=drafter,
        text="Audit started.",
        date=timezone.localdate() - timedelta(days=days),
    )
    assert english in _page(client, drafter, "item-list", language="en-gb")
    assert welsh in _page(client, drafter, "item-list")
