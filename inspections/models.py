"""HMICFRS inspection reports and what they contain.

Vocabulary from HMICFRS: graded judgements, key findings, causes of concern, recommendations,
areas for improvement (AFIs) and innovative or promising practice. A report's findings are one
ordered list of `Finding` rows whose `kind` says which of these each one is, so that importing,
reordering and re-classifying are simple.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least, Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import Force, PolicingBody

from .inspectorate import InspectorateName, inspectorate_on


class ReportType(models.TextChoices):
    PEEL = "peel", gettext_lazy("PEEL inspection")
    PEEL_SPOTLIGHT = "peel_spotlight", gettext_lazy("PEEL spotlight report")
    CRIME_DATA_INTEGRITY = "cdi", gettext_lazy("Crime data integrity")
    NATIONAL_THEMATIC = "thematic", gettext_lazy("National thematic inspection")
    JOINT = "joint", gettext_lazy("Joint inspection")
    CHILD_PROTECTION = "child_protection", gettext_lazy("Child protection inspection")
    CUSTODY = "custody", gettext_lazy("Custody inspection")
    STATE_OF_POLICING = "state_of_policing", gettext_lazy("State of Policing")
    COMMISSIONED = "commissioned", gettext_lazy("Commissioned inspection")
    ACCELERATED_CAUSE_OF_CONCERN = (
        "accelerated_coc",
        gettext_lazy("Accelerated cause of concern letter"),
    )
    FIRE = "fire", gettext_lazy("Fire and rescue inspection")
    OTHER = "other", gettext_lazy("Other")


#: Report types with no Section 55 duty for anyone: fire and rescue inspection reports (fire
#: authorities publish action plans instead; there is no s55 response and no 56-day rule). Every
#: other "no response needed" is one body's decision: its response is "not required", with the
#: reason it recorded (responses.services.response_mark_not_required).
REPORT_TYPES_WITHOUT_S55 = frozenset({ReportType.FIRE})


class Scope(models.TextChoices):
    FORCE = "force", gettext_lazy("Force-specific")
    MULTI_FORCE = "multi_force", gettext_lazy("Multi-force")
    NATIONAL = "national", gettext_lazy("National")


class Inspectorate(models.TextChoices):
    HMICFRS = "hmicfrs", gettext_lazy("HMICFRS")
    HMCPSI = "hmcpsi", gettext_lazy("HM Crown Prosecution Service Inspectorate")
    HMI_PRISONS = "hmi_prisons", gettext_lazy("HM Inspectorate of Prisons")
    HMI_PROBATION = "hmi_probation", gettext_lazy("HM Inspectorate of Probation")
    OFSTED = "ofsted", gettext_lazy("Ofsted")
    CQC = "cqc", gettext_lazy("Care Quality Commission")


class GradingFramework(models.TextChoices):
    FOUR_GRADES = "four", gettext_lazy("Four grades (to 2019)")
    FIVE_GRADES = "five", gettext_lazy("Five grades (PEEL 2021/22 onwards)")
    NOT_GRADED = "none", gettext_lazy("Not graded")


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", gettext_lazy("Outstanding")
    GOOD = "good", gettext_lazy("Good")
    ADEQUATE = "adequate", gettext_lazy("Adequate")
    REQUIRES_IMPROVEMENT = "requires_improvement", gettext_lazy("Requires improvement")
    INADEQUATE = "inadequate", gettext_lazy("Inadequate")
    NOT_GRADED = "not_graded", gettext_lazy("Not graded")


GRADES_BY_FRAMEWORK = {
    GradingFramework.FOUR_GRADES: {
        Grade.OUTSTANDING,
        Grade.GOOD,
        Grade.REQUIRES_IMPROVEMENT,
        Grade.INADEQUATE,
        Grade.NOT_GRADED,
    },
    GradingFramework.FIVE_GRADES: set(Grade),
    GradingFramework.NOT_GRADED: {Grade.NOT_GRADED},
}


class Addressee(models.TextChoices):
    FORCE = "force", gettext_lazy("The force")
    CHIEF_CONSTABLES = "chief_constables", gettext_lazy("Chief constables")
    # Named for the body reading it where there is one (`addressee_label`): a mayor is no PCC.
    POLICING_BODIES = (
        "policing_bodies",
        gettext_lazy(
            "Local policing bodies (police and crime commissioners and their equivalents)"
        ),
    )
    HOME_OFFICE = "home_office", gettext_lazy("The Home Office")
    COLLEGE_OF_POLICING = "college_of_policing", gettext_lazy("The College of Policing")
    NPCC = "npcc", gettext_lazy("The National Police Chiefs' Council")
    OTHER = "other", gettext_lazy("Others")


#: Addressees whose recommendations call for action by the force or its policing body.
LOCAL_ADDRESSEES = frozenset(
    {Addressee.FORCE, Addressee.CHIEF_CONSTABLES, Addressee.POLICING_BODIES}
)


def addressee_label(code: str, *, body=None) -> str:
    """An addressee's name; recommendations to all local policing bodies ("PCCs") are named
    for `body`'s kind when given (`PolicingBody.addressee_label`)."""
    if code == Addressee.POLICING_BODIES and body is not None:
        return body.addressee_label
    return Addressee(code).label


