"""The permission matrix: every staff URL, requested by every role, against one explicit table.

The URLs are discovered from the URL resolver, so a new URL in a staff namespace that the table
does not cover fails `test_every_staff_url_is_in_the_table`, naming it. URL arguments are filled
from demo-like data for two offices (Norfolk and Suffolk) built through the real services.

Roles: anonymous, Norfolk OPCC drafter, approver and admin, a Norfolk Constabulary contributor,
a Suffolk OPCC drafter, a superuser with no organisation (the Django admin is theirs; the
staff application is not), and the register maintainer (a national role in no office or force:
the corrections of reports only, every office's), and national read-only staff (in no office
either: the national view of the open work offices share, nothing else). Every request runs in a savepoint that is rolled back, so a POST that
succeeds (approving, discarding) does not change what the next request sees.

Outcomes: 200 the page; 302 a redirect (to sign in for anonymous people, or the page's own
redirect); 403 the role may not do this; 404 the object is not theirs to know about; 405 a
POST-only action asked with GET.
"""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Membership
from core.models import DeliveryStatus
from responses.models import Explanation, Status
from tests.factories import (
    AfiFactory,
    MembershipFactory,
    RecommendationFactory,
    ReportFactory,
    UserFactory,
    force_user,
    make_response,
    office_user,
    policing_body,
)

pytestmark = pytest.mark.django_db

#: The namespaces of the staff application that the matrix walks.
STAFF_NAMESPACES = (
    "accounts",
    "inspections",
    "importer",
    "responses",
    "corrections",
    "pdf",
    "reminders",
    "tracking",
)

ROLES = (
    "anonymous",
    "drafter",
    "approver",
    "admin",
    "force",
    "suffolk",
    "superuser",
    "maintainer",
    "national",
)

# Short names for the table's rows:
# (anonymous, drafter, approver, admin, force, suffolk, superuser, maintainer, national)
#: Any signed-in person.
SIGNED_IN = (302, 200, 200, 200, 200, 200, 200, 200, 200)
#: Office staff of any office; the force, the superuser, the maintainer and national
#: read-only staff are refused.
OFFICE = (302, 200, 200, 200, 403, 200, 403, 403, 403)
#: Anyone in an office or a force (not the organisation-less superuser nor the maintainer).
MEMBER = (302, 200, 200, 200, 200, 200, 403, 403, 403)
#: Office staff, about a Norfolk object: Suffolk's staff get 404.
NORFOLK_OBJECT = (302, 200, 200, 200, 403, 404, 403, 403, 403)
#: A sign-off action on a Norfolk response: Norfolk's approver and admin only
#: (responses.workflow.ACTION_ROLES).
NORFOLK_SIGN_OFF = (302, 403, 200, 200, 403, 404, 403, 403, 403)
#: Office staff and the Norfolk force, about a Norfolk object.
NORFOLK_MEMBER_OBJECT = (302, 200, 200, 200, 200, 404, 403, 403, 403)
#: The office admin of Norfolk only.
NORFOLK_ADMIN = (302, 403, 403, 200, 403, 403, 403, 403, 403)
#: A page anyone may open without signing in.
PUBLIC = (200, 200, 200, 200, 200, 200, 200, 200, 200)
#: A POST that changes a Norfolk import draft and goes back to its preview.
ON_NORFOLK_DRAFT = (302, 302, 302, 302, 403, 404, 403, 403, 403)
#: Office staff and the register maintainer, about a Norfolk report or its correction.
NORFOLK_REPORT_FACTS = (302, 200, 200, 200, 403, 404, 403, 200, 403)
#: The national read-only view of the offices' shared open work: national read-only staff only.
NATIONAL_VIEW = (302, 403, 403, 403, 403, 403, 403, 403, 200)


def DRAFT_VERSION(office):  # noqa: N802 - reads as a constant in the table
    return {"version": office.draft.lock_version}


def OFFICE_ID(office):  # noqa: N802 - reads as a constant in the table
    return {"office": office.body.pk}


def row(*codes: int) -> tuple[int, ...]:
    assert len(codes) == len(ROLES)
    return codes


@dataclass(frozen=True)
class Expect:
    codes: tuple[int, ...]
    method: str = "get"
    #: The POST data, from the office whose objects are in the URL.
    data: object = None
    #: False for URLs whose argument is not an organisation's object (a token, a slug).
    cross_org: bool = True


