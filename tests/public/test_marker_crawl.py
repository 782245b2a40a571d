"""Only what was published is public.

A marker is planted in every field the public must never see: the office's text and explanations
of an amendment in progress, the force's new comments during it, internal notes, the amendment's
reason before it is published, every field of responses that were never published (drafting,
awaiting approval, approved, not required), a late reason, history reasons, staff names, a
report's internal fields, and from the tracker: private progress updates, a public update that a
private correction withdrew, the items' leads and the authors of public updates, and the force's
text that the office has not approved (public updates and a closure proposal waiting for the
office, one the office declined, one it published in its own words, and a correction that would
withdraw approved text), and every text field of a published response whose passages the office
marked as redacted (the office's comments, its reply, the force's comments, an explanation and
the force's comment beside it), public progress updates whose passages the office marked as
redacted (its own, as written and after, and the force's before approving it), and for a body that publishes in Welsh and English the Welsh
versions of all of these (an amendment in progress of a response published in both languages,
and a response never published, written in both), and the email addresses of subscribers to a
body's responses (confirmed, with the notice of a publication sent, and waiting for
confirmation; addresses are stored in lower case, so these are looked for in any case). Then
every public URL is fetched, including the subscriptions' confirm and unsubscribe pages with
their real links, found from the URL resolver (with
every id and slug in the database, published or not), the sitemap, and the links on each page,
and the marker must appear nowhere: pages, feeds, API, CSV, sitemap, PDF files (their text read
with both pypdf and pdftotext), nor in the search index.
"""

import csv
import io
import re
import shutil
import subprocess
from collections import deque
from datetime import date
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse, translate_url
from django.utils import translation

from accounts.models import Membership, PolicingBody
from core.models import OutgoingEmail
from inspections.models import Finding, Report
from public.models import EmailSubscription, PublishedItem, PublishedResponse
from public.services import published_responses_refresh
from public.subscriptions import (
    CONFIRM,
    UNSUBSCRIBE,
    subscription_confirm,
    subscription_request,
    token_for,
)
from responses.models import Response, ResponseVersion
from responses.services import (
    explanation_save,
    redaction_add,
    response_amend,
    response_approve,
    response_invite_force,
    response_mark_not_required,
    response_publish,
    response_record_force_comments,
    response_send_back,
    response_submit_for_approval,
    response_update_text,
)
from tests.conftest import require
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    force_user,
    make_response,
    office_user,
)
from tracking.models import ProgressRedaction, ProgressUpdate, TrackerItem
from tracking.publicity import Decision
from tracking.rag import Status
from tracking.selectors import public_progress_for_response
from tracking.services import (
    closure_propose,
    progress_redaction_add,
    progress_update_add,
    public_proposal_decide,
    tracker_item_create,
    tracker_items_bulk_update,
)

from .conftest import publish, run_on_commit

pytestmark = pytest.mark.django_db

MARKER = "QZXV7731"
#: In the subscribers' email addresses: never on any public page.
SUBSCRIBER = "qzxvsubscriber7731"
#: What a redacted passage is published as (responses/redaction.py).
REDACTED = "[redacted: personal data]"
#: The text of a public progress update: it must appear (the progress section is live).
PUBLIC_PROGRESS = "The crime recording audit is half done."
#: A public progress update with a passage the office redacted: it must appear, redacted.
REDACTED_PROGRESS = "The custody audit was led by %s."
#: The office's words, published in place of the force's: they must appear.
OFFICE_WORDS = "The force has audited the custody records."
STAFF_PREFIXES = (
    "/accounts/",
    "/admin/",
    "/responses/",
    "/reports/",
    "/import/",
    "/reminders/",
    "/tracker/",
)


def marked(label: str) -> str:
    return f"{MARKER} {label} {MARKER}"


