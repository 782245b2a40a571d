"""Linking the same recommendation across reports (inspections.links): who may link, the kinds,
the history, the refusals (itself, twice, either way round, in a circle) and the suggestions,
which never link anything. Runs on SQLite and PostgreSQL; the tests marked for PostgreSQL hold
what the database itself decides there (its constraints, its trigram similarity)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts.models import Membership
from inspections.links import (
    LinkError,
    finding_link_create,
    finding_link_remove,
    link_suggestions,
    links_of,
    word_similarity,
)
from inspections.models import FindingLink, Report, Scope
from tests.factories import (
    MembershipFactory,
    RecommendationFactory,
    ReportFactory,
    UserFactory,
    force,
    office_user,
    policing_body,
)

pytestmark = pytest.mark.django_db

NATIONAL_TEXT = (
    "By March 2024, chief constables should make sure their forces vet every officer again "
    "before promotion and record the vetting decision with its reasons."
)
COPY_TEXT = (
    "By March 2024, the chief constable should make sure the force vets every officer again "
    "before promotion and records the vetting decision with its reasons."
)
OTHER_TEXT = "The force should improve how it answers emergency calls from people in crisis."


@pytest.fixture
def national():
    return ReportFactory(
        title="Vetting, misconduct and misogyny",
        scope=Scope.NATIONAL,
        report_type="thematic",
        published_on=date(2022, 11, 2),
        forces=[],
    )


@pytest.fixture
def peel():
    return ReportFactory(
        title="Norfolk PEEL 2023", report_type="peel", published_on=date(2023, 6, 1)
    )


@pytest.fixture
def drafter():
    return office_user(policing_body("norfolk-pcc"), Membership.Role.OPCC_DRAFTER)


def _link(a, b, user, kind=FindingLink.Kind.REPEATS_NATIONAL):
    return finding_link_create(finding=a, linked_to=b, kind=kind, acting_user=user)


def test_office_staff_link_their_forces_copy_to_the_national_recommendation(
    national, peel, drafter
):
    original = RecommendationFactory(report=national, text=NATIONAL_TEXT)
    copy = RecommendationFactory(report=peel, text=COPY_TEXT)

    link = _link(copy, original, drafter)

    assert (link.finding, link.linked_to, link.kind) == (copy, original, "repeats_national")
    assert link.created_by == drafter and link.created_at is not None
    record = link.history.get()
    assert record.history_user == drafter
    assert record.history_change_reason == "Linked: repeats a national recommendation"
    assert [other for _, other in links_of(copy)] == [original]
    assert [other for _, other in links_of(original)] == [copy]


def test_a_link_is_refused_to_itself_twice_either_way_round_and_in_a_circle(drafter, peel):
    earlier = ReportFactory(title="Norfolk PEEL 2021", report_type="peel")
    third = ReportFactory(title="Norfolk CDI 2020")
    a, b, c = (RecommendationFactory(report=r) for r in (peel, earlier, third))
    _link(a, b, drafter, FindingLink.Kind.CARRIED_OVER)
    _link(b, c, drafter, FindingLink.Kind.CARRIED_OVER)

    with pytest.raises(LinkError, match="itself"):
        _link(a, a, drafter)
    with pytest.raises(LinkError, match="already linked"):
        _link(a, b, drafter)
    with pytest.raises(LinkError, match="already linked"):
        _link(b, a, drafter)
    with pytest.raises(LinkError, match="circle"):
        _link(c, a, drafter, FindingLink.Kind.SUPERSEDES)
    assert FindingLink.objects.count() == 2


def test_only_recommendations_of_different_reports_and_known_kinds_are_linked(drafter, peel):
    a = RecommendationFactory(report=peel)
    same_report = RecommendationFactory(report=peel)
    with pytest.raises(LinkError, match="different reports"):
        _link(a, same_report, drafter)
    with pytest.raises(LinkError, match="Unknown kind"):
        _link(a, RecommendationFactory(), drafter, kind="copies")


def test_another_office_the_force_and_national_read_only_staff_cannot_link(national, peel):
    original = RecommendationFactory(report=national)
    copy = RecommendationFactory(report=peel)
    suffolk = office_user(policing_body("suffolk-pcc"), Membership.Role.OPCC_ADMIN)
    viewer = MembershipFactory(
        user=UserFactory(), role=Membership.Role.NATIONAL_VIEWER, policing_body=None, force=None
    ).user
    from tests.factories import force_user

    for person in (suffolk, force_user(force("norfolk")), viewer):
        with pytest.raises(PermissionDenied):
            _link(copy, original, person)
    assert not FindingLink.objects.exists()


def test_the_register_maintainer_links_any_two(national):
    suffolk_report = ReportFactory(forces=[force("suffolk")])
    maintainer = MembershipFactory(
        user=UserFactory(), role=Membership.Role.REGISTER_MAINTAINER, policing_body=None, force=None
    ).user
    link = _link(
        RecommendationFactory(report=suffolk_report),
        RecommendationFactory(report=national),
        maintainer,
    )
    assert link.created_by == maintainer


def test_removing_a_link_needs_a_reason_and_keeps_it_in_the_history(national, peel, drafter):
    link = _link(
        RecommendationFactory(report=peel), RecommendationFactory(report=national), drafter
    )
    with pytest.raises(LinkError, match="why"):
        finding_link_remove(link=link, acting_user=drafter, reason=" ")
    finding_link_remove(link=link, acting_user=drafter, reason="Not the same recommendation.")
    assert not FindingLink.objects.exists()
    removed = FindingLink.history.filter(history_type="-").get()
    assert removed.history_change_reason == "Link removed: Not the same recommendation."
    assert removed.history_user == drafter


def test_suggestions_offer_the_similar_recommendation_of_the_same_force_and_link_nothing(
    national, peel
):
    original = RecommendationFactory(report=national, text=NATIONAL_TEXT)
    RecommendationFactory(report=national, text=OTHER_TEXT)
    suffolk_only = ReportFactory(forces=[force("suffolk")])
    RecommendationFactory(report=suffolk_only, text=NATIONAL_TEXT)  # another force's report
    copy = RecommendationFactory(report=peel, text=COPY_TEXT)

    suggestions = link_suggestions(copy)

    assert [s.finding for s in suggestions] == [original]
    assert 0.3 <= suggestions[0].score <= 1
    assert not FindingLink.objects.exists()


def test_a_linked_recommendation_is_no_longer_suggested(national, peel, drafter):
    original = RecommendationFactory(report=national, text=NATIONAL_TEXT)
    copy = RecommendationFactory(report=peel, text=COPY_TEXT)
    _link(copy, original, drafter)
    assert link_suggestions(copy) == []


def test_word_similarity_is_the_share_of_meaningful_words_in_common():
    assert word_similarity("Vet every officer again", "vet EVERY officer again.") == 1
    assert word_similarity("Vet every officer", "Answer emergency calls") == 0
    assert word_similarity("", "anything") == 0


# --- What PostgreSQL decides -------------------------------------------------------------------


@pytest.mark.usefixtures("postgres_required")
def test_postgresql_refuses_a_self_link_and_a_second_link_either_way_round(national, peel, drafter):
    a = RecommendationFactory(report=peel)
    b = RecommendationFactory(report=national)
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingLink.objects.create(finding=a, linked_to=a, kind="supersedes", created_by=drafter)
    FindingLink.objects.create(finding=a, linked_to=b, kind="supersedes", created_by=drafter)
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingLink.objects.create(finding=b, linked_to=a, kind="supersedes", created_by=drafter)
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingLink.objects.create(finding=a, linked_to=b, kind="carried_over", created_by=drafter)


@pytest.mark.usefixtures("postgres_required")
def test_postgresql_finds_a_cycle_through_several_links(drafter):
    reports = [ReportFactory(title=f"Norfolk report {n}") for n in range(4)]
    chain = [RecommendationFactory(report=r) for r in reports]
    for newer, older in zip(chain, chain[1:], strict=False):
        _link(newer, older, drafter, FindingLink.Kind.CARRIED_OVER)
    with pytest.raises(LinkError, match="circle"):
        _link(chain[-1], chain[0], drafter, FindingLink.Kind.SUPERSEDES)


@pytest.mark.usefixtures("postgres_required")
def test_postgresql_trigram_similarity_ranks_the_closest_text_first(national, peel):
    close = RecommendationFactory(report=national, text=NATIONAL_TEXT)
    looser = RecommendationFactory(
        report=ReportFactory(title="Norfolk vetting 2021", report_type="thematic"),
        text="Chief constables should make sure their forces vet officers before promotion.",
    )
    RecommendationFactory(report=national, text=OTHER_TEXT)
    copy = RecommendationFactory(report=peel, text=COPY_TEXT)

    suggestions = link_suggestions(copy)

    assert [s.finding for s in suggestions] == [close, looser]
    assert suggestions[0].score > suggestions[1].score >= 0.3
    assert Report.objects.count() == 3


@pytest.mark.usefixtures("postgres_required")
@pytest.mark.django_db(transaction=True)
def test_postgresql_two_people_cannot_close_a_circle_between_them(monkeypatch):
    """B -> C and C -> A, each fine alone, together close A -> B -> C -> A. Each check runs,
    then waits (up to two seconds) for the other's: with link writes serialised by the advisory
    lock, the second person's check waits for the first commit, sees it and refuses."""
    import contextlib
    import threading

    from inspections import links

    drafter = office_user(policing_body("norfolk-pcc"), Membership.Role.OPCC_DRAFTER)
    a, b, c = (RecommendationFactory(report=ReportFactory()) for _ in range(3))
    _link(a, b, drafter, FindingLink.Kind.CARRIED_OVER)

    barrier = threading.Barrier(2)
    checked = links._would_close_cycle

    def slow_check(finding_id, linked_to_id):
        found = checked(finding_id, linked_to_id)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return found

    monkeypatch.setattr(links, "_would_close_cycle", slow_check)
    outcomes = []

    def link(finding, linked_to):
        try:
            _link(finding, linked_to, drafter, FindingLink.Kind.CARRIED_OVER)
            outcomes.append("linked")
        except LinkError:
            outcomes.append("refused")
        finally:
            from django.db import connection

            connection.close()

    threads = [
        threading.Thread(target=link, args=(b, c)),
        threading.Thread(target=link, args=(c, a)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["linked", "refused"]
    assert FindingLink.objects.count() == 2
