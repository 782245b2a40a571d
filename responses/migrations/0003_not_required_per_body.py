"""Whether a response is needed is decided per body, no longer by a switch on the report.

Until now a report carried `s55_applies` and `s55_exemption_reason`, shared by every office: one
office switching a national report off refused every other office a response. From now on the
only report-wide rule is "fire and rescue reports never attract s55" (`Report.attracts_s55`);
every other "no response needed" is one body's response marked "not required" with its reason.

This migration runs before `inspections.0005_report_s55_decided_per_body` removes the two fields
and carries each switched-off report's reason onto the bodies it concerns (every body for a
national report, else the bodies of the forces it covers, and any body that already has a
response to it), so no reason is lost:

- a body with no response gets one, "not required", with the reason;
- a body whose response was not started has it marked "not required", with the reason;
- a body that already marked its response "not required" keeps its own reason;
- a body that had started work (or published) is left as it is, and the report's reason is
  added to its internal notes so it is still there to read.

Each change writes a history row naming the reason. Idempotent: a second run changes nothing.
The reverse does nothing (the removed fields come back as "applies", and the responses stay).
"""

from datetime import date, timedelta

from django.db import migrations
from django.utils import timezone

NOTE = (
    "Recorded on the report before each office decided for itself: "
    "no Section 55 response needed: {reason}"
)
NO_REASON = "The report was recorded as needing no Section 55 response (no reason was given)."
HISTORY_REASON = "As recorded on the report: {reason}"
#: s55(5A) commenced on 2 May 2017; "56 days beginning with" publication day is day 1 + 55.
#: (Frozen here, as responses.deadlines.statutory_due_date computes it today.)
COMMENCEMENT, LAST_DAY = date(2017, 5, 2), 55


def _due(published_on):
    return None if published_on < COMMENCEMENT else published_on + timedelta(days=LAST_DAY)


def _history(HistoricalResponse, Response, response, when, reason):
    """The history row of this change. The reason is kept whole on the response itself; the
    history column may be shorter, so it is shortened to fit there."""
    limit = HistoricalResponse._meta.get_field("history_change_reason").max_length
    if limit and len(reason) > limit:
        reason = reason[: limit - 1].rstrip() + "\u2026"
    values = {f.attname: getattr(response, f.attname) for f in Response._meta.concrete_fields}
    HistoricalResponse.objects.create(
        **values,
        history_date=when,
        history_type="~" if response.lock_version > 1 else "+",
        history_user_id=None,
        history_change_reason=reason,
    )


def decide_per_body(apps, schema_editor):
    from responses.deadlines import publish_by_date

    Report = apps.get_model("inspections", "Report")
    PolicingBody = apps.get_model("accounts", "PolicingBody")
    Response = apps.get_model("responses", "Response")
    HistoricalResponse = apps.get_model("responses", "HistoricalResponse")

    now = timezone.now()
    switched_off = Report.objects.filter(s55_applies=False).exclude(report_type="fire")
    for report in switched_off.order_by("pk"):
        reason = report.s55_exemption_reason.strip() or NO_REASON
        existing = {r.policing_body_id: r for r in Response.objects.filter(report=report)}
        if report.scope == "national":
            bodies = set(PolicingBody.objects.values_list("pk", flat=True))
        else:
            forces = report.forces.values_list("pk", flat=True)
            bodies = set(
                PolicingBody.objects.filter(force_id__in=forces).values_list("pk", flat=True)
            )
        for body_id in sorted(bodies | set(existing)):
            response = existing.get(body_id)
            if response is None:
                due = _due(report.published_on)
                response = Response.objects.create(
                    report=report,
                    policing_body_id=body_id,
                    status="not_required",
                    not_required_reason=reason,
                    due_date=due,
                    publish_by=publish_by_date(due) if due else None,
                )
            elif response.status == "not_started":
                response.status = "not_required"
                response.not_required_reason = reason
                response.lock_version += 1
                response.save(update_fields=["status", "not_required_reason", "lock_version"])
            elif response.status == "not_required":
                continue
            else:
                note = NOTE.format(reason=reason)
                if note in response.internal_notes:
                    continue
                response.internal_notes = "\n\n".join(
                    part for part in (response.internal_notes.strip(), note) if part
                )
                response.lock_version += 1
                response.save(update_fields=["internal_notes", "lock_version"])
            _history(
                HistoricalResponse,
                Response,
                response,
                now,
                HISTORY_REASON.format(reason=reason),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_reference_data"),
        ("inspections", "0004_rederive_recommendation_timescales"),
        ("responses", "0002_history_reason_of_any_length"),
    ]
    # The reasons are read from the fields that inspections.0005 removes.
    run_before = [("inspections", "0005_report_s55_decided_per_body")]

    operations = [migrations.RunPython(decide_per_body, migrations.RunPython.noop)]