def _draft_with_everything(body, *, stop_at: str):
    """A response never published, with a marker in every text field, left at `stop_at`."""
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER, full_name=marked("drafter name"))
    approver = office_user(body, Membership.Role.OPCC_APPROVER, full_name=marked("approver"))
    report = ReportFactory(forces=[body.force], title=marked(f"{stop_at} report title"))
    recommendation = RecommendationFactory(
        report=report, text=marked("unpublished report's recommendation")
    )
    response = make_response(report=report, body=body, acting_user=drafter)
    if stop_at == "not_required":
        return response_mark_not_required(
            response=response, reason=marked("not required reason"), acting_user=drafter
        )
    response = response_invite_force(
        response=response,
        invited_on=date(2020, 1, 7),
        reply_by=date(2020, 1, 20),
        acting_user=drafter,
    )
    response = response_record_force_comments(
        response=response,
        acting_user=drafter,
        text=marked("force comments of an unpublished response"),
        received_on=date(2020, 1, 20),
        author_name=marked("force author"),
        author_role=marked("force role"),
    )
    explanation_save(
        response=response,
        finding=recommendation,
        kind="action_proposed",
        text=marked("explanation of an unpublished response"),
        force_comment=marked("force comment on a recommendation"),
        acting_user=drafter,
    )
    response = response_update_text(
        response=response,
        acting_user=drafter,
        office_comments=marked("office comments of an unpublished response"),
        reply_to_force=marked("reply to force of an unpublished response"),
        internal_notes=marked("internal notes of an unpublished response"),
    )
    if stop_at == "drafting":
        return response
    response = response_submit_for_approval(response=response, acting_user=drafter)
    if stop_at == "sent_back":
        return response_send_back(
            response=response, reason=marked("send back reason"), acting_user=approver
        )
    if stop_at == "awaiting_approval":
        return response
    return response_approve(
        response=response,
        acting_user=approver,
        signatory_name=marked("signatory"),
        signatory_title=marked("signatory title"),
    )


#: Published Welsh text of the bilingual response: it must appear on its Welsh page.
WELSH_PUBLISHED = "Mae'r Comisiynydd yn croesawu'r adroddiad."


def _welsh_published_then_amending(body):
    """A response of a body that publishes in Welsh and English, published in both, then
    amended with a marker in every Welsh (and English) text."""
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    approver = office_user(body, Membership.Role.OPCC_APPROVER)
    report = ReportFactory(forces=[body.force], title="Dyfed-Powys custody inspection")
    finding = RecommendationFactory(report=report)
    response = make_response(report=report, body=body, acting_user=drafter)
    response = response_invite_force(
        response=response,
        invited_on=date(2020, 1, 7),
        reply_by=date(2020, 1, 20),
        acting_user=drafter,
    )
    response = response_record_force_comments(
        response=response,
        acting_user=drafter,
        text="The force accepts the recommendation.",
        text_cy="Mae'r heddlu'n derbyn yr argymhelliad.",
        received_on=date(2020, 1, 20),
    )
    explanation_save(
        response=response,
        finding=finding,
        kind="action_proposed",
        text="The force will publish a plan.",
        text_cy="Bydd yr heddlu'n cyhoeddi cynllun.",
        acting_user=drafter,
    )
    response = response_update_text(
        response=response,
        acting_user=drafter,
        office_comments="The Commissioner welcomes the report.",
        office_comments_cy=WELSH_PUBLISHED,
    )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(
        response=response, acting_user=approver, signatory_name="Dafydd Llywelyn"
    )
    response = run_on_commit(
        response_publish, response=response, published_on=date(2020, 2, 20), acting_user=approver
    )
    response = response_amend(
        response=response,
        reason=marked("amendment reason of a bilingual response"),
        reason_cy=marked("rheswm y diwygiad"),
        acting_user=approver,
    )
    response_record_force_comments(
        response=response,
        acting_user=drafter,
        text=marked("force comments during a bilingual amendment"),
        text_cy=marked("sylwadau'r heddlu yn ystod y diwygiad"),
        received_on=date(2020, 3, 1),
    )
    explanation_save(
        response=response,
        finding=finding,
        kind="no_action",
        text=marked("explanation during a bilingual amendment"),
        text_cy=marked("esboniad yn ystod y diwygiad"),
        force_comment=marked("force comment during a bilingual amendment"),
        force_comment_cy=marked("sylw'r heddlu yn ystod y diwygiad"),
        acting_user=drafter,
    )
    return response_update_text(
        response=response,
        acting_user=drafter,
        office_comments=marked("office comments during a bilingual amendment"),
        office_comments_cy=marked("sylwadau'r swyddfa yn ystod y diwygiad"),
        reply_to_force_cy=marked("ymateb i'r heddlu yn ystod y diwygiad"),
        amendment_reason_cy=marked("rheswm y diwygiad, wedi'i newid"),
    )


