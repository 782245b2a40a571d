"""What one office keeps to itself never reaches another office, another force, or (for what is
the office's alone) its own force.

A marker is planted in every text field of the Norfolk office's records: an open response (the
force's comments, the office's comments, the reply to the force, each explanation, the force's
comment on it), a published response under amendment (the same again, and the amendment's
reason), the tracker (private progress updates, the closure proposal, an evidence file's name,
the leads' area, the force's proposed public text), the reminders (a failed send's error), the
office's outbox (a failed email's subject, words and error; a failed piece of follow-up work),
its Police and Crime Plan priorities,
and the names of its people (another
organisation sees them as their office, docs/security.md). A second marker goes in what is the
office's alone, which even Norfolk's own force must not see: internal notes, an import draft,
the panel packs' titles (one made before packs held only what the public reads), the reminders
and the outbox.

Then every URL of the staff application, found from the URL resolver (with those outside any
namespace, such as the offices' logos), is requested with the ids
of Norfolk's objects in it: as a Suffolk drafter, approver and admin, as a Suffolk Constabulary
contributor (another force), as national read-only staff (Norfolk has not opted in to share its
open work), and as a Norfolk Constabulary contributor (who may see the shared work but not the
office-only marker). A marker anywhere in a body (pages, CSV, the cells of an
XLSX, the text of a PDF or a Word document, a calendar) or in a header (a download's file name) fails the test, and
so does any 5xx. Each other organisation also POSTs a form full of plausible fields to every
address that names Norfolk's objects, and must write nothing (the SQL it runs is watched).

New URLs join by themselves: each URL argument is filled from the kind of object it names, found
from the argument's name or the path segment before it (`/tracker/evidence/<pk>/` is evidence);
an argument the crawl cannot fill fails the test, naming it. So that a URL cannot pass by
pointing at nothing, Norfolk's own admin must reach every URL (anything but 404) and must see
both markers somewhere, including inside a download.

Left out, with the reason: the Django admin (`admin:`), which only superusers reach
(`config/urls.py`; tests/accounts/test_admin_site.py), the public site (`public:`), which is
public by design and has its own marker crawl (tests/public/test_marker_crawl.py), and the health
check, which reads no one's records and answers 503 when a service it checks is down.
"""

import io
import itertools
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership
from responses.models import Explanation, Status
from tests.factories import (
    AfiFactory,
    RecommendationFactory,
    ReportFactory,
    force_user,
    make_response,
    national_user,
    office_user,
    policing_body,
)

pytestmark = pytest.mark.django_db

#: In everything of Norfolk's that another office or another force must never see.
MARKER = "QJISOLATE5513"
#: In what is Norfolk's office's alone: not even Norfolk's own force sees it.
OFFICE_ONLY = "QJOFFICEONLY2208"
LEAK = {MARKER: "Norfolk's text", OFFICE_ONLY: "Norfolk's office-only text"}

#: Namespaces and URLs left out, with the reason (see the module docstring).
NOT_CRAWLED = {
    "admin": "the Django admin is for superusers only",
    "public": "public by design; tests/public/test_marker_crawl.py checks it",
    "healthz": "reads no one's records, and answers 503 by design when a service it checks is down",
}

