"""The staff app's acceptance test, in real Chromium: three people in three browser contexts
take Norfolk's response to HMICFRS's Crime Data Integrity inspection 2019 from nothing to a
published response under Police Act 1996 s55.

The drafter records the report from scratch (its details, key findings, the cause of concern, the
three recommendations addressed to the force "immediately" and the six areas for improvement),
starts the response and invites the force (s55(4)); the force's contributor follows the emailed
link, signs in, writes the Chief Constable's comments and a comment on each recommendation, and
submits them; the drafter replies, writes the commissioner's comments and the explanation of
every recommendation (s55(5B)) and submits for approval; the drafter's own attempt to approve is
refused; the approver approves; the drafter publishes (late, with the reason s55(5A) calls for)
and records the copies sent (s55(6)). Every step leaves a full-page screenshot in
test-artefacts/screenshots/staff-journey-NN-*.png, numbered in order. axe-core finds nothing on
the pages whose content the journey makes: the report, the response at each stage, the force's
pages, the refusal and the approval (each page template is also checked on its own, with test
data, in the inspections and responses browser tests).

The content is that of the office's published response (the reference document beside
SECTION55.md), typed here so the test needs nothing outside the repository."""

import re
from datetime import date, timedelta
from importlib import import_module

import pytest
from django.utils import timezone

from responses.deadlines import add_working_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-known-password-for-the-journey"
VIEWPORT = {"width": 1280, "height": 900}

TITLE = "Norfolk Constabulary Crime Data Integrity inspection 2019"
PUBLISHED = date(2020, 1, 7)  # Tuesday: day 56 is Monday 2 March 2020 (2020 is a leap year)

KEY_FINDINGS = [
    "Since the 2014 inspection, Norfolk Constabulary has made a concerted effort to record crime "
    "more accurately. We found that officers and staff have a greater understanding of the "
    "importance of crime recording standards and of putting the victim at the centre of their "
    "crime recording decisions.",
    "We also found the force has:\n"
    "- created and implemented a crime data integrity (CDI) action plan to address our 2014 "
    "recommendations and areas for improvement;\n"
    "- effective processes for identifying and recording modern slavery offences.",
    "We estimate that the force records 87.5 percent (with a confidence interval of +/- 1.81 "
    "percent) of crimes reported to it. We estimate that the force fails to record over 8,700 "
    "reported crimes each year.",
    "The force crime registrar (FCR) and his deputy are responsible for oversight and audit of "
    "crime recording requirements.",
]
CAUSE_OF_CONCERN = (
    "Norfolk Constabulary is failing to make sure it correctly records all violent crimes (which "
    "includes domestic abuse) reported to it. Officers and staff do not always fully understand "
    "and apply the crime recording rules when dealing with crimes like common assault, "
    "harassment, malicious communications, coercive and controlling behaviour, and stalking. "
    "There is also limited supervision to correct these recording decisions at the earliest "
    "opportunity."
)
RECOMMENDATIONS = [
    "The force should immediately take steps to identify and address gaps in its systems and "
    "processes for identifying and recording all reports of violent crimes (in particular those "
    "related to domestic abuse).",
    "The force should immediately provide further crime recording training for all supervisors, "
    "officers and staff working in a crime recording role, to include the recording rules for "
    "common assault, harassment, malicious communications, coercive and controlling behaviour, "
    "and stalking.",
    "The force should immediately make sure that it adequately supervises **all** crime "
    "recording decisions made by officers and staff.",
]
AFIS = [
    "reviews its backlog of crime records waiting for validation, acts appropriately to deal "
    "with the backlog, and validates records promptly in the future",
    "always records reports of crime received from professional third parties",
    "improves understanding of N100 classifications among its control room staff",
    "records more crimes within 24 hours as required by the national crime recording standard",
    "informs victims if their crime is transferred to another force for investigation or is "
    "cancelled",
    "improves how it collects diversity information from crime victims and uses this to inform "
    "its compliance with its equality duty",
]