def _welsh_draft(body):
    """A bilingual body's response never published, with a marker in every Welsh text."""
    response = _draft_with_everything(body, stop_at="drafting")
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    finding = response.report.findings.recommendations().first()
    explanation_save(
        response=response,
        finding=finding,
        kind="action_proposed",
        text_cy=marked("esboniad ymateb heb ei gyhoeddi"),
        force_comment_cy=marked("sylw'r heddlu ar ymateb heb ei gyhoeddi"),
        acting_user=drafter,
    )
    return response_update_text(
        response=response,
        acting_user=drafter,
        office_comments_cy=marked("sylwadau ymateb heb ei gyhoeddi"),
        reply_to_force_cy=marked("ymateb i'r heddlu heb ei gyhoeddi"),
        one_language={"force_comments": marked("rheswm un iaith")},
    )


@pytest.fixture
def planted():
    norfolk = PolicingBody.objects.select_related("force").get(slug="norfolk-pcc")
    suffolk = PolicingBody.objects.select_related("force").get(slug="suffolk-pcc")

    # Subscribers to Norfolk's responses: one confirmed before its publications (so it is sent
    # their notices), one still waiting for confirmation.
    for state in ("confirmed", "waiting"):
        run_on_commit(
            subscription_request,
            policing_body=norfolk,
            email=f"{SUBSCRIBER}.{state}@example.org",
            language="en-gb",
        )
    confirmed = EmailSubscription.objects.get(email=f"{SUBSCRIBER}.confirmed@example.org")
    subscription_confirm(reference=confirmed.reference, token=token_for(confirmed, CONFIRM))

    # A: published, then an amendment in progress with new text everywhere.
    amending = publish(
        body=norfolk, title="Custody inspection", office_comments="Published A text."
    )
    drafter = amending.drafter
    response_update_text(
        response=amending,
        acting_user=drafter,
        internal_notes=marked("internal notes while published"),
    )
    amending = response_amend(
        response=amending, reason=marked("amendment reason"), acting_user=amending.approver
    )
    response_record_force_comments(
        response=amending,
        acting_user=drafter,
        text=marked("force comments during amendment"),
        received_on=date(2020, 3, 1),
        author_name=marked("new force author"),
        author_role=marked("new force role"),
    )
    finding = Finding.objects.filter(report=amending.report_id, kind="recommendation").first()
    explanation_save(
        response=amending,
        finding=finding,
        kind="no_action",
        text=marked("explanation during amendment"),
        force_comment=marked("force comment during amendment"),
        acting_user=drafter,
    )
    response_update_text(
        response=amending,
        acting_user=drafter,
        office_comments=marked("office comments during amendment"),
        reply_to_force=marked("reply during amendment"),
        internal_notes=marked("internal notes during amendment"),
    )
    # Its frozen snapshot is not stored yet: the page must rebuild the published version.
    ResponseVersion.objects.filter(response=amending).update(html_snapshot="", html_sha256="")
    Report.objects.filter(pk=amending.report_id).update(summary=marked("report summary"))

    # B: published late, with the reason for lateness (kept for the office).
    late = publish(
        body=suffolk,
        title="Late inspection",
        published_on=date(2020, 3, 10),
        late_reason=marked("late reason"),
    )
    response_update_text(
        response=late, acting_user=late.drafter, internal_notes=marked("internal notes of late")
    )

    # The tracker: A's items, with leads, a public update, private ones and a withdrawn one.
    _track_with_everything(amending)

    # C..G: never published, at every stage.
    for stop_at in ("drafting", "sent_back", "awaiting_approval", "approved", "not_required"):
        draft = _draft_with_everything(
            suffolk if stop_at == "approved" else norfolk, stop_at=stop_at
        )
        if stop_at == "drafting":
            # Tracked before its response is published: even its public updates stay private.
            tracked = tracker_item_create(
                finding=draft.report.findings.first(),
                policing_body=norfolk,
                acting_user=drafter,
            )
            progress_update_add(
                item=tracked,
                acting_user=drafter,
                text=marked("public update on an unpublished response's item"),
                is_public=True,
            )

    # H: published with a redacted passage in every text field.
    redacted = _published_with_redactions(norfolk)

    # I, J: a body that publishes in Welsh and English: published in both, then amending; and
    # never published, written in both.
    dyfed_powys = PolicingBody.objects.select_related("force").get(slug="dyfed-powys-pcc")
    welsh = _welsh_published_then_amending(dyfed_powys)
    _welsh_draft(dyfed_powys)

    # The command that repairs the public copies runs during the amendment.
    published_responses_refresh(
        response_ids=Response.objects.published().values_list("pk", flat=True)
    )
    return {"amending": amending, "late": late, "redacted": redacted, "welsh": welsh}