#: The kind of object a URL argument names, by the argument's name...
KIND_BY_ARGUMENT = {
    "finding_pk": "finding",
    "item_id": "draft_item",
    "entry_id": "draft_entry",
    "action": "draft_action",
    "number": "version",
    "section": "report_section",
    "uidb64": "reset_uid",
    "code": "language",
    "redaction_pk": "redaction",
    "update_pk": "update",
}
#: ...or else by the path segment before it (`pk` and `token` say nothing by themselves).
KIND_BY_SEGMENT = {
    "users": "membership",
    "reports": "report",
    "import": "draft",
    "responses": "response",
    "tracker": "item",
    "evidence": "evidence",
    "packs": "pack",
    "reminders": "reminder",
    "calendar": "calendar_token",
    "<uidb64>": "reset_token",
    "logos": "logo",
    "closure": "closure_proposal",
    "proposals": "public_proposal",
    "invitations": "invitation",
    "invitation": "invitation_token",
    "emails": "outgoing_email",
    "work": "event_delivery",
    "report": "report",
    "corrections": "correction",
    "priorities": "plan_priority",
}
#: Staff-namespace URLs that answer 404 for every one of Norfolk's objects by design (each
#: is still fetched by everyone and checked for leaks): Norfolk publishes in English only, so
#: its versions have no Welsh document (docs/decisions/0012-bilingual-documents.md).
NOT_FOUND_FOR_NORFOLK = {"pdf:version-cy"}
#: Query parameters that carry an object's id into a page, per URL name.
QUERY_KINDS = {
    "tracking:bulk-change": {"items": "item"},
    "tracking:update-add": {"corrects": "update"},
    "tracking:item-list": {"report": "report"},
    "tracking:export-csv": {"report": "report"},
    "tracking:export-xlsx": {"report": "report"},
}


def marked(label: str, marker: str = MARKER) -> str:
    return f"{marker} {label} {marker}"


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- Norfolk's records, marked ----------------------------------------------------------------


def _explain_everything(response, findings, *, acting_user, label: str) -> None:
    from responses.services import explanation_save

    for finding in findings:
        explanation_save(
            response=response,
            finding=finding,
            acting_user=acting_user,
            kind=Explanation.Kind.ACTION_PROPOSED,
            text=marked(f"{label} explanation"),
            force_comment=marked(f"{label} force comment on a finding"),
        )