FORCE_COMMENTS = (
    "Norfolk Constabulary welcomes the latest HMICFRS report. The report is clear that the whole "
    "constabulary is committed to recording crime accurately and in the best interests of "
    "victims.\n\n"
    "We accept the recommendations of HMICFRS and have already started to recruit more staff to "
    "undertake auditing work."
)
FORCE_ON_RECOMMENDATION = {
    "R1": "A review of violent crime recording, domestic abuse first, has started.",
    "R2": "We are currently training all frontline staff to improve standards.",
    "R3": "A mandatory training package for all frontline sergeants has been developed.",
}
OFFICE_COMMENTS = (
    "I have noted with concern the findings of HMICFRS that, despite making improvements since "
    "its last inspection, Norfolk Constabulary's crime recording arrangements are not yet to the "
    "required standard.\n\n"
    "On behalf of the public, I will be seeking assurance that the necessary improvements are "
    "being made so that we have crime data in which victims and the community can have "
    "confidence."
)
REPLY_TO_FORCE = (
    "I welcome the Chief Constable's acceptance of the recommendations and will ask for an "
    "update on the plans at the next Police Accountability Forum."
)
EXPLANATIONS = {
    "R1": "I will ask the Chief Constable to report the gaps found, and the plan to close them, "
    "at the Police Accountability Forum.",
    "R2": "I will monitor the training of frontline staff through the Police Accountability "
    "Forum over the coming months.",
    "R3": "I will seek assurance that supervisors check every crime recording decision.",
}
LATE_REASON = (
    "The response is recorded in Section 55 Tracker long after the statutory due date of "
    "2 March 2020."
)
PUBLISHED_URL = "https://www.norfolk-pcc.gov.uk/hmicfrs/crime-data-integrity-2019"