def _published_with_redactions(body):
    """A response published with a marker in a passage of every text field that will be
    published, each passage marked as redacted before approval."""
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    approver = office_user(body, Membership.Role.OPCC_APPROVER)
    report = ReportFactory(forces=[body.force], title="Redacted inspection")
    recommendation = RecommendationFactory(report=report, text="Improve the custody records.")
    response = make_response(report=report, body=body, acting_user=drafter)
    response = response_invite_force(
        response=response,
        invited_on=date(2020, 1, 7),
        reply_by=date(2020, 1, 20),
        acting_user=drafter,
    )
    texts = {
        "force_comments": f"The force thanks {marked('redacted in force comments')} for help.",
        "office_comments": f"We met {marked('redacted in office comments')} in custody.",
        "reply_to_force": f"We thank {marked('redacted in the reply')} too.",
        "explanation": f"Reviewed with {marked('redacted in an explanation')}.",
        "force_comment": f"Agreed with {marked('redacted in a force comment')}.",
    }
    response = response_record_force_comments(
        response=response,
        acting_user=drafter,
        text=texts["force_comments"],
        received_on=date(2020, 1, 20),
        author_name="A Chief",
        author_role="Chief Constable",
    )
    explanation_save(
        response=response,
        finding=recommendation,
        kind="action_proposed",
        text=texts["explanation"],
        force_comment=texts["force_comment"],
        acting_user=drafter,
    )
    response = response_update_text(
        response=response,
        acting_user=drafter,
        office_comments=texts["office_comments"],
        reply_to_force=texts["reply_to_force"],
    )
    fields = {
        "force_comments": "force_comments",
        "office_comments": "office_comments",
        "reply_to_force": "reply_to_force",
        "explanation": f"explanation:{recommendation.pk}",
        "force_comment": f"force_comment:{recommendation.pk}",
    }
    for name, field in fields.items():
        passage = re.search(rf"{MARKER} .*? {MARKER}", texts[name]).group(0)
        redaction_add(
            response=response,
            field=field,
            passage=passage,
            reason="personal_data",
            acting_user=drafter,
        )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(
        response=response, acting_user=approver, signatory_name="Giles Orpen-Smellie"
    )
    return run_on_commit(
        response_publish, response=response, published_on=date(2020, 2, 20), acting_user=approver
    )


