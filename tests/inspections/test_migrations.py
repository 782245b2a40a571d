"""The data migration that derives recommendations' timescales again with the current rules."""

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps

from inspections.models import Finding
from tests.factories import AfiFactory, RecommendationFactory, ReportFactory

pytestmark = pytest.mark.django_db

rederive = import_module("inspections.migrations.0004_rederive_recommendation_timescales").rederive


def test_timescales_stored_under_the_old_rules_are_derived_again_and_the_text_kept():
    report = ReportFactory(published_on=date(2014, 11, 27))
    immediate = RecommendationFactory(report=report, timescale_text="Immediately")
    not_later = RecommendationFactory(report=report, timescale_text="Not later than 31 March 2015")
    within = RecommendationFactory(report=report, timescale_text="within six months")
    afi = AfiFactory(report=report)
    # As the old rules stored them.
    Finding.objects.filter(pk=immediate.pk).update(target_date=report.published_on)
    Finding.objects.filter(pk=not_later.pk).update(timescale_kind="unrecognised", target_date=None)

    rederive(apps, None)

    stored = {
        f.pk: (f.timescale_text, f.timescale_kind, f.target_date) for f in Finding.objects.all()
    }
    assert stored[immediate.pk] == ("Immediately", "immediate", None)
    assert stored[not_later.pk] == ("Not later than 31 March 2015", "by_date", date(2015, 3, 31))
    assert stored[within.pk] == ("within six months", "within_period", date(2015, 5, 27))
    assert stored[afi.pk] == (afi.timescale_text, afi.timescale_kind, afi.target_date)
