"""A person in two offices never sees the other office's work while acting for one.

The isolation crawl's markers are planted in Norfolk's records (tests/test_isolation_crawl.py);
a regional analyst who is admin in both Norfolk's and Suffolk's offices chooses Suffolk in the
header. Every staff URL, with Norfolk's ids in it, is then requested: no marker may appear, and
POSTing a plausible form to any of them writes nothing. Switching back to Norfolk, the same
person sees both markers, so the crawl reads pages that hold them.
"""

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.factories import MembershipFactory, force_user, office_user, policing_body
from tests.test_isolation_crawl import (
    BOOKKEEPING_BY_URL,
    LEAK,
    MARKER,
    OFFICE_ONLY,
    addresses,
    argument_kind,
    current_versions,
    greedy_form,
    marked,
    plant_norfolk,
    signed_in,
    staff_urls,
    visit,
    writes_during_post,
)

pytestmark = pytest.mark.django_db


def test_acting_for_one_office_shows_nothing_of_the_other(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    norfolk, suffolk = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")
    Role = Membership.Role
    owner = office_user(norfolk, Role.OPCC_ADMIN, username="n-admin", full_name=marked("admin"))
    drafter = office_user(norfolk, Role.OPCC_DRAFTER, username="n-drafter", full_name=marked("d"))
    approver = office_user(
        norfolk, Role.OPCC_APPROVER, username="n-approver", full_name=marked("approver")
    )
    values = plant_norfolk(
        drafter=drafter,
        approver=approver,
        admin=owner,
        force_contributor=force_user(norfolk.force, username="n-force"),
    )
    analyst = office_user(suffolk, Role.OPCC_ADMIN, username="analyst", full_name="Ana Lyst")
    MembershipFactory(user=analyst, role=Role.OPCC_ADMIN, policing_body=norfolk)

    urls = []
    for url in staff_urls():
        url.kinds = {argument: argument_kind(url, argument) for argument in url.arguments}
        # A URL the crawl cannot fill is named by tests/test_isolation_crawl.py.
        if all(values.get(kind) for kind in url.kinds.values()):
            urls.append(url)
    assert len(urls) > 60
    client = signed_in(analyst)
    assert client.post(reverse("accounts:office-switch"), {"office": suffolk.pk}).status_code == 302

    problems = []
    form = greedy_form(values)
    for url in urls:
        for address, objects in addresses(url, values):
            result = visit(client, address)
            if result.status >= 500:
                problems.append(f"{address}: {result.status}")
            leaked = [LEAK[m] for m in (MARKER, OFFICE_ONLY) if m in result.text]
            if leaked:
                problems.append(f"{address} acting for Suffolk ({result.status}) shows {leaked}")
            if url.arguments:
                data = form | current_versions(objects)
                allowed = BOOKKEEPING_BY_URL.get(url.name, ())
                status, wrote = writes_during_post(client, address, data, allowed=allowed)
                if status >= 500 or wrote:
                    problems.append(f"POST {address} acting for Suffolk: {status}, wrote {wrote}")
    assert not problems, "\n".join(problems)

    # Acting for Norfolk, the same person reaches the marked records: the crawl can fail.
    assert client.post(reverse("accounts:office-switch"), {"office": norfolk.pk}).status_code == 302
    seen = set()
    for url in urls:
        for address, _ in addresses(url, values):
            text = visit(client, address).text
            seen |= {m for m in (MARKER, OFFICE_ONLY) if m in text}
        if seen == {MARKER, OFFICE_ONLY}:
            break
    assert seen == {MARKER, OFFICE_ONLY}