def _track_with_everything(response) -> None:
    """Leads, private updates, a public update, and a public update withdrawn by a private
    correction on a published response's tracker items, each written by someone whose name
    carries the marker."""
    body = response.policing_body
    office_lead = office_user(body, Membership.Role.OPCC_DRAFTER, full_name=marked("office lead"))
    force_lead = force_user(body.force, full_name=marked("force lead"))
    items = list(
        TrackerItem.objects.filter(policing_body=body, finding__report=response.report).order_by(
            "finding__position", "finding_id"
        )
    )
    assert items, "publishing the response tracks its recommendations"
    tracker_items_bulk_update(
        items=items,
        acting_user=office_lead,
        office_lead=office_lead,
        force_lead=force_lead,
        area=marked("area"),
    )
    item = items[0]

    def approve(update, decision=Decision.APPROVED, **kwargs):
        public_proposal_decide(
            proposal=update.public_proposal, acting_user=office_lead, decision=decision, **kwargs
        )

    # The force's change of status and public text, each approved by the office.
    approve(
        progress_update_add(
            item=item,
            acting_user=force_lead,
            text=marked("private progress update"),
            date=date(2020, 3, 1),
            status=Status.IN_PROGRESS,
        )
    )
    approved = progress_update_add(
        item=item,
        acting_user=force_lead,
        text=PUBLIC_PROGRESS,
        date=date(2020, 3, 2),
        is_public=True,
    )
    approve(approved)
    # The force's text the office has not approved: none of it is public.
    progress_update_add(
        item=item,
        acting_user=force_lead,
        text=marked("force public text waiting for the office"),
        date=date(2020, 3, 2),
        is_public=True,
    )
    progress_update_add(
        item=item,
        acting_user=force_lead,
        text=marked("force correction waiting for the office"),
        date=date(2020, 3, 2),
        is_public=True,
        corrects=approved,
    )
    approve(
        progress_update_add(
            item=item,
            acting_user=force_lead,
            text=marked("force text the office declined"),
            date=date(2020, 3, 2),
            is_public=True,
        ),
        Decision.DECLINED,
        reason=marked("reason for declining"),
    )
    approve(
        progress_update_add(
            item=item,
            acting_user=force_lead,
            text=marked("force text the office put in its own words"),
            date=date(2020, 3, 2),
            is_public=True,
        ),
        Decision.EDITED,
        text=OFFICE_WORDS,
    )
    assert len(items) > 1
    closure_propose(
        item=items[1],
        acting_user=force_lead,
        text=marked("force closure proposal marked public"),
        date=date(2020, 3, 2),
        is_public=True,
    )
    # Public updates with a redacted passage: the office's own, redacted as it was written and
    # after; and the force's, redacted by the office before approving it.
    progress_update_add(
        item=item,
        acting_user=office_lead,
        text=REDACTED_PROGRESS % marked("redacted as the office wrote it"),
        date=date(2020, 3, 2),
        is_public=True,
        redactions=[
            {"passage": marked("redacted as the office wrote it"), "reason": "personal_data"}
        ],
    )
    redacted_later = progress_update_add(
        item=item,
        acting_user=office_lead,
        text=REDACTED_PROGRESS % marked("redacted after it was public"),
        date=date(2020, 3, 2),
        is_public=True,
    )
    progress_redaction_add(
        update=redacted_later,
        passage=marked("redacted after it was public"),
        reason="personal_data",
        acting_user=office_lead,
    )
    forces = progress_update_add(
        item=item,
        acting_user=force_lead,
        text=REDACTED_PROGRESS % marked("the force's, redacted before approval"),
        date=date(2020, 3, 2),
        is_public=True,
    )
    progress_redaction_add(
        update=forces,
        passage=marked("the force's, redacted before approval"),
        reason="personal_data",
        acting_user=office_lead,
    )
    approve(forces)
    withdrawn = progress_update_add(
        item=item,
        acting_user=office_lead,
        text=marked("public update later corrected"),
        date=date(2020, 3, 3),
        is_public=True,
    )
    progress_update_add(
        item=item,
        acting_user=office_lead,
        text=marked("private correction"),
        date=date(2020, 3, 4),
        corrects=withdrawn,
    )


