"""Track the recommendations and AFIs of responses published before the tracker existed.

From now on `tracking.services.track_after_publication` does this when a response is published;
responses published earlier (including the demo's, in a `var/` database made before this
migration) get the same items here: every recommendation for local action and every AFI, for
the responding office, open, with the recommendation's target date. Idempotent (existing items
are left alone), and each new item gets its "tracking started" history row.
"""

from django.db import migrations
from django.utils import timezone

TRACKED_KINDS = ("recommendation", "afi")
LOCAL_ADDRESSEES = {"force", "chief_constables", "policing_bodies"}


def _local(finding) -> bool:
    return finding.kind == "afi" or not finding.addressees or bool(
        LOCAL_ADDRESSEES.intersection(finding.addressees)
    )


def track_published(apps, schema_editor):
    Response = apps.get_model("responses", "Response")
    ResponseVersion = apps.get_model("responses", "ResponseVersion")
    Finding = apps.get_model("inspections", "Finding")
    GradedJudgement = apps.get_model("inspections", "GradedJudgement")
    TrackerItem = apps.get_model("tracking", "TrackerItem")
    has_report = any(f.name == "report" for f in TrackerItem._meta.fields)
    HistoricalTrackerItem = apps.get_model("tracking", "HistoricalTrackerItem")

    now = timezone.now()
    today = timezone.localdate(now)
    published = Response.objects.filter(
        pk__in=ResponseVersion.objects.values("response_id")
    ).order_by("pk")
    for response in published:
        latest = ResponseVersion.objects.filter(response=response).order_by("-number").first()
        areas = list(
            GradedJudgement.objects.filter(report_id=response.report_id).values_list(
                "area", flat=True
            )
        )
        existing = set(
            TrackerItem.objects.filter(policing_body_id=response.policing_body_id).values_list(
                "finding_id", flat=True
            )
        )
        findings = Finding.objects.filter(
            report_id=response.report_id, kind__in=TRACKED_KINDS
        ).order_by("position", "id")
        for finding in findings:
            if finding.pk in existing or not _local(finding):
                continue
            # Run on tables migrated past 0007 (as tests do), an item also needs its report.
            report = {"report_id": finding.report_id} if has_report else {}
            item = TrackerItem.objects.create(
                **report,
                finding_id=finding.pk,
                policing_body_id=response.policing_body_id,
                status="open",
                target_date=finding.target_date,
                area=areas[0] if len(areas) == 1 else "",
                tracked_on=today,
                created_by_id=latest.published_by_id,
            )
            HistoricalTrackerItem.objects.create(
                id=item.pk,
                finding_id=item.finding_id,
                policing_body_id=item.policing_body_id,
                status=item.status,
                target_date=item.target_date,
                area=item.area,
                tracked_on=item.tracked_on,
                created_by_id=item.created_by_id,
                created_at=item.created_at,
                updated_at=item.updated_at,
                history_date=now,
                history_type="+",
                history_user_id=None,
                history_change_reason="Tracking started for a response published earlier",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0001_initial"),
        ("responses", "0001_initial"),
    ]

    operations = [migrations.RunPython(track_published, migrations.RunPython.noop)]