class ReportQuerySet(models.QuerySet):
    def covering_force(self, force):
        """Reports about `force`: those covering it and every national report (the mirror of
        `Report.bodies_concerned`). One semi-join on the union of the two sets of ids: not a
        join and DISTINCT (with ten years of reports the DISTINCT sorted every column of every
        matching report before a page of 20 could be cut), and not "covering OR national",
        which PostgreSQL can only answer by reading every report and testing each (three such
        scans of 20,000 reports were most of the report list's database time; the union finds
        the force's few hundred by index). bench/staff_load.py; docs/benchmarks.md."""
        covering = self.model.forces.through.objects.filter(force=force).values("report_id")
        national = self.model.objects.filter(scope=Scope.NATIONAL).values("pk")
        return self.filter(pk__in=covering.union(national))

    def attracting_s55(self):
        """Reports that call for Section 55 responses: see `Report.attracts_s55`."""
        return self.exclude(report_type__in=REPORT_TYPES_WITHOUT_S55)


class Report(models.Model):
    title = models.CharField(max_length=300)
    hmicfrs_url = models.URLField(gettext_lazy("HMICFRS URL"), max_length=500, blank=True)
    published_on = models.DateField(gettext_lazy("date published"))
    report_type = models.CharField(max_length=30, choices=ReportType.choices)
    inspection_type_label = models.CharField(
        max_length=100,
        blank=True,
        help_text=gettext_lazy('How the office describes the type of inspection, e.g. "Thematic".'),
    )
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.FORCE)
    forces = models.ManyToManyField(Force, blank=True, related_name="reports")
    lead_inspectorate = models.CharField(
        max_length=20, choices=Inspectorate.choices, default=Inspectorate.HMICFRS
    )
    participating_inspectorates = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Codes of the other inspectorates in a joint inspection."),
    )
    grading_framework = models.CharField(
        max_length=10, choices=GradingFramework.choices, default=GradingFramework.NOT_GRADED
    )
    summary = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            # One record of each report shared by several bodies, so one clock for all of
            # them (docs/decisions/0009): `inspections.services.duplicate_of` refuses a second
            # with a link to the first; these make two concurrent requests unable to both
            # insert one.
            models.UniqueConstraint(
                Lower("title"),
                "published_on",
                "report_type",
                condition=Q(scope__in=("national", "multi_force")),
                name="one_shared_report_per_title_date_and_type",
            ),
            models.UniqueConstraint(
                Lower("hmicfrs_url"),
                condition=Q(scope__in=("national", "multi_force")) & ~Q(hmicfrs_url=""),
                name="one_shared_report_per_hmicfrs_url",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        bad = [c for c in self.participating_inspectorates if c not in Inspectorate.values]
        if bad:
            errors["participating_inspectorates"] = f"Unknown inspectorate: {', '.join(bad)}."
        if errors:
            raise ValidationError(errors)

    @property
    def type_of_inspection(self) -> str:
        return self.inspection_type_label or self.get_report_type_display()

    @property
    def inspectorate(self) -> InspectorateName:
        """Who published it, by the name the inspectorate had that day (HMIC before 19 July
        2017, HMICFRS from then: `inspectorate.inspectorate_on`)."""
        return inspectorate_on(self.published_on)

    @property
    def attracts_s55(self) -> bool:
        """Does the report call for Section 55 responses at all? Every inspection report about
        a force does (Police Act 1996 s55(4)-(5A)) except fire and rescue inspection reports,
        which carry no s55 duty for anyone (`REPORT_TYPES_WITHOUT_S55`). Whether one body must
        respond is that body's decision, recorded on its response ("not required", with why)."""
        return self.report_type not in REPORT_TYPES_WITHOUT_S55

    def bodies_concerned(self):
        """The policing bodies the report is about: every body for a national report (HMICFRS:
        follow the s55 procedure unless a force is clearly not the subject, which that body
        records on its own response), otherwise the bodies of the forces it covers."""
        if self.scope == Scope.NATIONAL:
            return PolicingBody.objects.all()
        return PolicingBody.objects.filter(force__reports=self)


class GradedJudgement(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="judgements")
    position = models.PositiveIntegerField(default=0)
    area = models.CharField(
        max_length=200, help_text=gettext_lazy('e.g. "Overall" or "Investigating crime".')
    )
    grade = models.CharField(max_length=30, choices=Grade.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "position", "id"]

    def __str__(self):
        return f"{self.area}: {self.get_grade_display()}"

    def clean(self):
        allowed = GRADES_BY_FRAMEWORK[GradingFramework(self.report.grading_framework)]
        if self.grade not in allowed:
            framework = GradingFramework(self.report.grading_framework).label
            raise ValidationError(
                {
                    "grade": f"{Grade(self.grade).label} is not a grade in the framework '{framework}'."
                }
            )


class Theme(models.Model):
    """One theme of policing from the maintained list (seeded from HMICFRS's own areas:
    vulnerability, crime data integrity, vetting, custody...; `inspections/themes.py`).
    Recommendations and tracker items are tagged with themes; the register and each office's
    tracker filter by them, and panel packs group by them. A retired theme stays on what it
    tagged but is no longer offered."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(gettext_lazy("offered for tagging"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class FindingQuerySet(models.QuerySet):
    def recommendations(self):
        return self.filter(kind=Finding.Kind.RECOMMENDATION)

    def areas_for_improvement(self):
        return self.filter(kind=Finding.Kind.AREA_FOR_IMPROVEMENT)

    def causes_of_concern(self):
        return self.filter(kind=Finding.Kind.CAUSE_OF_CONCERN)

    def key_findings(self):
        return self.filter(kind=Finding.Kind.KEY_FINDING)


class Finding(models.Model):
    class Kind(models.TextChoices):
        KEY_FINDING = "key_finding", gettext_lazy("Key finding")
        CAUSE_OF_CONCERN = "cause_of_concern", gettext_lazy("Cause of concern")
        RECOMMENDATION = "recommendation", gettext_lazy("Recommendation")
        AREA_FOR_IMPROVEMENT = "afi", gettext_lazy("Area for improvement")
        PRACTICE = "practice", gettext_lazy("Innovative or promising practice")

    class TimescaleKind(models.TextChoices):
        NONE = "none", gettext_lazy("None given")
        IMMEDIATE = "immediate", gettext_lazy("Immediately")
        WITHIN_PERIOD = "within_period", gettext_lazy("Within a period")
        BY_DATE = "by_date", gettext_lazy("By a date")
        UNRECOGNISED = "unrecognised", gettext_lazy("Not recognised")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0)
    reference = models.CharField(
        max_length=30, blank=True, help_text=gettext_lazy('e.g. "R1" or "AFI 3".')
    )
    text = models.TextField()
    addressees = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("Recommendations: who it is addressed to.")
    )
    timescale_text = models.CharField(max_length=200, blank=True)
    timescale_kind = models.CharField(
        max_length=20, choices=TimescaleKind.choices, default=TimescaleKind.NONE
    )
    target_date = models.DateField(null=True, blank=True)
    cause_of_concern = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
        limit_choices_to={"kind": "cause_of_concern"},
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="findings")
    # Each office tags with its own plan's priorities; an office sees and changes only its own.
    plan_priorities = models.ManyToManyField(
        "accounts.PlanPriority", blank=True, related_name="findings"
    )

    history = HistoricalRecords()
    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["report", "position", "id"]

    def __str__(self):
        label = self.reference or self.get_kind_display()
        return f"{label}: {self.text[:60]}"

    def clean(self):
        errors = {}
        bad = [a for a in self.addressees if a not in Addressee.values]
        if bad:
            errors["addressees"] = f"Unknown addressee: {', '.join(bad)}."
        if self.kind != self.Kind.RECOMMENDATION and self.addressees:
            errors["addressees"] = _("Only recommendations have addressees.")
        if self.cause_of_concern_id and self.kind != self.Kind.RECOMMENDATION:
            errors["cause_of_concern"] = _(
                "Only a recommendation can belong to a cause of concern."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_for_local_action(self) -> bool:
        """True unless every addressee is someone other than the force or its policing body."""
        return not self.addressees or bool(LOCAL_ADDRESSEES.intersection(self.addressees))

    @property
    def addressee_labels(self) -> list[str]:
        return [addressee_label(a) for a in self.addressees]

    def addressee_labels_for(self, body) -> list[str]:
        """The addressees as `body` reads them (see `addressee_label`)."""
        return [addressee_label(a, body=body) for a in self.addressees]


class FindingLink(models.Model):
    """The same recommendation in two reports: `finding` repeats, is carried over from, or
    supersedes `linked_to` (the older or national one). Made by a person, never automatically
    (suggestions come from `inspections.links.link_suggestions`), by `finding_link_create`,
    which also refuses a link that would close a cycle; the database refuses a link to itself
    and a second link between the same two recommendations, either way round.

    A linked recommendation may be answered by reference to the body's explanation of the
    other one (`responses.models.Explanation.refers_to`), and an office tracks the two once
    (`tracking.models.TrackerItem.tracked_with`)."""

    class Kind(models.TextChoices):
        REPEATS_NATIONAL = "repeats_national", gettext_lazy("Repeats a national recommendation")
        CARRIED_OVER = "carried_over", gettext_lazy("Carried over from a previous inspection")
        SUPERSEDES = "supersedes", gettext_lazy("Supersedes an earlier recommendation")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="links_from")
    linked_to = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="links_to")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="finding_link_not_to_itself", condition=~Q(finding=F("linked_to"))
            ),
            models.UniqueConstraint(
                Least("finding", "linked_to"),
                Greatest("finding", "linked_to"),
                name="finding_link_one_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.finding} {self.get_kind_display().lower()}: {self.linked_to}"


class ImportDraft(models.Model):
    """A document being imported: what the importer proposed from it, as staff correct it on
    the preview page, until they confirm it (creating the report, its findings and, for a
    previously published response, the response) or discard it.

    `text` is the text read from the paste or file; every proposed item in `payload` keeps the
    spans of `text` it came from (see responses/importer/draft.py for the payload's shape).

    No django-simple-history here: a draft is a working copy that changes on every click of the
    preview page, and each history row would copy the whole document. What confirming creates
    is recorded in the history of the report, its findings and the response, with the reason
    "Imported".
    """

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("Open")
        CONFIRMED = "confirmed", gettext_lazy("Confirmed")
        DISCARDED = "discarded", gettext_lazy("Discarded")

    policing_body = models.ForeignKey(
        "accounts.PolicingBody", on_delete=models.CASCADE, related_name="import_drafts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_drafts"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    source_name = models.CharField(max_length=255, blank=True)
    source_kind = models.CharField(max_length=10)
    text = models.TextField(blank=True)
    payload = models.JSONField(default=dict)
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_drafts"
    )
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return self.source_name or f"Import {self.pk}"


class ReportCorrection(models.Model):
    """A correction of the facts a report shares with every body that responds to it: the
    publication date (which starts every body's 56 days, s55(5A)), the type, the scope and the
    forces covered; or of its findings (what every body must explain, s55(5B)), once other
    bodies respond to it. Made at once by someone who may change the report, or proposed by an office
    and decided by the register maintainer (docs/decisions/0009-report-facts-ownership.md).

    The corrected values are kept as proposed (blank or None: unchanged); `previous` keeps the
    facts as they were when the correction was made, so history, emails, dashboards and the
    public pages can say what changed. `responses.corrections` makes and decides corrections.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", gettext_lazy("Proposed")
        APPLIED = "applied", gettext_lazy("Made")
        REJECTED = "rejected", gettext_lazy("Not made")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="corrections")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    published_on = models.DateField(gettext_lazy("date published"), null=True, blank=True)
    report_type = models.CharField(max_length=30, choices=ReportType.choices, blank=True)
    scope = models.CharField(max_length=20, choices=Scope.choices, blank=True)
    forces = models.JSONField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Ids of the forces covered as corrected (None: unchanged)."),
    )
    previous = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy("The facts as they were when the correction was made."),
    )
    findings_proposed = models.TextField(
        blank=True,
        help_text=gettext_lazy(
            "A proposed correction of the findings: what the office says is wrong in them."
        ),
    )
    findings_changed = models.TextField(
        blank=True,
        help_text=gettext_lazy(
            "A correction of the findings as made: what was added, edited, moved or removed."
        ),
    )
    reason = models.TextField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by_office = models.ForeignKey(
        "accounts.PolicingBody",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_corrections",
        help_text=gettext_lazy(
            "The office that proposed or made it (none for the register maintainer)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["status", "decided_at"],
                name="correction_status_decided",
            )
        ]

    def __str__(self):
        return _("Correction of %(report)s (%(lower)s)") % {
            "report": self.report,
            "lower": self.get_status_display().lower(),
        }

    @property
    def is_findings(self) -> bool:
        """A correction of the report's findings (its recommendations, areas for improvement
        and the rest), rather than of its shared facts."""
        return bool(self.findings_proposed or self.findings_changed)

    def proposed_facts(self) -> dict:
        """{fact: corrected value} for the facts this correction changes."""
        facts = {}
        if self.published_on is not None:
            facts["published_on"] = self.published_on
        if self.report_type:
            facts["report_type"] = self.report_type
        if self.scope:
            facts["scope"] = self.scope
        if self.forces is not None:
            facts["forces"] = sorted(self.forces)
        return facts