def public_resolver() -> URLResolver:
    """The public site's URL resolver, inside the language prefix (config/urls.py)."""

    def find(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "public":
                    return p
                if (found := find(p.url_patterns)) is not None:
                    return found
        return None

    return find(get_resolver().url_patterns)


def _seed_urls() -> list[str]:
    """Every public URL pattern, with every id and slug in the database (published or not)."""
    ids = {
        "api-report-detail": list(Report.objects.values_list("pk", flat=True)),
        "api-recommendation-detail": list(Finding.objects.values_list("pk", flat=True)),
        "api-response-detail": list(Response.objects.values_list("pk", flat=True)),
        "response": list(Response.objects.values_list("pk", flat=True)),
        "report": list(Report.objects.values_list("pk", flat=True)),
    }
    slugs = list(PolicingBody.objects.values_list("slug", flat=True))
    urls = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix)
                continue
            assert isinstance(pattern, URLPattern)
            if not pattern.name:
                continue
            name = f"public:{pattern.name}"
            converters = set(pattern.pattern.converters) | set(
                re.findall(r"\(\?P<(\w+)>", str(pattern.pattern))
            )
            if not converters:
                urls.append(reverse(name))
            elif converters == {"reference", "token"}:
                purpose = CONFIRM if pattern.name == "subscription-confirm" else UNSUBSCRIBE
                urls.extend(
                    reverse(
                        name,
                        kwargs={
                            "reference": subscription.reference,
                            "token": token_for(subscription, purpose),
                        },
                    )
                    for subscription in EmailSubscription.objects.all()
                )
            elif converters == {"slug"}:
                urls.extend(reverse(name, kwargs={"slug": slug}) for slug in slugs)
            elif converters == {"format"}:
                urls.append(reverse(name, kwargs={"format": "json"}))
            else:
                key = "pk" if "pk" in converters else "id"
                for value in ids[pattern.name.removesuffix(".format")]:
                    kwargs = {key: value}
                    if "format" in converters:
                        kwargs["format"] = "json"
                    urls.append(reverse(name, kwargs=kwargs))

    walk(public_resolver().url_patterns)
    offices = list(PolicingBody.objects.values_list("slug", flat=True))
    urls += [reverse("public:response-list") + f"?office={slug}" for slug in offices[:10]]
    urls += [
        reverse("public:statistics") + "?year=2020",
        reverse("public:response-list") + "?year=2020",
    ]
    urls += [reverse("public:api-response-list") + "?page_size=200"]
    urls += [reverse("public:api-recommendation-list") + "?page_size=200"]
    # The register, its CSV and API with every status and a search for the marker, and the
    # statistics API per office.
    for name in ("public:register", "public:register-csv", "public:api-register-list"):
        size = "&page_size=200" if name.startswith("public:api") else ""
        # The page repeats its search in the search box, so it searches the marked words.
        query = "unpublished" if name == "public:register" else MARKER
        urls += [reverse(name) + f"?q={query}{size}", reverse(name) + f"?overdue=true{size}"]
        urls += [reverse(name) + f"?status={status}{size}" for status in Status.values]
        urls += [reverse(name) + f"?office={slug}{size}" for slug in offices[:10]]
    urls += [reverse("public:api-statistics") + f"?office={slug}" for slug in offices[:10]]
    # The same pages in Welsh (/cy/...): a second copy of everything the public can read.
    return urls + [translate_url(url, "cy") for url in urls]


def _body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
        return text + "\n" + _pdftotext(content)
    return content.decode("utf-8", errors="replace")