def plant_norfolk(*, drafter, approver, admin, force_contributor) -> dict[str, list]:
    """Norfolk's records with the markers in them; returns the values of each kind of URL
    argument (every id or slug of Norfolk's of that kind)."""
    from accounts.invitation_emails import invitation_token
    from accounts.invitations import invitation_create
    from accounts.services import plan_priority_create, policing_body_update_branding
    from core.models import DeliveryStatus, EmailStatus, EventDelivery, OutgoingEmail
    from reminders.models import Reminder, ReminderRule
    from reminders.services import calendar_token_create
    from responses.corrections import report_correction_propose
    from responses.importer.services import import_draft_create
    from responses.services import (
        explanation_save,
        response_amend,
        response_approve,
        response_invite_force,
        response_publish,
        response_record_force_comments,
        response_submit_for_approval,
        response_update_text,
    )
    from tracking import packs
    from tracking.models import PanelPack
    from tracking.services import (
        closure_propose,
        panel_pack_create,
        progress_update_add,
        tracker_item_create,
        tracker_items_bulk_update,
    )

    body = policing_body("norfolk-pcc")
    today = timezone.localdate()

    def written(response, label: str, *, force_comments: bool = True):
        if force_comments:
            response = response_record_force_comments(
                response=response,
                acting_user=drafter,
                text=marked(f"{label} force comments"),
                received_on=response.force_invited_on,
                author_name="A Chief",
                author_role="Chief Constable",
            )
        return response_update_text(
            response=response,
            acting_user=drafter,
            office_comments=marked(f"{label} office comments"),
            reply_to_force=marked(f"{label} reply to the force"),
            internal_notes=marked(f"{label} internal notes", OFFICE_ONLY),
        )

    # An open response, the force's comments in, the office drafting.
    report = ReportFactory(published_on=today - timedelta(days=20), forces=[body.force])
    findings = [RecommendationFactory(report=report), AfiFactory(report=report)]
    open_response = make_response(report=report, body=body, acting_user=drafter)
    open_response = response_invite_force(
        response=open_response,
        invited_on=report.published_on + timedelta(days=1),
        reply_by=today + timedelta(days=7),
        acting_user=drafter,
    )
    open_response = written(open_response, "open response")
    _explain_everything(open_response, findings, acting_user=drafter, label="open response")
    from responses.services import redaction_add

    redaction = redaction_add(
        response=open_response,
        field="office_comments",
        passage=marked("open response office comments"),
        reason="personal_data",
        acting_user=drafter,
    )

    # A response published with plain text (public by now), then amended with marked text.
    old = ReportFactory(published_on=today - timedelta(days=40), forces=[body.force])
    old_finding = RecommendationFactory(report=old)
    published = make_response(report=old, body=body, acting_user=drafter)
    published = response_invite_force(
        response=published,
        invited_on=old.published_on,
        reply_by=old.published_on + timedelta(days=14),
        acting_user=drafter,
    )
    published = response_record_force_comments(
        response=published, acting_user=drafter, text="Accepted.", received_on=old.published_on
    )
    published = response_update_text(
        response=published, acting_user=drafter, office_comments="The commissioner welcomes it."
    )
    explanation_save(
        response=published,
        finding=old_finding,
        acting_user=drafter,
        kind=Explanation.Kind.ACTION_PROPOSED,
        text="We will watch it.",
    )
    published = response_submit_for_approval(response=published, acting_user=drafter)
    published = response_approve(
        response=published,
        acting_user=approver,
        signatory_name="Giles Orpen-Smellie",
        signatory_title="Police and Crime Commissioner for Norfolk",
    )
    published = response_publish(response=published, published_on=today, acting_user=approver)
    assert published.status == Status.PUBLISHED

    # Publication's hooks run after commit, which a test's transaction never does: track here,
    # before the amendment, with private (marked) updates, evidence and a closure proposal.
    item = tracker_item_create(finding=old_finding, policing_body=body, acting_user=drafter)
    tracker_items_bulk_update(items=[item], acting_user=drafter, area=marked("area"))
    first_update = progress_update_add(
        item=item,
        acting_user=drafter,
        text=marked("private progress update"),
        date=today,
        files=[SimpleUploadedFile(f"{MARKER}-plan.png", png_bytes(), content_type="image/png")],
    )
    # The force's public text is a proposal the office decides: not public, not another's.
    force_text = progress_update_add(
        item=item,
        acting_user=force_contributor,
        text=marked("the force's proposed public text"),
        date=today,
        is_public=True,
    )
    # A public update of the office's with a passage redacted as it was written: the passage
    # is the office's (its staff pages show it), never another's.
    redacted_passage = marked("redacted passage of a public update")
    public_update = progress_update_add(
        item=item,
        acting_user=drafter,
        text=f"Audit begun; {redacted_passage} was interviewed.",
        date=today,
        is_public=True,
        redactions=[{"passage": redacted_passage, "reason": "personal_data"}],
    )
    proposal = closure_propose(item=item, acting_user=drafter, text=marked("closure"), date=today)
    evidence = first_update.evidence.get()
    pack = panel_pack_create(
        policing_body=body,
        as_at=today,
        acting_user=drafter,
        title=marked("panel pack title", OFFICE_ONLY),
    )
    # A pack made before packs held only what the public reads (format 1: no "format" in its
    # data), stored as it was made then: the pack list marks it not to be published.
    earlier_data = {k: v for k, v in pack.data.items() if k != "format"}
    earlier_data["title"] = marked("earlier panel pack title", OFFICE_ONLY)
    earlier_pdf = packs.render_pack_pdf(earlier_data)
    earlier_pack = PanelPack(
        policing_body=body,
        title=earlier_data["title"],
        as_at=pack.as_at,
        created_by=drafter,
        data=earlier_data,
        data_sha256=packs.sha256(packs.canonical_json(earlier_data)),
        pdf=earlier_pdf,
        pdf_sha256=packs.sha256(earlier_pdf),
    )
    earlier_pack.save()

    amending = response_amend(
        response=published, reason=marked("amendment reason"), acting_user=approver
    )
    amending = written(amending, "amendment", force_comments=False)
    _explain_everything(amending, [old_finding], acting_user=drafter, label="amendment")

    draft = import_draft_create(
        policing_body=body,
        acting_user=drafter,
        text=(
            f"{OFFICE_ONLY} Crime data integrity inspection 2019\n\nRecommendations\n\n"
            f"1. The force should record every crime within 24 hours. {OFFICE_ONLY}\n\n"
            "A paragraph that fits nowhere in particular.\n"
        ),
    )
    reminder = Reminder.objects.create(
        response=open_response,
        rule=ReminderRule.objects.order_by("pk").first(),
        occurrence=f"{open_response.due_date}:-7d",
        due_on=today,
        recipient=drafter,
        role="opcc_drafter",
        delivery="individual",
        status="failed",
        error=marked("failed send", OFFICE_ONLY),
    )
    failed_email = OutgoingEmail.objects.create(
        kind="force_invitation",
        key=f"crawl:{open_response.pk}",
        recipient=force_contributor,
        to=force_contributor.email,
        subject=marked("email subject", OFFICE_ONLY),
        text=marked("email words", OFFICE_ONLY),
        office_id=body.pk,
        status=EmailStatus.FAILED,
        attempts=1,
        error=marked("email error", OFFICE_ONLY),
    )
    failed_work = EventDelivery.objects.create(
        event="response.published",
        subscriber="public.subscribers.crawl",
        key=f"response={amending.pk}",
        arguments={"response_id": amending.pk},
        office_id=body.pk,
        status=DeliveryStatus.FAILED,
        attempts=1,
        error=marked("work error", OFFICE_ONLY),
    )
    body = policing_body_update_branding(
        body=body,
        acting_user=admin,
        holder_name="Giles Orpen-Smellie",
        accent_colour="#1d70b8",
        logo_alt_text="Norfolk PCC",
        logo=SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
    )
    # A proposed correction of Norfolk's own report: only the offices it concerns see it.
    correction = report_correction_propose(
        report=report,
        acting_user=drafter,
        reason=marked("correction reason"),
        published_on=report.published_on - timedelta(days=1),
    )
    payload = draft.payload
    responses = [open_response.pk, amending.pk]
    invitation = invitation_create(
        body=body,
        email="invitee@example.org",
        full_name="Ivy Invitee",
        role=Membership.Role.FORCE_CONTRIBUTOR,
        acting_user=admin,
    )
    priority = plan_priority_create(
        body=body, acting_user=admin, title=marked("plan priority"), description=marked("aim")
    )
    return {
        "plan_priority": [priority.pk],
        # A response's redaction and a progress update's: each remove page finds its own.
        "redaction": [redaction.pk, public_update.redactions.get().pk],
        "correction": [correction.pk],
        "membership": list(body.memberships.values_list("pk", flat=True)),
        "report": [report.pk, old.pk],
        "report_section": ["recommendations", "areas-for-improvement"],
        "draft": [draft.pk],
        "draft_item": [entry["id"] for entry in payload["items"][:1]],
        "draft_entry": [entry["id"] for entry in payload["not_placed"][:1]],
        "draft_action": ["delete", "discard"],
        "response": responses,
        "finding": [f.pk for f in findings] + [old_finding.pk],
        "version": [1],
        "reminder": [reminder.pk],
        "outgoing_email": [failed_email.pk],
        "event_delivery": [failed_work.pk],
        "calendar_token": [calendar_token_create(user=drafter)],
        "item": [item.pk],
        "update": list(item.updates.values_list("pk", flat=True)),
        "closure_proposal": [proposal.pk],
        "public_proposal": [force_text.public_proposal.pk],
        "evidence": [evidence.pk],
        "pack": [pack.pk, earlier_pack.pk],
        "reset_uid": [urlsafe_base64_encode(force_bytes(drafter.pk))],
        "reset_token": ["set-password"],
        "language": ["en-gb"],
        "logo": [body.logo.name.rsplit("/", 1)[-1]],
        "invitation": [invitation.pk],
        # The link's token: whoever holds it sees whom it invites, never who invited them.
        "invitation_token": [invitation_token(invitation.emails.get().nonce)],
    }


