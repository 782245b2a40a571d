"""Answering a linked recommendation by reference ("see our response to ..."): s55(5B) is
satisfied only once the referenced explanation is published (`Explanation.reference_problem`,
checked by `publication_problems`), and the published page says so with a link. Then the
tracker tracks the two once, showing the same progress on both responses' public pages."""

from datetime import date

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from accounts.models import Membership
from inspections.links import finding_link_create
from inspections.models import FindingLink, Scope
from public.models import PublishedItem
from responses.models import Explanation, Status
from responses.services import (
    explanation_answer_by_reference,
    explanation_save,
    publication_problems,
    reference_options,
    response_approve,
    response_invite_force,
    response_publish,
    response_record_force_comments,
    response_submit_for_approval,
    response_update_text,
    response_withdraw,
)
from responses.workflow import WorkflowError
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    make_response,
    office_user,
    policing_body,
)
from tracking.models import TrackerItem
from tracking.selectors import public_progress_for_response
from tracking.services import progress_update_add
from tracking.workflow import TrackingError

pytestmark = pytest.mark.django_db

NATIONAL_ON = date(2022, 11, 2)
PEEL_ON = date(2023, 6, 1)


class Office:
    def __init__(self, slug="norfolk-pcc"):
        self.body = policing_body(slug)
        self.drafter = office_user(self.body, Membership.Role.OPCC_DRAFTER)
        self.approver = office_user(self.body, Membership.Role.OPCC_APPROVER)

    def prepare(self, report, *, explain=True):
        """A response to `report` drafted to the point of approval."""
        response = make_response(report=report, body=self.body, acting_user=self.drafter)
        response = response_invite_force(
            response=response,
            invited_on=report.published_on,
            reply_by=report.published_on,
            acting_user=self.drafter,
        )
        response = response_record_force_comments(
            response=response,
            acting_user=self.drafter,
            text="The force accepts the recommendations.",
            received_on=report.published_on,
            author_name="A Chief",
        )
        if explain:
            for finding in report.findings.recommendations():
                explanation_save(
                    response=response,
                    finding=finding,
                    acting_user=self.drafter,
                    kind=Explanation.Kind.ACTION_PROPOSED,
                    text="The commissioner will check the force re-vets officers.",
                )
        return response_update_text(
            response=response, acting_user=self.drafter, office_comments="We welcome it."
        )

    def approve(self, response):
        response = response_submit_for_approval(response=response, acting_user=self.drafter)
        return response_approve(response=response, acting_user=self.approver)

    def publish(self, response, on):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return response_publish(response=response, published_on=on, acting_user=self.approver)


@pytest.fixture
def office():
    return Office()


@pytest.fixture
def reports():
    national = ReportFactory(
        title="Vetting, misconduct and misogyny",
        scope=Scope.NATIONAL,
        report_type="thematic",
        published_on=NATIONAL_ON,
        forces=[],
    )
    peel = ReportFactory(title="Norfolk PEEL 2023", report_type="peel", published_on=PEEL_ON)
    original = RecommendationFactory(report=national, text="Chief constables should re-vet.")
    copy = RecommendationFactory(report=peel, text="The chief constable should re-vet.")
    return national, peel, original, copy


@pytest.fixture
def linked(reports, office):
    national, peel, original, copy = reports
    with TestCase.captureOnCommitCallbacks(execute=True):
        finding_link_create(
            finding=copy,
            linked_to=original,
            kind=FindingLink.Kind.REPEATS_NATIONAL,
            acting_user=office.drafter,
        )
    return reports


def _by_reference(office, response, copy):
    target = reference_options(response, copy)
    assert len(target) == 1
    return explanation_answer_by_reference(
        response=response, finding=copy, refers_to=target[0], acting_user=office.drafter
    )


def test_an_answer_by_reference_to_an_unpublished_explanation_cannot_be_published(linked, office):
    national, peel, original, copy = linked
    national_response = office.prepare(national)
    peel_response = office.prepare(peel, explain=False)
    _by_reference(office, peel_response, copy)
    peel_response = office.approve(peel_response.__class__.objects.get(pk=peel_response.pk))

    problems = publication_problems(peel_response, published_on=date(2023, 7, 1))
    assert problems == [
        f"{copy.reference} answers by reference to the explanation of {original.reference} of "
        f"{national.title}, which is not published yet: publish that response first, or write "
        "this explanation in full (s55(5B))."
    ]
    with pytest.raises(WorkflowError, match="not published yet"):
        office.publish(peel_response, date(2023, 7, 1))
    assert national_response.status != Status.PUBLISHED


def test_once_the_referenced_explanation_is_published_the_answer_is_published_with_a_link(
    linked, office
):
    national, peel, original, copy = linked
    national_response = office.publish(office.approve(office.prepare(national)), date(2022, 12, 1))
    peel_response = office.prepare(peel, explain=False)
    _by_reference(office, peel_response, copy)
    peel_response = office.approve(peel_response.__class__.objects.get(pk=peel_response.pk))

    assert publication_problems(peel_response, published_on=date(2023, 7, 1)) == []
    peel_response = office.publish(peel_response, date(2023, 7, 1))

    item = PublishedItem.objects.get(record__response=peel_response, finding=copy)
    assert item.explanation == (
        f"See our response to {original.reference} of Vetting, misconduct and misogyny."
    )
    # The register and the statistics count it as the action it refers to.
    assert item.explanation_kind == Explanation.Kind.ACTION_PROPOSED
    snapshot = peel_response.versions.get().html_snapshot
    assert "Answered by reference: see our response to" in snapshot
    assert f'href="/published/{national_response.pk}/#recommendation-{original.pk}"' in snapshot
    assert f'id="recommendation-{original.pk}"' in national_response.versions.get().html_snapshot