@pytest.fixture
def people(transactional_db, settings):
    """The reference data (forces and offices) and Norfolk's three people, with known passwords.

    A transactional test may start from the empty database another one's flush left behind,
    and serialized_rollback does not restore the reference data reliably once Playwright's
    event loop runs in the test thread: load it with the data migration's idempotent loader."""
    from django.apps import apps

    from accounts.models import Membership
    from tests.factories import force_user, office_user, policing_body

    import_module("accounts.migrations.0002_reference_data").load(apps, None)
    # Three sign-ins through the page: the production hasher would add seconds to each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    norfolk = policing_body("norfolk-pcc")
    users = {
        "drafter": office_user(
            norfolk,
            Membership.Role.OPCC_DRAFTER,
            username="dana.drafter",
            full_name="Dana Drafter",
            email="dana.drafter@norfolk-pcc.example",
        ),
        "approver": office_user(
            norfolk,
            Membership.Role.OPCC_APPROVER,
            username="alex.approver",
            full_name="Alex Approver",
            email="alex.approver@norfolk-pcc.example",
        ),
        "force": force_user(
            norfolk.force,
            username="fran.force",
            full_name="Fran Force",
            email="fran.force@norfolk.police.example",
        ),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return users


class Journey:
    """Screenshots numbered in the order of the journey, and the axe-core check."""

    def __init__(self, axe, screenshot_dir):
        self.axe = axe
        self.dir = screenshot_dir
        self.step = 0
        for old in screenshot_dir.glob("staff-journey-*.png"):
            old.unlink()

    def shot(self, page, name: str, *, axe: bool = False) -> None:
        page.wait_for_load_state("load")
        if axe:
            violations = self.axe(page)
            assert violations == [], (
                name,
                page.url,
                [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations],
            )
        self.step += 1
        path = self.dir / f"staff-journey-{self.step:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)


def _context(browser):
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    context.set_default_timeout(30_000)
    return context, context.new_page()


def _sign_in(page, username):
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def _submit(page, name, *, role="button"):
    """Press a button (or a link styled as one, or follow a link) and wait for the page it
    leads to."""
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()


def _date(page, legend, day: date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_three_people_take_the_norfolk_cdi_2019_response_from_report_to_published_copies(
    people, live_server, browser, axe, screenshot_dir, settings, mailoutbox
):
    from playwright.sync_api import expect

    from responses.models import Response, Status

    # A loaded machine can take seconds over a page; Playwright's default wait is 5 s.
    expect.set_options(timeout=30_000)
    settings.SITE_URL = live_server.url  # the links in the emails lead to this server
    journey = Journey(axe, screenshot_dir)
    base = live_server.url
    today = timezone.localdate()
    contexts = []

    def banner(page):
        return page.locator(".govuk-notification-banner")

    try:
        # --- The drafter records the report -------------------------------------------------
        context, drafter = _context(browser)
        contexts.append(context)
        drafter.goto(base + "/accounts/sign-in/")
        journey.shot(drafter, "sign-in")
        _sign_in(drafter, "dana.drafter")
        expect(drafter).to_have_url(re.compile(r"/responses/$"))
        journey.shot(drafter, "drafter-dashboard")

        drafter.goto(base + "/reports/")
        _submit(drafter, "Record a report")
        expect(drafter.get_by_role("heading", level=1)).to_have_text("Record a report")
        drafter.get_by_label("Title", exact=True).fill(TITLE)
        _date(drafter, "Date published", PUBLISHED)
        drafter.get_by_label("Type of report").select_option(label="Crime data integrity")
        drafter.get_by_label("Type of inspection, in the office's words").fill("Thematic")
        # Force-specific and Norfolk Constabulary are offered already for Norfolk's office.
        expect(drafter.get_by_label("Force-specific")).to_be_checked()
        expect(drafter.get_by_label("Norfolk Constabulary", exact=True)).to_be_checked()
        journey.shot(drafter, "report-details")
        _submit(drafter, "Save and continue")
        expect(banner(drafter)).to_contain_text("Report recorded.")
        expect(drafter.get_by_role("heading", level=1)).to_have_text(TITLE)
        report_url = drafter.url

        # Each section on its own page; several items at once through the paste box.
        _submit(drafter, "Add key findings", role="link")
        drafter.get_by_label("Add several key findings at once").fill("\n".join(KEY_FINDINGS))
        journey.shot(drafter, "key-findings")
        _submit(drafter, "Save and return to the report")
        expect(banner(drafter)).to_contain_text("Key findings saved.")

        _submit(drafter, "Add causes of concern", role="link")
        drafter.get_by_label("Add several causes of concern at once").fill(CAUSE_OF_CONCERN)
        _submit(drafter, "Save and return to the report")
        expect(banner(drafter)).to_contain_text("Causes of concern saved.")

        # The recommendations one row each: addressed to the force, "immediately", and
        # answering the cause of concern.
        _submit(drafter, "Add recommendations", role="link")
        rows = drafter.locator(".app-section-item")
        expect(rows).to_have_count(3)
        for index, text in enumerate(RECOMMENDATIONS):
            row = rows.nth(index)
            row.get_by_label("Text", exact=True).fill(text)
            row.get_by_label("The force", exact=True).check()
            row.get_by_label("Timescale").fill("immediately")
            # The only choice after "None" is the cause of concern just recorded.
            row.get_by_label("Cause of concern it answers").select_option(index=1)
        journey.shot(drafter, "recommendations")
        _submit(drafter, "Save and return to the report")
        expect(banner(drafter)).to_contain_text("Recommendations saved.")

        _submit(drafter, "Add areas for improvement", role="link")
        drafter.get_by_label("Add several areas for improvement at once").fill(
            "\n".join(f"- {afi}" for afi in AFIS)
        )
        _submit(drafter, "Save and return to the report")
        expect(banner(drafter)).to_contain_text("Areas for improvement saved.")

        main = drafter.locator("main")
        expect(main).to_contain_text("Tuesday 7 January 2020")
        expect(main).to_contain_text("Crime data integrity (Thematic)")
        expect(drafter.get_by_role("heading", name="Key findings (4)")).to_be_visible()
        expect(drafter.get_by_role("heading", name="Causes of concern (1)")).to_be_visible()
        expect(drafter.get_by_role("heading", name="Recommendations (3)")).to_be_visible()
        expect(drafter.get_by_role("heading", name="Areas for improvement (6)")).to_be_visible()
        for reference in ("R1", "R2", "R3", "AFI1", "AFI6"):
            expect(drafter.get_by_role("heading", name=reference, exact=True)).to_be_visible()
        expect(main.get_by_text("Addressed to: The force")).to_have_count(3)
        expect(main.get_by_text(re.compile(r"Timescale: immediately"))).to_have_count(3)
        expect(main).to_contain_text("Recommendations: R1, R2, R3")
        journey.shot(drafter, "report", axe=True)

        # --- Recording the report opened the office's response: the drafter goes to it and
        # invites the force ----------------------------------------------------------------
        expect(main.locator(".govuk-tag").first).to_have_text("Not started")
        _submit(drafter, "Go to the response", role="link")
        response_url = drafter.url
        assert re.search(r"/responses/\d+/$", response_url), response_url
        response = Response.objects.get(report__title=TITLE)
        main = drafter.locator("main")
        expect(main.locator(".govuk-tag").first).to_have_text("Not started")
        expect(main).to_contain_text("due Monday 2 March 2020")
        expect(main).to_contain_text("Monday 2 March 2020 (day 56)")
        expect(main).to_contain_text("0 of 3 explained")
        journey.shot(drafter, "response-not-started", axe=True)

        _submit(drafter, "Invite the force to comment")
        expect(drafter.locator("main")).to_contain_text("Fran Force")
        journey.shot(drafter, "invite")
        _submit(drafter, "Invite the force")
        # The 2020 report's publish-by date has long passed, so the reply-by date offered is the
        # first working day from today (responses.deadlines.suggested_force_reply_by): today on
        # a working day, the next Monday (or later, past a bank holiday) at a weekend.
        reply_by = add_working_days(today - timedelta(days=1), 1)
        expect(banner(drafter)).to_contain_text(
            "The force has been invited to comment by "
            f"{reply_by:%A} {reply_by.day} {reply_by:%B %Y}. An email with a link to this "
            "response has been sent to Fran Force."
        )
        expect(drafter.locator("main .govuk-tag").first).to_have_text("Awaiting force comments")
        journey.shot(drafter, "response-awaiting-force")

        invitation = next(m for m in mailoutbox if m.to == ["fran.force@norfolk.police.example"])
        assert TITLE in invitation.subject
        link = re.search(r"https?://\S+/responses/\d+/", invitation.body).group(0)
        assert link == response_url

        # --- The force follows the emailed link, signs in, comments and submits -------------
        context, force = _context(browser)
        contexts.append(context)
        force.goto(link)
        expect(force).to_have_url(re.compile(r"/accounts/sign-in/"))
        _sign_in(force, "fran.force")
        expect(force).to_have_url(response_url)
        main = force.locator("main")
        expect(main).to_contain_text("Not submitted yet")
        expect(main).to_contain_text("Monday 2 March 2020 (the statutory deadline)")
        expect(main.get_by_text("Timescale: immediately")).to_have_count(3)
        journey.shot(force, "force-invited", axe=True)

        _submit(force, "Write the force's comments")
        force.get_by_label("Comments of the chief officer").fill(FORCE_COMMENTS)
        force.get_by_label("Name of the person the comments are from").fill("Paul Sanford")
        force.get_by_label("Their role").fill("Deputy Chief Constable")
        for reference, comment in FORCE_ON_RECOMMENDATION.items():
            force.get_by_label(f"Comment on {reference}").fill(comment)
        journey.shot(force, "force-comments")
        _submit(force, "Submit to the office")
        expect(banner(force)).to_contain_text(
            "Your comments have been submitted to Office of the Police and Crime Commissioner "
            "for Norfolk. They can no longer be changed here."
        )
        main = force.locator("main")
        expect(main.locator(".govuk-tag", has_text="Submitted")).to_be_visible()
        expect(main).to_contain_text("From Paul Sanford, Deputy Chief Constable")
        expect(main).to_contain_text(FORCE_ON_RECOMMENDATION["R3"])
        expect(force.get_by_role("button", name="Continue your comments")).to_have_count(0)
        journey.shot(force, "force-submitted", axe=True)
        assert any(
            m.to == ["dana.drafter@norfolk-pcc.example"] and "submitted its comments" in m.subject
            for m in mailoutbox
        )

        # --- The drafter sees the force's comments and writes the office's ------------------
        drafter.reload()
        main = drafter.locator("main")
        expect(main.locator(".govuk-tag").first).to_have_text("Drafting")
        expect(main).to_contain_text(f"Received on {today.day} {today:%B %Y}")
        journey.shot(drafter, "response-drafting", axe=True)

        _submit(drafter, "Reply to the force's comments", role="link")
        expect(drafter.locator(".govuk-details")).to_contain_text(
            "We accept the recommendations of HMICFRS"
        )
        drafter.get_by_label("Reply to the force's comments").fill(REPLY_TO_FORCE)
        journey.shot(drafter, "reply-to-force")
        _submit(drafter, "Save")
        expect(banner(drafter)).to_contain_text("The reply to the force has been saved.")

        _submit(drafter, "The Police and Crime Commissioner's comments", role="link")
        drafter.get_by_label("The Police and Crime Commissioner's comments").fill(OFFICE_COMMENTS)
        journey.shot(drafter, "office-comments")
        _submit(drafter, "Save")
        expect(banner(drafter)).to_contain_text(
            "The police and crime commissioner's comments have been saved."
        )

        _submit(drafter, "Explain the action on every recommendation", role="link")
        main = drafter.locator("main")
        for comment in FORCE_ON_RECOMMENDATION.values():
            expect(main).to_contain_text(comment)
        expect(main).not_to_contain_text("the force has not submitted its comments yet")
        journey.shot(drafter, "recommendations-to-explain", axe=True)
        for reference, text in EXPLANATIONS.items():
            _submit(drafter, f"Write the explanation for {reference}", role="link")
            expect(drafter.get_by_role("heading", level=1)).to_have_text(
                f"Explanation for {reference}"
            )
            expect(drafter.locator("main")).to_contain_text(FORCE_ON_RECOMMENDATION[reference])
            drafter.get_by_label("Action proposed").check()
            drafter.get_by_label("Explanation", exact=True).fill(text)
            if reference == "R1":
                journey.shot(drafter, "explanation-r1")
            _submit(drafter, "Save")
            expect(banner(drafter)).to_contain_text(
                f"The explanation for {reference} has been saved."
            )
        expect(drafter.locator("main")).to_contain_text("3 of 3 explained")

        drafter.goto(response_url)
        main = drafter.locator("main")
        expect(main).to_contain_text("Everything is written: submit the response for approval.")
        expect(main).to_contain_text("3 of 3 explained")
        # Areas for improvement need no explanation in law (s55(5B) is about recommendations);
        # like the reference response, this one does not answer them one by one.
        expect(main).to_contain_text("0 of 6 answered")
        journey.shot(drafter, "response-ready")
        _submit(drafter, "Submit for approval")
        expect(banner(drafter)).to_contain_text("Submitted for approval.")
        expect(drafter.locator("main .govuk-tag").first).to_have_text("Awaiting approval")
        expect(drafter.locator("main")).to_contain_text(
            "Waiting for another approver: you submitted it, so someone else must approve it."
        )
        journey.shot(drafter, "response-submitted")

        # --- The drafter cannot approve ------------------------------------------------------
        # Dana is a drafter only: approving is the sign-off of an approver or the office's admin
        # (responses.workflow.ACTION_ROLES), so the page offers her no approval and the approval
        # page refuses her; the service refuses it too (tests/responses/test_action_roles.py).
        expect(drafter.get_by_role("button", name="Approve or send back")).to_have_count(0)
        drafter.goto(response_url + "approve/")
        expect(drafter.get_by_role("heading", level=1)).to_have_text("You cannot open this page")
        expect(drafter.locator("main")).to_contain_text(
            "Your role in this office cannot approve a response."
        )
        journey.shot(drafter, "drafter-approval-refused", axe=True)
        drafter.goto(response_url)
        expect(drafter.locator("main .govuk-tag").first).to_have_text("Awaiting approval")

        # --- The approver approves -------------------------------------------------------
        context, approver = _context(browser)
        contexts.append(context)
        approver.goto(base + "/accounts/sign-in/?next=" + response_url.removeprefix(base))
        _sign_in(approver, "alex.approver")
        expect(approver).to_have_url(response_url)
        expect(approver.locator("main")).to_contain_text(
            "Read the response, then approve it or send it back with a reason."
        )
        journey.shot(approver, "approver-response")
        _submit(approver, "Approve or send back")
        main = approver.locator("main")
        expect(main).to_contain_text("being made so that we have crime data in which victims")
        expect(main).to_contain_text("We accept the recommendations of HMICFRS")
        expect(main).to_contain_text(REPLY_TO_FORCE)
        expect(main).to_contain_text(f"R2: Action proposed {EXPLANATIONS['R2']}")
        journey.shot(approver, "approve", axe=True)
        _submit(approver, "Approve")
        expect(banner(approver)).to_contain_text("Approved. It can now be published.")
        expect(approver.locator("main .govuk-tag").first).to_have_text("Approved")
        journey.shot(approver, "response-approved")

        # --- The approver publishes; the drafter records the copies sent ------------------
        drafter.reload()
        expect(drafter.locator("main .govuk-tag").first).to_have_text("Approved")
        expect(drafter.get_by_role("button", name="Publish the response")).to_have_count(0)
        _submit(approver, "Publish the response")
        expect(approver.locator(".govuk-warning-text")).to_contain_text(
            "The due date has passed: give the reason it is published late."
        )
        # Who signs is required: the title comes from the office's holder data; this office's
        # admin has not recorded the holder's name, so the approver types it.
        expect(approver.get_by_label("Their title")).to_have_value("Police and Crime Commissioner")
        approver.get_by_label("Name of the person signing the response").fill("Giles Orpen-Smellie")
        approver.get_by_label("Address of the published response").fill(PUBLISHED_URL)
        approver.get_by_label("Why it was published after the due date").fill(LATE_REASON)
        journey.shot(approver, "publish", axe=True)
        _submit(approver, "Record the publication")
        expect(banner(approver)).to_contain_text(
            "Published. Now send copies to HMICFRS and the Home Secretary (s55(6))"
        )
        drafter.goto(response_url + "copies/")
        expect(drafter.get_by_role("heading", level=1)).to_have_text("Copies sent")
        for legend in (
            "Sent to HMICFRS",
            "Sent to the Home Secretary",
            "Sent to the Norfolk Police and Crime Panel",
            "Sent to the chief officer",
        ):
            _date(drafter, legend, today)
        journey.shot(drafter, "copies")
        _submit(drafter, "Save")
        expect(banner(drafter)).to_contain_text("The copies sent have been recorded.")

        expect(drafter).to_have_url(response_url)
        main = drafter.locator("main")
        expect(main.locator(".govuk-tag").first).to_have_text("Published")
        expect(main).to_contain_text(f"Published on {today.day} {today:%B %Y}")
        expect(main).to_contain_text("4 of 4 recorded")
        expect(main).to_contain_text(
            "Published and copies sent. Nothing more to do unless the response is amended."
        )
        expect(main).to_contain_text(LATE_REASON)
        expect(main.get_by_role("link", name=PUBLISHED_URL)).to_be_visible()
        journey.shot(drafter, "response-published", axe=True)

        drafter.goto(report_url)
        expect(drafter.locator("main .govuk-tag").first).to_have_text("Published")
        journey.shot(drafter, "report-published", axe=True)
    finally:
        expect.set_options(timeout=5_000)  # the option is global: give other tests the default
        for context in contexts:
            context.close()

    # What was recorded, as the statute's duties read it.
    response = Response.objects.get(pk=response.pk)
    assert response.status == Status.PUBLISHED
    assert response.published_on == today
    assert response.late_reason == LATE_REASON
    assert response.force_comments_author_name == "Paul Sanford"
    assert response.submitted_for_approval_by == people["drafter"]
    assert response.approved_by == people["approver"]
    version = response.versions.get()
    assert response.signatory_name == "Giles Orpen-Smellie"
    assert [
        version.copy_hmicfrs_on,
        version.copy_home_secretary_on,
        version.copy_panel_on,
        version.copy_chief_officer_on,
    ] == [today] * 4