#: THE TABLE. One entry per staff URL name; (method, expected status per role).
TABLE: dict[str, Expect] = {
    # --- accounts ------------------------------------------------------------------------------
    "accounts:account": Expect(SIGNED_IN),
    # Signed-in people are sent on from the sign-in page (redirect_authenticated_user).
    "accounts:sign-in": Expect(row(200, 302, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:sign-out": Expect(row(302, 302, 302, 302, 302, 302, 302, 302, 302), method="post"),
    # With no sign-out of a provider to offer, the page sends everyone home.
    "accounts:signed-out": Expect(row(302, 302, 302, 302, 302, 302, 302, 302, 302)),
    # No organisation here has its own provider: there is nothing to start.
    "accounts:sso-start": Expect(row(404, 404, 404, 404, 404, 404, 404, 404, 404), method="post"),
    # Without a state this browser started, the provider's answer is refused for anyone.
    "accounts:sso-callback": Expect(row(400, 400, 400, 400, 400, 400, 400, 400, 400)),
    # "You do not have access yet": for the signed-in with no role; others go to their start.
    "accounts:no-access": Expect(row(302, 302, 302, 302, 302, 302, 200, 302, 302)),
    "accounts:sign-out-everywhere": Expect(
        row(302, 302, 302, 302, 302, 302, 302, 302, 302), method="post"
    ),
    # Choosing Norfolk's office: its staff may; anyone without a role there is refused (400),
    # Suffolk's drafter included: the switcher never widens access.
    "accounts:office-switch": Expect(
        row(302, 302, 302, 302, 400, 400, 400, 400, 400),
        method="post",
        data=OFFICE_ID,
        cross_org=False,
    ),
    # The language switcher: anyone, signed in or not, goes back to the page in English.
    "accounts:language": Expect(row(302, 302, 302, 302, 302, 302, 302, 302, 302), cross_org=False),
    "accounts:password-reset": Expect(PUBLIC),
    "accounts:password-reset-sent": Expect(PUBLIC),
    # An invalid link shows "This link has expired" (200) to anyone.
    "accounts:password-reset-confirm": Expect(PUBLIC, cross_org=False),
    "accounts:password-reset-complete": Expect(PUBLIC),
    "accounts:password-change": Expect(SIGNED_IN),
    "accounts:two-factor-setup": Expect(SIGNED_IN),
    # Nobody has an authenticator app here, so verifying sends them to set one up.
    "accounts:two-factor-verify": Expect(row(302, 302, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:office-users": Expect(NORFOLK_ADMIN),
    # The old "Add a person" address: the office admin is sent to the invitation form.
    "accounts:office-user-add": Expect(row(302, 403, 403, 302, 403, 403, 403, 403, 403)),
    "accounts:office-user-deactivate": Expect(NORFOLK_ADMIN),
    "accounts:office-user-reset-two-factor": Expect(
        row(302, 403, 403, 302, 403, 403, 403, 403, 403), method="post"
    ),
    "accounts:office-branding": Expect(NORFOLK_ADMIN),
    "accounts:office-priorities": Expect(NORFOLK_ADMIN),
    "accounts:office-priority-edit": Expect(NORFOLK_ADMIN),
    "accounts:office-sharing": Expect(
        row(302, 403, 403, 302, 403, 403, 403, 403, 403), method="post", cross_org=False
    ),
    "accounts:office-copies": Expect(
        row(302, 403, 403, 302, 403, 403, 403, 403, 403), method="post", cross_org=False
    ),
    "accounts:office-invitations": Expect(NORFOLK_ADMIN),
    "accounts:office-invitation-create": Expect(NORFOLK_ADMIN),
    "accounts:office-invitation-resend": Expect(
        row(302, 403, 403, 302, 403, 403, 403, 403, 403), method="post"
    ),
    "accounts:office-invitation-revoke": Expect(
        row(302, 403, 403, 302, 403, 403, 403, 403, 403), method="post"
    ),
    # The link in the email: whoever holds it sees whom it invites (signed in or not); accepting
    # needs the invitation's address (tests/accounts/test_invitations.py).
    "accounts:invitation-accept": Expect(PUBLIC, cross_org=False),
    # --- inspections: reports ----------------------------------------------------------------
    "inspections:report-list": Expect(OFFICE),
    "inspections:report-create": Expect(OFFICE),
    # A report's own pages: the register maintainer keeps every report.
    "inspections:report-detail": Expect(NORFOLK_REPORT_FACTS),
    "inspections:report-edit": Expect(NORFOLK_REPORT_FACTS),
    "inspections:report-history": Expect(NORFOLK_REPORT_FACTS),
    # The report already has Norfolk's response: starting another sends back to the report.
    "inspections:start-response": Expect(
        row(302, 302, 302, 302, 403, 404, 403, 403, 403), method="post"
    ),
    "inspections:report-section": Expect(NORFOLK_REPORT_FACTS),
    # A recommendation's links to the same one in other reports, and the suggestions.
    "inspections:finding-links": Expect(NORFOLK_REPORT_FACTS),
    "inspections:finding-tags": Expect(NORFOLK_REPORT_FACTS),
    # --- importer ------------------------------------------------------------------------------
    "importer:start": Expect(OFFICE),
    "importer:preview": Expect(NORFOLK_OBJECT),
    "importer:details": Expect(NORFOLK_OBJECT),
    "importer:judgements": Expect(NORFOLK_OBJECT),
    "importer:response": Expect(NORFOLK_OBJECT),
    "importer:item-add": Expect(NORFOLK_OBJECT),
    "importer:item-edit": Expect(NORFOLK_OBJECT),
    "importer:item-split": Expect(NORFOLK_OBJECT),
    "importer:item-action": Expect(ON_NORFOLK_DRAFT, method="post", data=DRAFT_VERSION),
    "importer:text-discard-all": Expect(ON_NORFOLK_DRAFT, method="post", data=DRAFT_VERSION),
    "importer:text-action": Expect(ON_NORFOLK_DRAFT, method="post", data=DRAFT_VERSION),
    # Restoring text that was never discarded: the preview says so (409 Conflict).
    "importer:restore": Expect(
        row(302, 409, 409, 409, 403, 404, 403, 403, 403), method="post", data=DRAFT_VERSION
    ),
    # The report's date is missing, so confirming shows the preview with what to fix.
    "importer:confirm": Expect(
        row(302, 400, 400, 400, 403, 404, 403, 403, 403), method="post", data=DRAFT_VERSION
    ),
    "importer:discard": Expect(ON_NORFOLK_DRAFT, method="post", data=DRAFT_VERSION),
    # --- responses -----------------------------------------------------------------------------
    # The register maintainer has no dashboard: sent to the corrections.
    # National read-only staff have none either: sent to the national view.
    "responses:dashboard": Expect(row(302, 200, 200, 200, 200, 200, 403, 302, 302)),
    "responses:detail": Expect(NORFOLK_MEMBER_OBJECT),
    "responses:history": Expect(NORFOLK_OBJECT),
    "responses:invite": Expect(NORFOLK_OBJECT),
    "responses:force-comments": Expect(NORFOLK_OBJECT),
    "responses:office-comments": Expect(NORFOLK_OBJECT),
    "responses:reply-to-force": Expect(NORFOLK_OBJECT),
    "responses:internal-notes": Expect(NORFOLK_OBJECT),
    "responses:recommendations": Expect(NORFOLK_OBJECT),
    "responses:afis": Expect(NORFOLK_OBJECT),
    "responses:explanation": Expect(NORFOLK_OBJECT),
    # Nothing linked to refer to: the explanation page says so.
    "responses:explanation-by-reference": Expect(
        row(302, 302, 302, 302, 403, 404, 403, 403, 403), method="post"
    ),
    "responses:not-for-local-action": Expect(
        row(302, 302, 302, 302, 403, 404, 403, 403, 403), method="post"
    ),
    "responses:start-drafting": Expect(NORFOLK_OBJECT),
    "responses:submit": Expect(NORFOLK_OBJECT),
    "responses:approve": Expect(NORFOLK_SIGN_OFF),
    "responses:send-back": Expect(NORFOLK_SIGN_OFF),
    "responses:publish": Expect(NORFOLK_SIGN_OFF),
    "responses:copies": Expect(NORFOLK_OBJECT),
    "responses:not-required": Expect(NORFOLK_OBJECT),
    "responses:reinstate": Expect(NORFOLK_OBJECT),
    "responses:amend": Expect(NORFOLK_SIGN_OFF),
    "responses:withdraw": Expect(NORFOLK_SIGN_OFF),
    "responses:redactions": Expect(NORFOLK_OBJECT),
    "responses:schedule": Expect(NORFOLK_SIGN_OFF),
    "responses:send-copies": Expect(
        row(302, 302, 302, 302, 403, 404, 403, 403, 403), method="post"
    ),
    "responses:schedule-cancel": Expect(
        row(302, 403, 302, 302, 403, 404, 403, 403, 403), method="post"
    ),
    "responses:redaction-remove": Expect(
        row(302, 302, 302, 302, 403, 404, 403, 403, 403), method="post"
    ),
    # The force's own page: the force contributor only.
    "responses:force-edit": Expect(row(302, 403, 403, 403, 200, 403, 403, 403, 403)),
    # --- corrections of a report's shared facts ----------------------------------------------
    "corrections:list": Expect(row(302, 200, 200, 200, 403, 200, 403, 200, 403)),
    "corrections:new": Expect(NORFOLK_REPORT_FACTS),
    "corrections:detail": Expect(NORFOLK_REPORT_FACTS),
    # Proposing a correction of the findings: Norfolk's staff and the maintainer may change
    # Norfolk's report's findings themselves, so they are sent to the report's page.
    "corrections:new-findings": Expect(row(302, 302, 302, 302, 403, 404, 403, 302, 403)),
    # Declining Norfolk's proposal: Norfolk's staff may change Norfolk's report, and so may the
    # maintainer; it goes back to the correction's page.
    "corrections:decide": Expect(
        row(302, 302, 302, 302, 403, 404, 403, 302, 403),
        method="post",
        data={"decision": "decline", "note": "Checked: the date is right."},
    ),
    # --- pdf -----------------------------------------------------------------------------------
    # A draft's preview: the office only (never the force: it shows the office's draft text).
    "pdf:preview": Expect(row(302, 200, 200, 200, 403, 404, 403, 403, 403)),
    # The Word documents of the draft and of a published version: the office only, like the
    # preview (responses/word.py).
    "pdf:preview-docx": Expect(row(302, 200, 200, 200, 403, 404, 403, 403, 403)),
    "pdf:version-docx": Expect(row(302, 200, 200, 200, 403, 404, 403, 403, 403)),
    # A published version's frozen PDF is public.
    "pdf:version": Expect(PUBLIC, cross_org=False),
    # The Welsh document of a version: Norfolk publishes in English only, so there is none,
    # for anyone (a bilingual body's is public like the English one: tests/responses/
    # test_bilingual_browser.py).
    "pdf:version-cy": Expect(row(404, 404, 404, 404, 404, 404, 404, 404, 404), cross_org=False),
    # --- reminders -----------------------------------------------------------------------------
    "reminders:list": Expect(OFFICE),
    "reminders:send-again": Expect(row(302, 302, 302, 302, 403, 404, 403, 403, 403), method="post"),
    "reminders:emails": Expect(OFFICE),
    "reminders:email-send-again": Expect(
        row(302, 302, 302, 302, 403, 404, 403, 403, 403), method="post"
    ),
    "reminders:work-try-again": Expect(
        row(302, 302, 302, 302, 403, 404, 403, 403, 403), method="post"
    ),
    "reminders:preferences": Expect(MEMBER),
    "reminders:calendar": Expect(MEMBER),
    # The feed is opened by calendar apps with the secret in the address, without signing in.
    "reminders:calendar-feed": Expect(PUBLIC, cross_org=False),
    # --- tracking ------------------------------------------------------------------------------
    "tracking:item-list": Expect(MEMBER),
    "tracking:export-csv": Expect(MEMBER),
    "tracking:export-xlsx": Expect(MEMBER),
    # Opened with GET and nothing chosen, it goes back to the tracker list.
    "tracking:bulk-change": Expect(row(302, 302, 302, 302, 403, 302, 403, 403, 403)),
    "tracking:item-detail": Expect(NORFOLK_MEMBER_OBJECT),
    "tracking:item-edit": Expect(NORFOLK_OBJECT),
    "tracking:item-tags": Expect(NORFOLK_OBJECT),
    "tracking:update-add": Expect(NORFOLK_MEMBER_OBJECT),
    # Redacting passages of a public update: the office's staff only (the force's updates are
    # redacted by the office before it approves them).
    "tracking:progress-redactions": Expect(NORFOLK_OBJECT),
    "tracking:progress-redaction-remove": Expect(
        row(302, 302, 302, 302, 403, 404, 403, 403, 403), method="post"
    ),
    "tracking:closure-propose": Expect(NORFOLK_MEMBER_OBJECT),
    "tracking:closure-decide": Expect(NORFOLK_OBJECT),
    # The force's proposals for the public page: only the office decides.
    "tracking:proposal-list": Expect(OFFICE),
    "tracking:proposal-decide": Expect(NORFOLK_OBJECT),
    "tracking:evidence-download": Expect(NORFOLK_MEMBER_OBJECT),
    "tracking:response-tracking": Expect(NORFOLK_OBJECT),
    "tracking:track": Expect(
        row(302, 302, 302, 302, 403, 404, 403, 403, 403), method="post", data={"finding": "all"}
    ),
    "tracking:pack-list": Expect(OFFICE),
    "tracking:pack-create": Expect(OFFICE),
    "tracking:pack-download": Expect(NORFOLK_OBJECT),
    "tracking:national": Expect(NATIONAL_VIEW),
}


def staff_url_names() -> dict[str, list[str]]:
    """Every URL name in the staff namespaces, with the names of its URL arguments."""
    found: dict[str, list[str]] = {}

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or None
                name = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(pattern.url_patterns, name)
            elif isinstance(pattern, URLPattern) and namespace in STAFF_NAMESPACES:
                assert pattern.name, f"a URL without a name in {namespace}: {pattern.pattern}"
                found[f"{namespace}:{pattern.name}"] = list(pattern.pattern.converters)

    walk(get_resolver().url_patterns, None)
    return found


def test_every_staff_url_is_in_the_table():
    urls = staff_url_names()
    missing = sorted(set(urls) - set(TABLE))
    assert not missing, (
        "Staff URLs the permission matrix does not cover; add each to TABLE in "
        f"tests/test_permission_matrix.py with the outcome for every role: {', '.join(missing)}"
    )
    stale = sorted(set(TABLE) - set(urls))
    assert not stale, f"TABLE names URLs that no longer exist: {', '.join(stale)}"


# --- demo-like data for two offices -----------------------------------------------------------


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Office:
    """One office's objects that URLs point at."""

    body: object
    drafter: object
    report: object
    response: object
    recommendation: object
    published: object
    membership: object
    draft: object
    reminder: object
    email: object
    failed_work: object
    calendar_token: str
    item: object
    proposal: object
    public_proposal: object
    evidence: object
    pack: object
    invitation: object
    invitation_token: str
    correction: object
    priority: object
    redaction: object = None
    public_update: object = None
    progress_redaction: object = None


def build_office(slug: str, *, drafter, approver) -> Office:
    from accounts.invitation_emails import invitation_token
    from accounts.invitations import invitation_create
    from accounts.services import plan_priority_create
    from core.models import EmailStatus, EventDelivery, OutgoingEmail
    from reminders.models import Reminder, ReminderRule
    from reminders.services import calendar_token_create
    from responses.corrections import report_correction_propose
    from responses.importer.services import import_draft_create
    from responses.services import (
        explanation_save,
        response_approve,
        response_invite_force,
        response_publish,
        response_record_force_comments,
        response_submit_for_approval,
        response_update_text,
    )
    from tracking.services import (
        closure_propose,
        panel_pack_create,
        progress_update_add,
        tracker_item_create,
    )

    body = policing_body(slug)
    today = timezone.localdate()
    published_on = today - timedelta(days=20)

    # An open response, invited, waiting for the force's comments.
    report = ReportFactory(
        title=f"{body.short_name} CDI", published_on=published_on, forces=[body.force]
    )
    recommendation = RecommendationFactory(report=report)
    AfiFactory(report=report)
    response = make_response(report=report, body=body, acting_user=drafter)
    response = response_invite_force(
        response=response,
        invited_on=published_on + timedelta(days=1),
        reply_by=today + timedelta(days=7),
        acting_user=drafter,
    )

    # A passage of its comments marked as redacted.
    from responses.services import redaction_add

    response = response_update_text(
        response=response, acting_user=drafter, office_comments="We met Ms Example about it."
    )
    redaction = redaction_add(
        response=response,
        field="office_comments",
        passage="Ms Example",
        reason="personal_data",
        acting_user=drafter,
    )

    # A published response (version 1), which the tracker follows.
    old = ReportFactory(
        title=f"{body.short_name} custody",
        published_on=today - timedelta(days=40),
        forces=[body.force],
    )
    old_rec = RecommendationFactory(report=old)
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
        finding=old_rec,
        acting_user=drafter,
        kind=Explanation.Kind.ACTION_PROPOSED,
        text="We will watch it.",
    )
    published = response_submit_for_approval(response=published, acting_user=drafter)
    published = response_approve(response=published, acting_user=approver)
    published = response_publish(response=published, published_on=today, acting_user=approver)
    assert published.status == Status.PUBLISHED

    draft = import_draft_create(
        policing_body=body,
        acting_user=drafter,
        text=(
            "Crime data integrity inspection 2019\n\nRecommendations\n\n"
            "1. The force should record every crime within 24 hours.\n\n"
            "A paragraph that fits nowhere in particular.\n"
        ),
    )
    rule = ReminderRule.objects.order_by("pk").first()
    reminder = Reminder.objects.create(
        response=response,
        rule=rule,
        occurrence=f"{response.due_date}:-7d",
        due_on=today,
        recipient=drafter,
        role="opcc_drafter",
        delivery="individual",
        status="failed",
        error="Connection refused",
    )
    token = calendar_token_create(user=drafter)

    # Publication's hooks (tracking, freezing the PDF) run after commit, which a test's
    # transaction never does: start tracking here.
    item = tracker_item_create(finding=old_rec, policing_body=body, acting_user=drafter)
    progress_update_add(
        item=item,
        acting_user=drafter,
        text="Plan agreed.",
        date=today,
        files=[SimpleUploadedFile("plan.png", png_bytes(), content_type="image/png")],
    )
    # A public update of the office's with a passage redacted as it was written.
    public_update = progress_update_add(
        item=item,
        acting_user=drafter,
        text="We met Ms Example about the audit.",
        date=today,
        is_public=True,
        redactions=[{"passage": "Ms Example", "reason": "personal_data"}],
    )
    contributor = force_user(body.force, username=f"{slug}-contributor")
    public_proposal = progress_update_add(
        item=item, acting_user=contributor, text="Audit begun.", date=today, is_public=True
    ).public_proposal
    proposal = closure_propose(item=item, acting_user=drafter, text="All done.", date=today)
    evidence = item.updates.first().evidence.first()
    pack = panel_pack_create(policing_body=body, as_at=today, acting_user=drafter)
    correction = report_correction_propose(
        report=report,
        acting_user=drafter,
        reason="HMICFRS's page gives the day before.",
        published_on=published_on - timedelta(days=1),
    )
    inviter = office_user(body, Membership.Role.OPCC_ADMIN, username=f"{slug}-inviter")
    invitation = invitation_create(
        body=body,
        email=f"{slug}-invitee@example.org",
        full_name="Ivy Invitee",
        role=Membership.Role.OPCC_DRAFTER,
        acting_user=inviter,
    )
    return Office(
        redaction=redaction,
        public_update=public_update,
        progress_redaction=public_update.redactions.get(),
        body=body,
        drafter=drafter,
        report=report,
        response=response,
        recommendation=recommendation,
        published=published,
        membership=drafter.memberships.get(),
        draft=draft,
        reminder=reminder,
        email=OutgoingEmail.objects.create(
            kind="force_invitation",
            key=f"response-{response.pk}",
            to="force@example.org",
            subject="Invitation",
            text="Please comment.",
            office_id=body.pk,
            status=EmailStatus.FAILED,
        ),
        failed_work=_failed(EventDelivery.objects.filter(office_id=body.pk).first()),
        calendar_token=token,
        item=item,
        proposal=proposal,
        public_proposal=public_proposal,
        evidence=evidence,
        pack=pack,
        invitation=invitation,
        invitation_token=invitation_token(invitation.emails.get().nonce),
        correction=correction,
        priority=plan_priority_create(
            body=body, acting_user=inviter, title=f"{body.short_name}: safer streets"
        ),
    )


def _failed(delivery):
    """Publication's work, recorded and never run here (no commit), as if it had failed."""
    delivery.status = DeliveryStatus.FAILED
    delivery.error = "RuntimeError: the public tables were locked"
    delivery.save()
    return delivery


@pytest.fixture
def world(django_user_model, monkeypatch):
    # Who may fetch a PDF is the question here, not how it looks (tests/responses/test_pdf*.py
    # render real ones): a stub keeps WeasyPrint's seconds per PDF out of the matrix.
    monkeypatch.setattr("responses.pdf.render_pdf", lambda html, **kwargs: b"%PDF-1.7 stub")
    norfolk = policing_body("norfolk-pcc")
    suffolk = policing_body("suffolk-pcc")
    users = {
        "drafter": office_user(norfolk, Membership.Role.OPCC_DRAFTER, username="n-drafter"),
        "approver": office_user(norfolk, Membership.Role.OPCC_APPROVER, username="n-approver"),
        "admin": office_user(norfolk, Membership.Role.OPCC_ADMIN, username="n-admin"),
        "force": force_user(norfolk.force, username="n-force"),
        "suffolk": office_user(suffolk, Membership.Role.OPCC_DRAFTER, username="s-drafter"),
        "superuser": django_user_model.objects.create_superuser("root", "root@example.org", "x"),
        "maintainer": MembershipFactory(
            user=UserFactory(username="maintainer"),
            role=Membership.Role.REGISTER_MAINTAINER,
            policing_body=None,
            force=None,
        ).user,
        "national": MembershipFactory(
            user=UserFactory(username="national"),
            role=Membership.Role.NATIONAL_VIEWER,
            policing_body=None,
            force=None,
        ).user,
    }
    suffolk_approver = office_user(suffolk, Membership.Role.OPCC_APPROVER, username="s-approver")
    offices = {
        "norfolk": build_office(
            "norfolk-pcc", drafter=users["drafter"], approver=users["approver"]
        ),
        "suffolk": build_office("suffolk-pcc", drafter=users["suffolk"], approver=suffolk_approver),
    }
    # The public PDF of a version is rendered on first request and stored: do that once now,
    # not in every rolled-back request below.
    for office in offices.values():
        url = reverse("pdf:version", kwargs={"pk": office.published.pk, "number": 1})
        assert Client().get(url).status_code == 200
    return users, offices


def _first(entries: list[dict]) -> str:
    assert entries, "the import draft has no such entries"
    return entries[0]["id"]


def url_kwargs(name: str, office: Office) -> dict:
    """The URL arguments of `name` filled from one office's objects."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    payload = office.draft.payload
    by_name = {
        "accounts:password-reset-confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(0)),
            "token": "x-y",
        },
        "accounts:language": {"code": "en-gb"},
        "accounts:office-user-deactivate": {"pk": office.membership.pk},
        "accounts:office-user-reset-two-factor": {"pk": office.membership.pk},
        "accounts:office-invitation-resend": {"pk": office.invitation.pk},
        "accounts:office-invitation-revoke": {"pk": office.invitation.pk},
        "accounts:invitation-accept": {"token": office.invitation_token},
        "inspections:report-section": {"pk": office.report.pk, "section": "recommendations"},
        "importer:item-edit": {"pk": office.draft.pk, "item_id": _first(payload["items"])},
        "importer:item-split": {"pk": office.draft.pk, "item_id": _first(payload["items"])},
        "importer:item-action": {
            "pk": office.draft.pk,
            "item_id": _first(payload["items"]),
            "action": "delete",
        },
        "importer:text-action": {
            "pk": office.draft.pk,
            "entry_id": _first(payload["not_placed"]),
            "action": "discard",
        },
        "importer:restore": {"pk": office.draft.pk, "entry_id": "missing"},
        "responses:explanation": {"pk": office.response.pk, "finding_pk": office.recommendation.pk},
        "responses:not-for-local-action": {
            "pk": office.response.pk,
            "finding_pk": office.recommendation.pk,
        },
        "responses:explanation-by-reference": {
            "pk": office.response.pk,
            "finding_pk": office.recommendation.pk,
        },
        "inspections:finding-links": {
            "pk": office.report.pk,
            "finding_pk": office.recommendation.pk,
        },
        "inspections:finding-tags": {
            "pk": office.report.pk,
            "finding_pk": office.recommendation.pk,
        },
        "accounts:office-priority-edit": {"pk": office.priority.pk},
        "pdf:preview": {"pk": office.response.pk},
        "responses:redaction-remove": {
            "pk": office.response.pk,
            "redaction_pk": office.redaction.pk,
        },
        "pdf:version": {"pk": office.published.pk, "number": 1},
        "pdf:preview-docx": {"pk": office.response.pk},
        "pdf:version-docx": {"pk": office.published.pk, "number": 1},
        "pdf:version-cy": {"pk": office.published.pk, "number": 1},
        "reminders:send-again": {"pk": office.reminder.pk},
        "reminders:email-send-again": {"pk": office.email.pk},
        "reminders:work-try-again": {"pk": office.failed_work.pk},
        "reminders:calendar-feed": {"token": office.calendar_token},
        "tracking:closure-decide": {"pk": office.item.pk, "proposal_pk": office.proposal.pk},
        "tracking:proposal-decide": {
            "pk": office.item.pk,
            "proposal_pk": office.public_proposal.pk,
        },
        "tracking:progress-redactions": {
            "pk": office.item.pk,
            "update_pk": office.public_update.pk,
        },
        "tracking:progress-redaction-remove": {
            "pk": office.item.pk,
            "update_pk": office.public_update.pk,
            "redaction_pk": office.progress_redaction.pk,
        },
        "tracking:evidence-download": {"pk": office.evidence.pk},
        "tracking:response-tracking": {"pk": office.published.pk},
        "tracking:track": {"pk": office.published.pk},
        "tracking:pack-download": {"pk": office.pack.pk},
        "corrections:new": {"pk": office.report.pk},
        "corrections:new-findings": {"pk": office.report.pk},
    }
    if name in by_name:
        return by_name[name]
    namespace = name.split(":")[0]
    default_pk = {
        "inspections": office.report.pk,
        "importer": office.draft.pk,
        "responses": office.response.pk,
        "tracking": office.item.pk,
        "corrections": office.correction.pk,
    }
    return {"pk": default_pk[namespace]}


class Sessions:
    """One signed-in test client per role, so each request does not sign in again."""

    def __init__(self, users):
        self.users = users
        self.clients: dict[str, Client] = {}

    def client(self, role: str) -> Client:
        client = self.clients.get(role)
        if client is None:
            client = self.clients[role] = Client()
            if self.users.get(role) is not None:
                client.force_login(self.users[role])
        return client

    def forget(self, role: str) -> None:
        """After a request that signed the person out, sign in afresh next time."""
        self.clients.pop(role, None)


def request_as(sessions: Sessions, role: str, expect: Expect, url: str, office: Office) -> int:
    data = expect.data(office) if callable(expect.data) else (expect.data or {})
    client = sessions.client(role)
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    before = cookie.value if cookie else None
    with transaction.atomic():
        response = getattr(client, expect.method)(url, data)
        transaction.set_rollback(True)
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if (cookie.value if cookie else None) != before:
        sessions.forget(role)
    return response.status_code


def test_every_role_on_every_staff_url(world):
    """The table, and with Suffolk's objects in the URL instead: every Norfolk role that would
    reach its own office's object gets 404 (Suffolk's drafter on Norfolk's objects is in the
    table itself). One test, so the two offices' data is built once."""
    users, offices = world
    sessions = Sessions(users)
    problems = []
    for name, args in sorted(staff_url_names().items()):
        expect = TABLE.get(name)
        if expect is None:
            continue  # test_every_staff_url_is_in_the_table names it
        url = reverse(name, kwargs=url_kwargs(name, offices["norfolk"]) if args else None)
        for role, wanted in zip(ROLES, expect.codes, strict=True):
            got = request_as(sessions, role, expect, url, offices["norfolk"])
            if got != wanted:
                problems.append(
                    f"{name} {expect.method.upper()} {url} as {role}: {got}, expected {wanted}"
                )
        if not args or not expect.cross_org:
            continue
        other = reverse(name, kwargs=url_kwargs(name, offices["suffolk"]))
        for role, own in zip(ROLES, expect.codes, strict=True):
            # The register maintainer is national: every office's reports are theirs to see.
            if (
                role in ("anonymous", "suffolk", "superuser", "maintainer", "national")
                or own == 403
            ):
                continue
            got = request_as(sessions, role, expect, other, offices["suffolk"])
            if got != 404:
                problems.append(
                    f"{name} {expect.method.upper()} {other} (Suffolk's) as Norfolk {role}: "
                    f"{got}, expected 404"
                )
    assert not problems, "\n".join(problems)