def _pdftotext(content: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (a second reader: a passage one reader
    misses in a tagged PDF, the other may not)."""
    pdftotext = shutil.which("pdftotext")
    require(pdftotext is not None, "pdftotext (poppler-utils) is not installed")
    return subprocess.run(  # noqa: S603 - our own PDF bytes on stdin, a fixed command
        [pdftotext, "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode("utf-8", errors="replace")


def _links(text: str) -> list[str]:
    found = re.findall(r'(?:href|src)="([^"]+)"', text) + re.findall(r"<loc>([^<]+)</loc>", text)
    found += re.findall(r'"(http://testserver/[^"]+)"', text)  # API and feed links
    links = []
    for link in found:
        link = urldefrag(link.replace("&amp;", "&"))[0]
        parts = urlsplit(link)
        if parts.scheme in ("http", "https") and parts.netloc != "testserver":
            continue
        if parts.scheme not in ("", "http", "https") or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(STAFF_PREFIXES) or parts.path.startswith("/static/"):
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def test_no_unpublished_text_appears_on_any_public_url(client, planted):
    # The marker really is in the database, in the fields that matter.
    amending = Response.objects.get(pk=planted["amending"].pk)
    assert MARKER in amending.office_comments and MARKER in amending.force_comments
    assert MARKER in amending.explanations.get(kind="no_action").text
    assert Response.objects.filter(not_required_reason__contains=MARKER).exists()
    assert Response.objects.filter(late_reason__contains=MARKER).exists()
    assert Response.history.filter(history_change_reason__contains=MARKER).exists()
    assert ProgressUpdate.objects.filter(text__contains=MARKER, is_public=False).exists()
    assert ProgressUpdate.objects.filter(text__contains=MARKER, is_public=True).exists()
    assert TrackerItem.objects.filter(office_lead__full_name__contains=MARKER).exists()
    # The force's unapproved text is there, marked public: waiting, declined or reworded.
    unapproved = ProgressUpdate.objects.filter(
        text__contains=MARKER, is_public=True, by_force=True, redactions=None
    )
    assert set(unapproved.values_list("public_proposal__decision", flat=True)) == {
        Decision.PENDING,
        Decision.DECLINED,
        Decision.EDITED,
    }
    assert unapproved.filter(kind=ProgressUpdate.Kind.CLOSURE_PROPOSED).exists()
    # Public updates, the office's and an approved one of the force's, with a redacted passage.
    redacted_updates = ProgressRedaction.objects.filter(passage__contains=MARKER)
    assert redacted_updates.count() == 3
    assert all(r.update.is_public and MARKER in r.update.text for r in redacted_updates)
    assert redacted_updates.filter(update__public_proposal__decision=Decision.APPROVED).exists()

    queue = deque(_seed_urls())
    seen: set[str] = set()
    statuses: dict[str, int] = {}
    leaks = []
    while queue and len(seen) < 2000:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        text = _body_text(response)
        if MARKER in text or SUBSCRIBER in text.lower():
            leaks.append(url)
        if response.status_code == 200:
            queue.extend(link for link in _links(text) if link not in seen)

    assert leaks == []
    # The last page fetched may have been a Welsh one, which leaves Welsh active in this
    # thread: the English addresses below are reversed in English.
    translation.activate("en-gb")
    # The crawl really reached the public content (it cannot pass by fetching nothing).
    amending_page = reverse("public:response", args=[amending.pk])
    assert statuses[amending_page] == 200
    amending_html = client.get(amending_page).content.decode()
    assert "Published A text." in amending_html
    # The tracker's public progress is on the page: what is private is absent, not switched off.
    assert PUBLIC_PROGRESS in amending_html
    assert OFFICE_WORDS in amending_html
    # The public updates with a redacted passage are there, with the marker in its place.
    assert amending_html.count(REDACTED_PROGRESS % REDACTED) == 3
    assert "In progress</strong>" in amending_html
    assert statuses[reverse("public:api-response-detail", args=[amending.pk])] == 200
    assert statuses[reverse("public:response", args=[planted["late"].pk])] == 200
    # The redacted response is public, with the marker in place of every redacted passage.
    redacted = planted["redacted"]
    redacted_html = client.get(reverse("public:response", args=[redacted.pk])).content.decode()
    assert redacted_html.count(REDACTED) == 5
    assert (
        client.get(reverse("public:api-response-detail", args=[redacted.pk]))
        .content.decode()
        .count(REDACTED)
        == 5
    )
    pdf = client.get(reverse("pdf:version", args=[redacted.pk, 1]))
    assert statuses.get(reverse("pdf:version", args=[redacted.pk, 1])) == 200
    assert REDACTED in _body_text(pdf).replace("\n", " ")
    for url in (
        "/",
        "/published/",
        "/statistics/",
        "/feeds/responses.atom",
        "/sitemap.xml",
        "/recommendations/",
        "/recommendations.csv",
        "/api/register/",
        "/api/statistics/",
    ):
        assert statuses[url] == 200, url
    # The bilingual response: its Welsh page and Welsh PDF show what was published in Welsh.
    welsh = Response.objects.get(pk=planted["welsh"].pk)
    assert MARKER in welsh.office_comments_cy and MARKER in welsh.amendment_reason_cy
    assert Response.objects.filter(office_comments_cy__contains=MARKER, published_on=None).exists()
    welsh_page = translate_url(reverse("public:response", args=[welsh.pk]), "cy")
    assert statuses[welsh_page] == 200
    assert "Comisiynydd yn croesawu" in client.get(welsh_page).content.decode()
    assert statuses[reverse("pdf:version-cy", args=[welsh.pk, 1])] == 200
    assert statuses[reverse("public:report", args=[amending.report_id])] == 200
    unpublished = Response.objects.exclude(pk__in=PublishedResponse.objects.values("response_id"))
    assert unpublished.count() == 6
    for response in unpublished:
        assert statuses[reverse("public:response", args=[response.pk])] == 404
        if not PublishedResponse.objects.filter(report_id=response.report_id).exists():
            assert statuses[reverse("public:report", args=[response.report_id])] == 404
        assert statuses[reverse("public:api-response-detail", args=[response.pk])] == 404
    # The subscriptions' pages were reached with their real links (and showed no address).
    assert OutgoingEmail.objects.filter(
        kind="subscription_notice", to__contains=SUBSCRIBER
    ).exists()
    for subscription in EmailSubscription.objects.all():
        for name, purpose in (("subscription-confirm", CONFIRM), ("unsubscribe", UNSUBSCRIBE)):
            kwargs = {
                "reference": subscription.reference,
                "token": token_for(subscription, purpose),
            }
            assert statuses[reverse(f"public:{name}", kwargs=kwargs)] == 200
    assert statuses[reverse("public:subscribe", args=["norfolk-pcc"])] == 200
    assert len(seen) > 100


def test_searching_for_unpublished_text_finds_nothing(client, planted):
    words = ["QZXV7731", "amendment", "unpublished", "internal"]
    for word in words:
        page = client.get(reverse("public:response-list"), {"q": word}).content.decode()
        api = client.get(reverse("public:api-response-list"), {"q": word}).json()
        csv_body = b"".join(
            client.get(reverse("public:response-list-csv"), {"q": word}).streaming_content
        ).decode("utf-8-sig")
        assert "0 published responses found" in page, word
        assert api["count"] == 0, word
        assert csv_body.count("\n") == 1, word  # the header only


def test_the_search_index_holds_no_redacted_passage(planted):
    """The stored search text and, on PostgreSQL, the search vector of the redacted response
    hold none of its redacted passages (the public copy is built redacted)."""
    record = PublishedResponse.objects.get(response=planted["redacted"])
    assert "Reviewed with [redacted: personal data]." in record.response_text
    assert MARKER not in record.response_text + record.summary + record.office_comments
    from django.db import connection

    if connection.vendor == "postgresql":
        vector = PublishedResponse.objects.raw(
            "SELECT id, search_vector::text AS words FROM public_publishedresponse WHERE id = %s",
            [record.pk],
        )[0].words
        assert "redact" in vector
        assert MARKER.lower() not in vector


def test_the_registers_search_index_holds_no_redacted_passage(planted):
    """The register's rows of the redacted response, and on PostgreSQL their search vectors,
    hold none of its redacted passages."""
    from django.db import connection

    items = PublishedItem.objects.filter(record__response=planted["redacted"])
    assert items.exists()
    assert not any(MARKER in item.text + item.explanation for item in items)
    if connection.vendor == "postgresql":
        words = " ".join(
            row.words
            for row in PublishedItem.objects.raw(
                "SELECT id, search_vector::text AS words FROM public_publisheditem "
                "WHERE response_id = %s",
                [planted["redacted"].pk],
            )
        )
        assert words and MARKER.lower() not in words


def test_the_register_shows_only_the_progress_the_office_published(client, planted):
    """The force's status changes and texts waiting for the office, declined, or withdrawn by a
    correction are on the staff tracker; the register, its CSV and API show the status and the
    latest public update date the office published, and nothing of unpublished responses."""
    amending = planted["amending"]
    staff_statuses = set(
        TrackerItem.objects.filter(
            policing_body=amending.policing_body, finding__report=amending.report
        ).values_list("status", flat=True)
    )
    # The force's closure proposal is waiting: the staff see "pending sign-off".
    assert Status.PENDING_SIGN_OFF in staff_statuses
    public = public_progress_for_response(amending.public_record)
    rows = client.get(reverse("public:api-register-list"), {"page_size": 200}).json()["results"]
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get(reverse("public:register-csv")).streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    published = set(PublishedResponse.objects.values_list("response_id", flat=True))
    assert {r["response_id"] for r in rows} == published
    assert {int(r["response_id"]) for r in csv_rows} == published
    mine = [r for r in rows if r["response_id"] == amending.pk]
    assert {r["finding_id"]: r["public_status"] for r in mine} == {
        finding_id: progress["status"] for finding_id, progress in public.items()
    }
    assert Status.PENDING_SIGN_OFF not in {r["public_status"] for r in rows}
    assert Status.PENDING_SIGN_OFF not in {r["public_status"] for r in csv_rows}
    # The latest public update is the office's words of 2 March, not the update of 3 March a
    # private correction withdrew, nor the private correction of 4 March.
    latest = {r["last_public_update_on"] for r in mine} - {None}
    assert latest == {"2020-03-02"}
    page = client.get(reverse("public:register"), {"office": "norfolk-pcc"}).content.decode()
    # The status tags of the rows (the filter's options name every status).
    assert "Pending sign-off</strong>" not in page and "In progress</strong>" in page
    assert (
        client.get(reverse("public:api-register-list"), {"status": "pending_sign_off"}).json()[
            "count"
        ]
        == 0
    )