# --- the URLs ---------------------------------------------------------------------------------


@dataclass
class StaffUrl:
    name: str
    route: str
    arguments: list[str]
    kinds: dict[str, str] = field(default_factory=dict)


def staff_urls() -> list[StaffUrl]:
    """Every named URL outside NOT_CRAWLED, with its full route and argument names."""
    found = []

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or None
                name = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                if name in NOT_CRAWLED:
                    continue
                walk(pattern.url_patterns, name, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name not in (None, *NOT_CRAWLED):
                found.append(
                    StaffUrl(
                        name=f"{namespace}:{pattern.name}" if namespace else pattern.name,
                        route=prefix + str(pattern.pattern),
                        arguments=list(pattern.pattern.converters),
                    )
                )

    walk(get_resolver().url_patterns, None, "")
    return found


def argument_kind(url: StaffUrl, argument: str) -> str | None:
    if argument in KIND_BY_ARGUMENT:
        return KIND_BY_ARGUMENT[argument]
    pieces = url.route.strip("/").split("/")
    at = next(i for i, piece in enumerate(pieces) if re.search(rf"<(\w+:)?{argument}>", piece))
    before = pieces[at - 1] if at else ""
    before = re.sub(r"<\w+:(\w+)>", r"<\1>", before)
    return KIND_BY_SEGMENT.get(before)


def addresses(url: StaffUrl, values: dict[str, list]) -> list[tuple[str, dict]]:
    """The URL with every combination of Norfolk's objects in its arguments, and with each of
    Norfolk's ids in the query parameters the page reads; each with the objects by kind."""
    choices = [values[url.kinds[argument]] for argument in url.arguments]
    found = []
    for combination in itertools.product(*choices):
        kwargs = dict(zip(url.arguments, combination, strict=True))
        objects = {url.kinds[argument]: value for argument, value in kwargs.items()}
        found.append((reverse(url.name, kwargs=kwargs), objects))
    for parameter, kind in QUERY_KINDS.get(url.name, {}).items():
        found += [(f"{found[0][0]}?{parameter}={value}", found[0][1]) for value in values[kind]]
    return found


def current_versions(objects: dict) -> dict[str, int]:
    """The optimistic-locking versions a form about these objects posts back, as they are now,
    so a POST is not refused merely for being stale."""
    from inspections.models import ImportDraft
    from responses.models import Response

    versions = {}
    if "response" in objects:
        versions["lock_version"] = Response.objects.get(pk=objects["response"]).lock_version
    if "draft" in objects:
        versions["version"] = ImportDraft.objects.get(pk=objects["draft"]).lock_version
    return versions


# --- what a response contains -----------------------------------------------------------------


def readable_text(response) -> str:
    """Everything a person could read in the answer: headers, and the body as text (the cells
    of a spreadsheet, the text of a PDF)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    if kind.startswith("application/pdf") and content.startswith(b"%PDF"):
        body = pdf_text(content)
    elif "spreadsheetml" in kind:
        body = xlsx_text(content)
    elif "wordprocessingml" in kind:
        body = docx_text(content)
    else:
        body = content.decode("utf-8", errors="replace")
    return f"{headers}\n{body}"


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(content)
        try:
            return subprocess.run(  # noqa: S603
                ["pdftotext", "-q", str(path), "-"],  # noqa: S607 - poppler-utils, as in .ci/run
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            from pdfminer.high_level import extract_text

            return extract_text(io.BytesIO(content))


def docx_text(content: bytes) -> str:
    """The paragraphs and table cells of a Word document (its XML is compressed in the zip)."""
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    properties = document.core_properties
    parts += [properties.title or "", properties.author or "", properties.subject or ""]
    return "\n".join(parts)


def xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


# --- the crawl --------------------------------------------------------------------------------


@dataclass
class Visit:
    url: str
    status: int
    text: str


def visit(client: Client, url: str) -> Visit:
    """GET `url` in a savepoint rolled back afterwards (some pages record that they were seen)."""
    with transaction.atomic():
        response = client.get(url)
        text = readable_text(response)
        transaction.set_rollback(True)
    return Visit(url=url, status=response.status_code, text=text)


#: Tables a refused request may still write: the session, the sign-in throttle's log.
BOOKKEEPING_TABLES = ("django_session", "axes_")
#: More tables a URL may write whoever asks, with the reason.
BOOKKEEPING_BY_URL = {
    # The secret address is the only credential (whoever holds it reads the feed); the feed
    # stamps when its token was last used.
    "reminders:calendar-feed": ("reminders_calendartoken",),
}
WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


def greedy_form(values: dict[str, list]) -> dict[str, object]:
    """A POST body with a plausible value for the fields the staff forms use, so that a view
    which forgot to check whose object it was handed would go ahead and write."""
    today = timezone.localdate()
    return {
        "text": "Overwritten by another office",
        "reason": "Another office's reason",
        "explanation": "Another office's explanation",
        "explanation_kind": "action_proposed",
        "kind": "action_proposed",
        "force_comment": "Another force's comment",
        "none_submitted": "on",
        "finding": "all",
        "items": values["item"],
        "confirm": "yes",
        "decision": "accepted",
        "status": "closed",
        "is_public": "on",
        "area": "Another office's area",
        "title": "Another office's title",
        "date": today.isoformat(),
        **{
            f"date-{part}": value
            for part, value in zip(
                ("day", "month", "year"), (today.day, today.month, today.year), strict=True
            )
        },
        "received_on": today.isoformat(),
        "published_on": today.isoformat(),
        "reply_by": today.isoformat(),
        "author_name": "Someone else",
        "author_role": "Someone else's role",
        "signatory_name": "Someone else",
        "signatory_title": "Someone else's title",
        "holder_name": "Someone else",
        "accent_colour": "#000000",
        "logo_alt_text": "Someone else's logo",
    }


def writes_during_post(
    client: Client, url: str, data: dict, *, allowed: tuple[str, ...] = ()
) -> tuple[int, list[str]]:
    """POST in a savepoint rolled back afterwards; the tables it wrote, bookkeeping aside."""
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
        transaction.set_rollback(True)
    tables = {
        match.group(2) for query in queries.captured_queries if (match := WRITE.match(query["sql"]))
    }
    allowed = BOOKKEEPING_TABLES + allowed
    return response.status_code, sorted(t for t in tables if not t.startswith(allowed))


@pytest.fixture
def viewers(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # evidence and the logo
    norfolk = policing_body("norfolk-pcc")
    suffolk = policing_body("suffolk-pcc")
    Role = Membership.Role
    # Norfolk's people by name: another organisation sees them as their office, never named.
    owner = office_user(norfolk, Role.OPCC_ADMIN, username="n-admin", full_name=marked("admin"))
    drafter = office_user(
        norfolk, Role.OPCC_DRAFTER, username="n-drafter", full_name=marked("drafter")
    )
    approver = office_user(
        norfolk, Role.OPCC_APPROVER, username="n-approver", full_name=marked("approver")
    )
    others = {
        # who: (user, the markers they must never see)
        "Suffolk OPCC drafter": office_user(suffolk, Role.OPCC_DRAFTER, username="s-drafter"),
        "Suffolk OPCC approver": office_user(suffolk, Role.OPCC_APPROVER, username="s-approver"),
        "Suffolk OPCC admin": office_user(suffolk, Role.OPCC_ADMIN, username="s-admin"),
        "Suffolk Constabulary": force_user(suffolk.force, username="s-force"),
        # National read-only staff: Norfolk has not opted in to share its open work (the
        # default), and what it shares is statuses and dates, never text.
        "National read-only": national_user(Role.NATIONAL_VIEWER, username="national"),
    }
    watching = {who: (user, (MARKER, OFFICE_ONLY)) for who, user in others.items()}
    watching["Norfolk Constabulary"] = (
        force_user(norfolk.force, username="n-force"),
        (OFFICE_ONLY,),
    )
    return owner, drafter, approver, watching


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_no_office_record_reaches_another_office_or_force(viewers):
    owner, drafter, approver, watching = viewers
    norfolk_force = watching["Norfolk Constabulary"][0]
    values = plant_norfolk(
        drafter=drafter, approver=approver, admin=owner, force_contributor=norfolk_force
    )

    urls = staff_urls()
    unfillable = []
    for url in urls:
        for argument in url.arguments:
            kind = argument_kind(url, argument)
            if kind is None or not values.get(kind):
                unfillable.append(f"{url.name} <{argument}> in {url.route}")
            else:
                url.kinds[argument] = kind
    assert not unfillable, (
        "URL arguments the isolation crawl cannot fill with an office's objects; add the kind "
        "to KIND_BY_ARGUMENT or KIND_BY_SEGMENT (and the objects to plant_norfolk): "
        + "; ".join(unfillable)
    )
    assert len(urls) > 60, "the resolver's staff URLs were found"

    problems = []
    form = greedy_form(values)
    owner_client = signed_in(owner)
    owner_saw: dict[str, set[str]] = {MARKER: set(), OFFICE_ONLY: set()}
    clients = {who: (signed_in(user), markers) for who, (user, markers) in watching.items()}
    for url in urls:
        reached = False
        for address, objects in addresses(url, values):
            own = visit(owner_client, address)
            reached = reached or own.status != 404
            for marker, seen in owner_saw.items():
                if marker in own.text:
                    seen.add(address)
            if own.status >= 500:
                problems.append(f"{address} as Norfolk's admin: {own.status}")
            for who, (client, markers) in clients.items():
                result = visit(client, address)
                if result.status >= 500:
                    problems.append(f"{address} as {who}: {result.status}")
                leaked = [LEAK[m] for m in markers if m in result.text]
                if leaked:
                    problems.append(f"{address} as {who} ({result.status}) shows {leaked}")
                if url.arguments and who != "Norfolk Constabulary":
                    # Another organisation posting to Norfolk's object changes nothing. (Norfolk's
                    # own force may write to the shared work; what it may write is the workflow's
                    # business: tests/test_permission_matrix.py and the tracking tests.)
                    allowed = BOOKKEEPING_BY_URL.get(url.name, ())
                    data = form | current_versions(objects)
                    status, wrote = writes_during_post(client, address, data, allowed=allowed)
                    if status >= 500 or wrote:
                        problems.append(f"POST {address} as {who}: {status}, wrote {wrote}")
        if not reached and url.name not in NOT_FOUND_FOR_NORFOLK:
            problems.append(
                f"{url.name}: Norfolk's own admin gets 404 at every address tried, so the crawl "
                "fills it with the wrong kind of object (see KIND_BY_SEGMENT)"
            )
    assert not problems, "\n".join(problems)

    # The markers were planted where the owner can see them, pages and downloads alike.
    assert owner_saw[MARKER] and owner_saw[OFFICE_ONLY]
    seen = owner_saw[MARKER] | owner_saw[OFFICE_ONLY]
    downloads = (
        r"\.csv$",
        r"\.xlsx$",
        r"\.pdf$",
        r"\.docx$",
        r"/packs/\d+/pdf/$",
        r"/evidence/\d+/$",
    )
    for download in downloads:
        # A spreadsheet's cells, a PDF's or a Word document's text, an evidence file's name in
        # its header.
        assert any(re.search(download, address) for address in seen), (
            f"no download like {download} showed its owner a marker: the crawl reads nothing there"
        )


def test_a_url_argument_of_an_unknown_kind_is_not_filled():
    """A new URL whose argument names nothing the crawl knows makes the crawl fail (above)
    instead of being skipped."""
    known = StaffUrl("tracking:x", "tracker/evidence/<int:pk>/", ["pk"])
    unknown = StaffUrl("tracking:y", "tracker/widgets/<int:pk>/", ["pk"])
    by_name = StaffUrl("responses:z", "responses/<int:pk>/findings/<int:finding_pk>/", ["pk"])
    closure = StaffUrl("tracking:c", "tracker/<int:pk>/closure/<int:proposal_pk>/", ["pk"])
    public = StaffUrl("tracking:p", "tracker/<int:pk>/proposals/<int:proposal_pk>/", ["pk"])
    assert argument_kind(known, "pk") == "evidence"
    assert argument_kind(unknown, "pk") is None
    assert argument_kind(by_name, "pk") == "response"
    assert argument_kind(by_name, "finding_pk") == "finding"
    # One argument name, two kinds: the path says which.
    assert argument_kind(closure, "proposal_pk") == "closure_proposal"
    assert argument_kind(public, "proposal_pk") == "public_proposal"
