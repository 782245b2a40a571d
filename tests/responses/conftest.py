"""Fixtures for response tests: Norfolk's office, its people, a CDI report with two
recommendations and an AFI, and `flow`, which drives a response through the real services."""

from datetime import date

import pytest

from accounts.models import Membership
from responses.models import Explanation, Response, Status
from responses.services import (
    explanation_save,
    response_amend,
    response_approve,
    response_invite_force,
    response_mark_not_required,
    response_publish,
    response_record_force_comments,
    response_reinstate,
    response_send_back,
    response_start_drafting,
    response_submit_for_approval,
    response_update_text,
    response_withdraw,
)
from tests.factories import (
    AfiFactory,
    RecommendationFactory,
    ReportFactory,
    make_response,
    office_user,
    policing_body,
)

# Dates around Norfolk's CDI 2019 report (published Tue 7 Jan 2020, due Mon 2 Mar 2020).
INVITED_ON = date(2020, 1, 8)
REPLY_BY = date(2020, 2, 4)
FORCE_REPLIED_ON = date(2020, 2, 3)
PUBLISHED_ON = date(2020, 2, 21)


class Flow:
    """One response and the people who work on it. `do(action)` runs the service for an action
    of the transition table with its guards satisfied; `drive(status)` gets there by the usual
    route (invite, force replies, submit, approve, publish)."""

    def __init__(self, *, response: Response, drafter, approver):
        self.response = response
        self.drafter = drafter
        self.approver = approver

    @property
    def report(self):
        return self.response.report

    def refreshed(self) -> Response:
        return Response.objects.get(pk=self.response.pk)

    def write_text(self, office_comments: str = "The commissioner welcomes the report.") -> None:
        self.response = response_update_text(
            response=self.response,
            acting_user=self.drafter,
            office_comments=office_comments,
            reply_to_force="The commissioner will hold the chief constable to account.",
        )

    def explain(self, finding, *, kind=Explanation.Kind.ACTION_PROPOSED, text=None) -> Explanation:
        explanation = explanation_save(
            response=self.response,
            finding=finding,
            acting_user=self.drafter,
            kind=kind,
            text=f"Action for {finding.reference}." if text is None else text,
        )
        self.response = self.refreshed()
        return explanation

    def explain_all(self) -> None:
        for finding in self.report.findings.recommendations():
            self.explain(finding)

    def force_replies(self) -> Response:
        self.response = response_record_force_comments(
            response=self.response,
            acting_user=self.drafter,
            text="The force accepts the recommendations.",
            received_on=FORCE_REPLIED_ON,
            author_name="Chief Constable",
        )
        return self.response

    def do(self, action: str, *, as_user=None) -> Response:
        """Run the service for `action`, as the person whose role usually takes it (drafters
        prepare, the approver signs off: `responses.workflow.ACTION_ROLES`), or as `as_user`."""
        services = {
            "invite the force": lambda r: response_invite_force(
                response=r,
                invited_on=INVITED_ON,
                reply_by=REPLY_BY,
                acting_user=as_user or self.drafter,
            ),
            "start drafting": lambda r: response_start_drafting(
                response=r, acting_user=as_user or self.drafter
            ),
            "submit for approval": lambda r: response_submit_for_approval(
                response=r, acting_user=as_user or self.drafter
            ),
            "approve": lambda r: response_approve(response=r, acting_user=as_user or self.approver),
            "send back": lambda r: response_send_back(
                response=r, reason="Say more about R1.", acting_user=as_user or self.approver
            ),
            "publish": lambda r: response_publish(
                response=r, published_on=PUBLISHED_ON, acting_user=as_user or self.approver
            ),
            "amend": lambda r: response_amend(
                response=r, reason="Corrected a date in R2.", acting_user=as_user or self.approver
            ),
            "withdraw": lambda r: (
                response_withdraw(
                    response=r,
                    reason="Personal data was published by mistake.",
                    acting_user=as_user or self.approver,
                ).response
            ),
            "mark as not required": lambda r: response_mark_not_required(
                response=r,
                reason="Covered by the national report.",
                acting_user=as_user or self.drafter,
            ),
            "reinstate": lambda r: response_reinstate(
                response=r,
                reason="The national report does not cover it.",
                acting_user=as_user or self.drafter,
            ),
        }
        self.response = services[action](self.response)
        return self.response

    ACTIONS = (
        "invite the force",
        "start drafting",
        "submit for approval",
        "approve",
        "send back",
        "publish",
        "amend",
        "withdraw",
        "mark as not required",
        "reinstate",
    )

    def drive(self, status: Status, *, prepare: bool = True) -> Response:
        """Move a new response to `status`. With `prepare`, the office's text and every
        explanation are written first, so the approval guards are satisfied."""
        assert self.response.status == Status.NOT_STARTED, "drive() starts from a new response"
        if prepare:
            self.write_text()
            self.explain_all()
        if status == Status.NOT_REQUIRED:
            return self.do("mark as not required")
        route = [
            (Status.AWAITING_FORCE, lambda: self.do("invite the force")),
            (Status.DRAFTING, self.force_replies),
            (Status.AWAITING_APPROVAL, lambda: self.do("submit for approval")),
            (Status.APPROVED, lambda: self.do("approve")),
            (Status.PUBLISHED, lambda: self.do("publish")),
            (Status.WITHDRAWN, lambda: self.do("withdraw")),
        ]
        for reached, step in route:
            if self.response.status == status:
                break
            step()
            assert self.response.status == reached
        assert self.response.status == status
        return self.response


@pytest.fixture
def norfolk():
    """Norfolk's office, whose admin has recorded the holder's name (it signs the response)."""
    body = policing_body("norfolk-pcc")
    body.holder_name = "Giles Orpen-Smellie"
    body.save(update_fields=["holder_name"])
    return body


@pytest.fixture
def drafter(norfolk):
    return office_user(norfolk, Membership.Role.OPCC_DRAFTER, full_name="Dana Drafter")


@pytest.fixture
def approver(norfolk):
    return office_user(norfolk, Membership.Role.OPCC_APPROVER, full_name="Alex Approver")


@pytest.fixture
def report(norfolk):
    """Norfolk's CDI report with recommendations R1 and R2 and one area for improvement."""
    report = ReportFactory(
        title="Norfolk crime data integrity inspection 2019", forces=[norfolk.force]
    )
    RecommendationFactory(report=report)
    RecommendationFactory(report=report)
    AfiFactory(report=report)
    return report


@pytest.fixture
def response(report, norfolk, drafter):
    return make_response(report=report, body=norfolk, acting_user=drafter)


@pytest.fixture
def flow(response, drafter, approver):
    return Flow(response=response, drafter=drafter, approver=approver)