def test_only_the_offices_own_explanation_of_a_linked_recommendation_may_be_referred_to(
    reports, office
):
    national, peel, original, copy = reports  # not linked
    office.prepare(national)
    peel_response = office.prepare(peel, explain=False)
    assert reference_options(peel_response, copy) == []
    suffolk = Office("suffolk-pcc")
    suffolks = Explanation.objects.get(response=suffolk.prepare(national), finding=original)
    with pytest.raises(WorkflowError, match="own written explanation"):
        explanation_answer_by_reference(
            response=peel_response, finding=copy, refers_to=suffolks, acting_user=office.drafter
        )


def test_writing_the_explanation_in_full_replaces_the_reference(linked, office):
    national, peel, original, copy = linked
    office.prepare(national)
    peel_response = office.prepare(peel, explain=False)
    _by_reference(office, peel_response, copy)
    explanation = explanation_save(
        response=peel_response.__class__.objects.get(pk=peel_response.pk),
        finding=copy,
        acting_user=office.drafter,
        kind=Explanation.Kind.ACTION_TAKEN,
        text="Done.",
    )
    assert explanation.refers_to is None
    assert (
        explanation.history.first().history_change_reason
        == f"Explanation for {copy.reference} saved"
    )


def test_linked_recommendations_are_tracked_once_with_the_same_progress_on_both_pages(
    linked, office
):
    national, peel, original, copy = linked
    national_response = office.publish(office.approve(office.prepare(national)), date(2022, 12, 1))
    peel_response = office.publish(office.approve(office.prepare(peel)), date(2023, 7, 1))
    primary = TrackerItem.objects.get(finding=original, policing_body=office.body)
    secondary = TrackerItem.objects.get(finding=copy, policing_body=office.body)
    assert secondary.tracked_with == primary

    with TestCase.captureOnCommitCallbacks(execute=True):
        progress_update_add(
            item=primary,
            acting_user=office.drafter,
            text="Every officer due for promotion has been re-vetted.",
            date=date(2023, 8, 1),
            status="in_progress",
            is_public=True,
        )
    with pytest.raises(TrackingError, match="add progress there"):
        progress_update_add(
            item=secondary, acting_user=office.drafter, text="x", date=date(2023, 8, 1)
        )

    on_national = public_progress_for_response(national_response)[original.pk]
    on_peel = public_progress_for_response(peel_response)[copy.pk]
    assert on_peel == on_national
    assert on_peel["status_label"] == "In progress"
    assert [u["text"] for u in on_peel["public_updates"]] == [
        "Every officer due for promotion has been re-vetted."
    ]


def test_a_link_made_after_both_are_tracked_joins_the_items(reports, office):
    national, peel, original, copy = reports
    office.publish(office.approve(office.prepare(national)), date(2022, 12, 1))
    office.publish(office.approve(office.prepare(peel)), date(2023, 7, 1))
    secondary = TrackerItem.objects.get(finding=copy, policing_body=office.body)
    assert secondary.tracked_with is None

    with TestCase.captureOnCommitCallbacks(execute=True):
        finding_link_create(
            finding=copy,
            linked_to=original,
            kind=FindingLink.Kind.REPEATS_NATIONAL,
            acting_user=office.drafter,
        )

    secondary.refresh_from_db()
    assert secondary.tracked_with == TrackerItem.objects.get(
        finding=original, policing_body=office.body
    )
    assert "Tracked with" in secondary.history.first().history_change_reason


def test_a_reference_to_a_withdrawn_explanation_cannot_be_published(linked, office):
    national, peel, original, copy = linked
    national_response = office.publish(office.approve(office.prepare(national)), date(2022, 12, 1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response_withdraw(
            response=national_response,
            reason="Personal data published by mistake.",
            acting_user=office.approver,
        )
    peel_response = office.prepare(peel, explain=False)
    _by_reference(office, peel_response, copy)
    peel_response = office.approve(peel_response.__class__.objects.get(pk=peel_response.pk))
    problems = publication_problems(peel_response, published_on=date(2023, 7, 1))
    assert len(problems) == 1
    assert "whose published version was withdrawn" in problems[0]


def test_the_offices_tracker_lists_linked_recommendations_once(linked, office):
    national, peel, original, copy = linked
    office.publish(office.approve(office.prepare(national)), date(2022, 12, 1))
    office.publish(office.approve(office.prepare(peel)), date(2023, 7, 1))
    primary = TrackerItem.objects.get(finding=original, policing_body=office.body)
    secondary = TrackerItem.objects.get(finding=copy, policing_body=office.body)
    client = Client()
    client.force_login(office.drafter)

    page = client.get(reverse("tracking:item-list"))

    assert [row.pk for row in page.context["rows"]] == [primary.pk]
    html = page.content.decode()
    assert f'Also tracks <a class="govuk-link" href="/tracker/{secondary.pk}/">' in html
    detail = client.get(reverse("tracking:item-detail", args=[secondary.pk])).content.decode()
    assert "Tracked once with" in detail and "add progress there" in detail
