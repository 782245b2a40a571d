"""The open data API: reports, their recommendations and AFIs, and published responses.

Read-only JSON (Django REST framework), described by an OpenAPI 3 schema (drf-spectacular) at
/api/schema/ with human-readable docs at /api/docs/. No sign-in; throttled per client
(settings.REST_FRAMEWORK); CORS open for GET on /api/ only (settings.CORS_*). Only reports with a
published response appear, and a response's content is its latest published version as frozen in
the public tables, never a draft.
"""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import pagination, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response as DRFResponse
from rest_framework.views import APIView

from accounts.models import Force, PolicingBody
from inspections.models import Addressee, Finding, GradedJudgement, Report, ReportType, Scope
from responses.models import Explanation, Response, ResponseVersion

from . import register, selectors, trends
from .caching import shared_cache_headers
from .models import PublishedItem, PublishedResponse
from .views import pdf_url


def _absolute(path: str) -> str:
    return settings.SITE_URL + path if path else ""


# --- Serializers ------------------------------------------------------------------------------


class ForceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Force
        fields = ["slug", "name"]


class PolicingBodySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    force = ForceSerializer()

    class Meta:
        model = PolicingBody
        fields = ["slug", "name", "kind", "kind_label", "force"]


class JudgementSerializer(serializers.ModelSerializer):
    grade_label = serializers.CharField(source="get_grade_display")

    class Meta:
        model = GradedJudgement
        fields = ["area", "grade", "grade_label"]


class ReportSerializer(serializers.ModelSerializer):
    report_type_label = serializers.CharField(source="get_report_type_display")
    inspection_type = serializers.CharField(source="type_of_inspection")
    scope_label = serializers.CharField(source="get_scope_display")
    forces = ForceSerializer(many=True)
    judgements = JudgementSerializer(many=True)
    response_ids = serializers.SerializerMethodField(
        help_text="The ids of the published responses to this report."
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "title",
            "published_on",
            "report_type",
            "report_type_label",
            "inspection_type",
            "scope",
            "scope_label",
            "forces",
            "lead_inspectorate",
            "participating_inspectorates",
            "grading_framework",
            "judgements",
            "hmicfrs_url",
            "response_ids",
        ]

    def get_response_ids(self, report) -> list[int]:
        return sorted(record.response_id for record in report.public_records.all())


class FindingExplanationSerializer(serializers.ModelSerializer):
    """A published explanation of this recommendation by one policing body."""

    response_id = serializers.IntegerField(source="record.response_id")
    policing_body = serializers.CharField(
        source="record.policing_body.slug", help_text="The body's slug."
    )
    policing_body_name = serializers.CharField(source="record.policing_body.name")
    kind = serializers.CharField(
        source="explanation_kind", help_text="action_taken, action_proposed, no_action or ''."
    )
    text = serializers.CharField(source="explanation")
    text_cy = serializers.CharField(
        source="explanation_cy",
        help_text="The explanation in Welsh (a body that publishes bilingually); else empty.",
    )

    class Meta:
        model = PublishedItem
        fields = [
            "response_id",
            "policing_body",
            "policing_body_name",
            "kind",
            "text",
            "force_comment",
            "text_cy",
            "force_comment_cy",
        ]
        extra_kwargs = {
            "force_comment_cy": {
                "help_text": "The chief officer's comment in Welsh (bilingual bodies only)."
            }
        }


class RecommendationSerializer(serializers.ModelSerializer):
    report = serializers.IntegerField(source="report_id")
    report_title = serializers.CharField(source="report.title")
    kind_label = serializers.CharField(source="get_kind_display")
    timescale_kind_label = serializers.CharField(source="get_timescale_kind_display")
    explanations = FindingExplanationSerializer(source="published_items", many=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "report",
            "report_title",
            "kind",
            "kind_label",
            "position",
            "reference",
            "text",
            "addressees",
            "timescale_text",
            "timescale_kind",
            "timescale_kind_label",
            "target_date",
            "explanations",
        ]


class PublishedItemSerializer(serializers.ModelSerializer):
    finding = serializers.IntegerField(
        source="finding_id", allow_null=True, help_text="The recommendation's id (null if removed)."
    )
    explanation_kind_label = serializers.SerializerMethodField()

    class Meta:
        model = PublishedItem
        fields = [
            "finding",
            "kind",
            "number",
            "reference",
            "text",
            "addressees",
            "timescale_text",
            "explanation_kind",
            "explanation_kind_label",
            "explanation",
            "force_comment",
            "explanation_cy",
            "force_comment_cy",
        ]
        extra_kwargs = {
            "explanation_cy": {"help_text": "The explanation in Welsh (bilingual bodies only)."},
            "force_comment_cy": {
                "help_text": "The chief officer's comment in Welsh (bilingual bodies only)."
            },
        }

    def get_explanation_kind_label(self, item) -> str:
        return Explanation.Kind(item.explanation_kind).label if item.explanation_kind else ""


class VersionSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField(
        help_text="Empty for a withdrawn version: its address answers 410 with the note."
    )
    withdrawn = serializers.SerializerMethodField(help_text="The version was withdrawn.")
    pdf_url_cy = serializers.SerializerMethodField(
        help_text="The Welsh PDF of a version published in Welsh and English; empty otherwise "
        "and for a withdrawn version."
    )

    class Meta:
        model = ResponseVersion
        fields = [
            "number",
            "published_on",
            "reason",
            "reason_cy",
            "pdf_url",
            "pdf_sha256",
            "pdf_url_cy",
            "pdf_cy_sha256",
            "withdrawn",
        ]
        extra_kwargs = {
            "reason_cy": {"help_text": "Why the version was amended, in Welsh."},
            "pdf_cy_sha256": {"help_text": "SHA-256 of the Welsh PDF; empty if none."},
        }

    def get_pdf_url(self, version) -> str:
        if version.withdrawn_at:
            return ""
        return _absolute(pdf_url(version.response_id, version.number))

    def get_withdrawn(self, version) -> bool:
        return version.withdrawn_at is not None

    def get_pdf_url_cy(self, version) -> str:
        if version.withdrawn_at or not (version.html_cy_sha256 or version.pdf_cy_sha256):
            return ""
        return _absolute(pdf_url(version.response_id, version.number, welsh=True))


class ResponseReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="report_id")
    title = serializers.CharField(source="report_title")
    published_on = serializers.DateField(source="report_published_on")
    report_type = serializers.CharField()
    report_type_label = serializers.CharField(source="get_report_type_display")
    hmicfrs_url = serializers.CharField(source="report_url")


class CorrectionNoteSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="The day the correction was made.")
    text = serializers.CharField(help_text="What was corrected, and what it moved.")


class WithdrawalNoteSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version withdrawn.")
    published_on = serializers.DateField(help_text="The day that version was published.")
    on = serializers.DateField(help_text="The day it was withdrawn.")
    reason = serializers.CharField(help_text="Why it was withdrawn.")
    reason_cy = serializers.CharField(
        default="",
        help_text="Why it was withdrawn, in Welsh (a body that publishes bilingually); else empty.",
    )


class PublishedResponseSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="response_id")
    page_url = serializers.SerializerMethodField()
    policing_body = PolicingBodySerializer()
    report = ResponseReportSerializer(source="*")
    published_on = serializers.DateField(
        source="first_published_on", help_text="First publication; kept when amended."
    )
    published_within_56_days = serializers.BooleanField(
        source="is_on_time",
        allow_null=True,
        help_text="s55(5A). Null when the report predates the rule (2 May 2017).",
    )
    days_late = serializers.IntegerField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    version = serializers.IntegerField(source="version_number")
    version_published_on = serializers.DateField(source="latest_published_on")
    items = PublishedItemSerializer(many=True)
    versions = VersionSerializer(source="response.versions", many=True)
    bilingual = serializers.BooleanField(
        help_text="Published in Welsh and English (Welsh Language Standards): the *_cy fields "
        "hold the Welsh texts. False for a body that publishes in English only."
    )
    office_comments_cy = serializers.CharField(help_text="The body's comments in Welsh.")
    force_comments_cy = serializers.CharField(help_text="The chief officer's comments in Welsh.")
    reply_to_force_cy = serializers.CharField(
        help_text="The body's reply to the chief officer's comments, in Welsh."
    )
    corrections = CorrectionNoteSerializer(
        many=True,
        help_text="Corrections of the report's shared facts (publication date, type, scope, forces) since publication; the dates above already follow them.",
    )
    withdrawn_on = serializers.DateField(
        allow_null=True,
        help_text="Set while the latest version is withdrawn: its text is no longer published "
        "(the texts and items are empty) and this response's own address answers 410 with "
        "the note.",
    )
    withdrawals = WithdrawalNoteSerializer(
        many=True, help_text="The public note of each withdrawn version."
    )

    class Meta:
        model = PublishedResponse
        fields = [
            "id",
            "page_url",
            "policing_body",
            "report",
            "due_date",
            "published_on",
            "published_within_56_days",
            "days_late",
            "version",
            "version_published_on",
            "office_comments",
            "force_comments",
            "force_comments_none_submitted",
            "force_comments_author",
            "reply_to_force",
            "bilingual",
            "office_comments_cy",
            "force_comments_cy",
            "reply_to_force_cy",
            "signatory_name",
            "signatory_title",
            "items",
            "versions",
            "corrections",
            "withdrawn_on",
            "withdrawals",
        ]

    def get_page_url(self, record) -> str:
        return _absolute(reverse("public:response", kwargs={"pk": record.response_id}))


# --- Filters ----------------------------------------------------------------------------------

#: Years the filters accept (reports predate 2017's rule but not HMICFRS's publishing online).
YEAR_RANGE = {"min_value": 1990, "max_value": 2100}


@extend_schema_field(
    {"type": "integer", "minimum": YEAR_RANGE["min_value"], "maximum": YEAR_RANGE["max_value"]}
)
class YearFilter(filters.NumberFilter):
    """A year (django-filter's NumberFilter takes decimals)."""

    field_class = forms.IntegerField


class StrictBooleanField(forms.Field):
    """Only "true" or "false" (django-filter's own also takes "null", "unknown", ... as blank)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError(_("Enter true or false."))


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # django-filter's BooleanWidget turns unknown words into "no filter"; read the raw text.
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


ID_RANGE = {"min_value": 1, "max_value": 2**62}


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_RANGE["max_value"]})
class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField


#: Text without NUL characters (which a database cannot store or search for).
NO_NUL = "^[^\\u0000]*$"


@extend_schema_field({"type": "string", "maxLength": selectors.MAX_QUERY_LENGTH, "pattern": NO_NUL})
class SearchFilter(filters.CharFilter):
    pass


SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"


@extend_schema_field({"type": "string", "pattern": SLUG_PATTERN, "maxLength": 50})
class SlugFilter(filters.CharFilter):
    """A slug ("norfolk-pcc"); anything else is refused, as the schema says."""

    field_class = forms.SlugField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 50)
        super().__init__(*args, **kwargs)


class StrictFilterSet(filters.FilterSet):
    """Refuses a typed parameter given with no value (`?report=`): it is a mistake, not a request
    for everything, and the schema says it must be a number, a boolean or one of a list."""

    def is_valid(self):
        valid = super().is_valid()
        typed = (filters.NumberFilter, filters.BooleanFilter, filters.ChoiceFilter, SlugFilter)
        for name, declared in self.filters.items():
            if isinstance(declared, typed) and name in self.data and self.data.get(name) == "":
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid


class ReportFilter(StrictFilterSet):
    year = YearFilter(field_name="published_on", lookup_expr="year", **YEAR_RANGE)
    report_type = filters.ChoiceFilter(choices=ReportType.choices)
    scope = filters.ChoiceFilter(choices=Scope.choices)
    force = SlugFilter(field_name="forces__slug", help_text="A force's slug.")

    class Meta:
        model = Report
        fields = ["year", "report_type", "scope", "force"]


class RecommendationFilter(StrictFilterSet):
    report = IdFilter(field_name="report_id", **ID_RANGE)
    kind = filters.ChoiceFilter(choices=PublishedItem.Kind.choices)
    year = YearFilter(field_name="report__published_on", lookup_expr="year", **YEAR_RANGE)

    class Meta:
        model = Finding
        fields = ["report", "kind", "year"]


class PublishedResponseFilter(StrictFilterSet):
    q = SearchFilter(
        method="search_text",
        max_length=selectors.MAX_QUERY_LENGTH,
        help_text="Full-text search over report titles, recommendations and the published text.",
    )
    year = YearFilter(field_name="report_published_on", lookup_expr="year", **YEAR_RANGE)
    report_type = filters.ChoiceFilter(choices=ReportType.choices)
    office = SlugFilter(field_name="policing_body__slug", help_text="A body's slug.")
    force = SlugFilter(field_name="policing_body__force__slug", help_text="A force's slug.")
    on_time = StrictBooleanFilter(
        method="filter_on_time", help_text="Published within the 56 days (s55(5A))."
    )

    class Meta:
        model = PublishedResponse
        fields = ["q", "year", "report_type", "office", "force", "on_time"]

    def search_text(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_on_time(self, queryset, name, value):
        return queryset.on_time() if value else queryset.late()


# --- Views ------------------------------------------------------------------------------------


class StrictQueryMixin:
    """Refuses query parameters the operation does not have, and parameters given twice: a typo
    (`?ofice=`) or `?page=1&page=2` would otherwise be silently ignored and look like an answer."""

    always_allowed = frozenset({"page", "page_size", "format"})

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        allowed = set(self.always_allowed)
        if self.action == "list":
            allowed |= set(self.filterset_class.base_filters)
        else:
            allowed = {"format"}
        problems = {}
        for name in request.query_params:
            if name not in allowed:
                problems[name] = [
                    _("Unknown parameter. Allowed: %(allowed)s.")
                    % {"allowed": ", ".join(sorted(allowed))}
                ]
            elif len(request.query_params.getlist(name)) > 1:
                problems[name] = [_("Give this parameter once.")]
        if problems:
            raise ValidationError(problems)


class SharedCacheMixin:
    """The API's answers are public data: shared caches may keep them like the pages
    (public/caching.py)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return shared_cache_headers(request, response)


class Pagination(pagination.PageNumberPagination):
    """Pages of 50 (up to 200 with ?page_size=). A page_size that is not a whole number from 1
    to 200 is refused with 400 rather than silently replaced."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        try:
            value = int(raw[-1])
        except ValueError:
            value = 0
        if len(raw) > 1 or not (1 <= value <= self.max_page_size) or raw[-1] != str(value):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return value

    def paginate_queryset(self, queryset, request, view=None):
        # A search is counted through the search index (selectors.count_matches).
        self.django_paginator_class = (
            selectors.SearchPaginator if request.query_params.get("q") else Paginator
        )
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


_NOT_FOUND = OpenApiResponse(description="No such item, or a page past the end.")
_THROTTLED = OpenApiResponse(description="Too many requests: slow down (see Retry-After).")
_BAD_FILTER = OpenApiResponse(
    description="A parameter is unknown, repeated or not valid; the body says which and why."
)
_LIST = {400: _BAD_FILTER, 404: _NOT_FOUND, 429: _THROTTLED}
_DETAIL = {400: _BAD_FILTER, 404: _NOT_FOUND, 429: _THROTTLED}


@extend_schema_view(
    list=extend_schema(
        summary="List reports",
        description="HMICFRS reports that have at least one published response, newest first.",
        responses={200: ReportSerializer(many=True), **_LIST},
    ),
    retrieve=extend_schema(summary="One report", responses={200: ReportSerializer, **_DETAIL}),
)
class ReportViewSet(SharedCacheMixin, StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    filterset_class = ReportFilter
    filter_backends = [filters.DjangoFilterBackend]
    pagination_class = Pagination

    def get_queryset(self):
        return (
            selectors.public_reports()
            .prefetch_related(
                Prefetch(
                    "public_records",
                    queryset=PublishedResponse.objects.only("response_id", "report_id"),
                )
            )
            .order_by("-published_on", "id")
        )


@extend_schema_view(
    list=extend_schema(
        summary="List recommendations and areas for improvement",
        description=(
            "Recommendations and AFIs of the reports that have a published response, each with "
            "the explanations the policing bodies published for it (s55(5B))."
        ),
        responses={200: RecommendationSerializer(many=True), **_LIST},
    ),
    retrieve=extend_schema(
        summary="One recommendation or area for improvement",
        responses={200: RecommendationSerializer, **_DETAIL},
    ),
)
class RecommendationViewSet(SharedCacheMixin, StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RecommendationSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    filterset_class = RecommendationFilter
    filter_backends = [filters.DjangoFilterBackend]
    pagination_class = Pagination

    def get_queryset(self):
        return selectors.public_findings()


@extend_schema_view(
    list=extend_schema(
        summary="List published responses",
        description=(
            "Published Section 55 responses, newest first (or by relevance when searching). "
            "Each shows its latest published version."
        ),
        responses={200: PublishedResponseSerializer(many=True), **_LIST},
    ),
    retrieve=extend_schema(
        summary="One published response",
        description=(
            "A response whose latest version was withdrawn answers 410 Gone with the same "
            "fields: the statutory record (its dates) and the note of the withdrawal, no text."
        ),
        responses={200: PublishedResponseSerializer, 410: PublishedResponseSerializer, **_DETAIL},
    ),
)
class PublishedResponseViewSet(SharedCacheMixin, StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PublishedResponseSerializer
    filterset_class = PublishedResponseFilter
    filter_backends = [filters.DjangoFilterBackend]
    pagination_class = Pagination
    lookup_field = "response_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return (
            PublishedResponse.objects.select_related("policing_body__force")
            .defer("search_vector", "recommendations_text", "response_text")
            .prefetch_related(
                "items",
                Prefetch("response", queryset=Response.objects.only("id")),
                Prefetch(
                    "response__versions",
                    queryset=ResponseVersion.objects.defer("pdf", "html_snapshot").order_by(
                        "number"
                    ),
                ),
            )
        )

    def retrieve(self, request, *args, **kwargs):
        answer = super().retrieve(request, *args, **kwargs)
        if answer.data.get("withdrawn_on"):
            answer.status_code = 410
        return answer


# --- The recommendation register ----------------------------------------------------------------


class RegisterFilterSet(StrictFilterSet):
    """The register page's filters (public/register.py), under the same names."""

    q = SearchFilter(
        method="filter_register",
        max_length=selectors.MAX_QUERY_LENGTH,
        help_text="Full-text search over the recommendation, the report's title and the "
        "body's explanation.",
    )
    office = SlugFilter(method="filter_register", help_text="A policing body's slug.")
    force = SlugFilter(method="filter_register", help_text="A force's slug.")
    report_type = filters.ChoiceFilter(choices=ReportType.choices, method="filter_register")
    year = YearFilter(
        method="filter_register", help_text="Year the report was published.", **YEAR_RANGE
    )
    report = IdFilter(method="filter_register", help_text="A report's id.", **ID_RANGE)
    status = filters.ChoiceFilter(
        choices=register.STATUS_CHOICES,
        method="filter_register",
        help_text="The progress status the body published; not_tracked: none published.",
    )
    addressee = filters.ChoiceFilter(choices=Addressee.choices, method="filter_register")
    overdue = StrictBooleanFilter(
        method="filter_register",
        help_text="Past the target date its timescale gives and not complete, closed or "
        "superseded (as the body published its progress).",
    )
    kind = filters.ChoiceFilter(choices=PublishedItem.Kind.choices, method="filter_register")
    theme = SlugFilter(method="filter_register", help_text="A theme's slug.")
    sort = filters.ChoiceFilter(
        choices=[(value, label) for value, (label, _o) in register.SORTS.items()],
        method="filter_register",
        help_text="Default: newest report first (by relevance when searching).",
    )

    class Meta:
        model = PublishedItem
        fields = []

    def filter_register(self, queryset, name, value):
        return queryset  # all filters are applied together in filter_queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return register.register_items(
            register.RegisterFilters(
                q=(data.get("q") or "").strip(),
                office=data.get("office") or "",
                force=data.get("force") or "",
                report_type=data.get("report_type") or "",
                year=data.get("year"),
                report=data.get("report"),
                status=data.get("status") or "",
                addressee=data.get("addressee") or "",
                overdue=data.get("overdue"),
                kind=data.get("kind") or "",
                theme=data.get("theme") or "",
                sort=data.get("sort") or "",
            ),
            today=self.request.today,
        )


class RegisterItemSerializer(serializers.Serializer):
    """One row of the register: the same fields as its CSV (public.register.CSV_HEADER)."""

    response_id = serializers.IntegerField()
    response_url = serializers.SerializerMethodField()
    finding_id = serializers.IntegerField(
        allow_null=True, help_text="The recommendation's id in /api/recommendations/."
    )
    kind = serializers.CharField()
    number = serializers.IntegerField()
    reference = serializers.CharField()
    text = serializers.CharField()
    report_id = serializers.IntegerField()
    report_title = serializers.CharField()
    report_type = serializers.CharField()
    report_published_on = serializers.DateField()
    report_page_url = serializers.SerializerMethodField()
    hmicfrs_report_url = serializers.CharField(source="report_url")
    policing_body = serializers.CharField(source="policing_body.slug")
    policing_body_name = serializers.CharField(source="policing_body.name")
    force = serializers.CharField(source="policing_body.force.slug")
    force_name = serializers.CharField(source="policing_body.force.name")
    addressees = serializers.ListField(child=serializers.CharField())
    addressee_labels = serializers.SerializerMethodField()
    timescale = serializers.CharField(source="timescale_text")
    timescale_kind = serializers.CharField()
    target_date = serializers.DateField(allow_null=True)
    explanation_kind = serializers.CharField(
        help_text="action_taken, action_proposed, no_action or ''."
    )
    explanation = serializers.CharField(help_text="The body's explanation as published.")
    explanation_cy = serializers.CharField(
        help_text="The explanation in Welsh (a body that publishes bilingually); else empty."
    )
    public_status = serializers.SerializerMethodField(
        help_text="The progress status the body published, or not_tracked."
    )
    last_public_update_on = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField()

    def _row(self, item) -> register.RegisterRow:
        return register.RegisterRow(item=item, today=self.context["request"].today)

    def get_response_url(self, item) -> str:
        return _absolute(self._row(item).response_path)

    def get_report_page_url(self, item) -> str:
        return _absolute(self._row(item).report_path)

    def get_addressee_labels(self, item) -> list[str]:
        return self._row(item).addressee_labels

    def get_public_status(self, item) -> str:
        return item.public_status or register.NOT_TRACKED

    def get_overdue(self, item) -> bool:
        return self._row(item).overdue


@extend_schema_view(
    list=extend_schema(
        summary="The recommendation register",
        description=(
            "Every recommendation and area for improvement of every published response, across "
            "all policing bodies, with what the body said (s55(5B)) and the progress it has "
            "published since; the same rows, fields and filters as the register page and its "
            "CSV (/recommendations.csv)."
        ),
        responses={200: RegisterItemSerializer(many=True), **_LIST},
    ),
)
class RegisterViewSet(SharedCacheMixin, StrictQueryMixin, viewsets.GenericViewSet):
    serializer_class = RegisterItemSerializer
    filterset_class = RegisterFilterSet
    filter_backends = [filters.DjangoFilterBackend]
    pagination_class = Pagination

    def initial(self, request, *args, **kwargs):
        request.today = timezone.localdate()
        super().initial(request, *args, **kwargs)

    def get_queryset(self):
        return PublishedItem.objects.all()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = list(register.with_bodies(self.paginate_queryset(queryset), register.bodies()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- Statistics over time -------------------------------------------------------------------------


class OnTimeYearSerializer(serializers.Serializer):
    policing_body = serializers.CharField(source="office_slug")
    policing_body_name = serializers.CharField(source="office")
    year = serializers.IntegerField(help_text="Year the report was published.")
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    no_deadline = serializers.IntegerField(help_text="Reports before 2 May 2017.")
    on_time_percent = serializers.IntegerField(allow_null=True)
    published = serializers.IntegerField(help_text="Responses published, in all.")


class PeelInspectionSerializer(serializers.Serializer):
    report_id = serializers.IntegerField()
    title = serializers.CharField()
    published_on = serializers.DateField()
    grades = serializers.DictField(
        child=serializers.IntegerField(), help_text="Areas graded at each grade."
    )


class ForceGradesSerializer(serializers.Serializer):
    force = serializers.CharField(source="force_slug")
    force_name = serializers.CharField(source="force")
    inspections = PeelInspectionSerializer(many=True)


class BodyProgressSerializer(serializers.Serializer):
    policing_body = serializers.CharField(source="office_slug")
    policing_body_name = serializers.CharField(source="office")
    recommendations = serializers.IntegerField()
    tracked = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    complete = serializers.IntegerField()


class StatisticsSerializer(serializers.Serializer):
    on_time = OnTimeYearSerializer(
        many=True, help_text="Responses published within the 56 days, by body and year."
    )
    peel_grades = ForceGradesSerializer(many=True)
    recommendations = BodyProgressSerializer(
        many=True, help_text="Open and overdue recommendations, as each body published them."
    )


class StatisticsFilter(forms.Form):
    office = forms.SlugField(required=False, max_length=50)


@extend_schema(
    summary="Statistics over time",
    description=(
        "The statistics page's numbers: responses published on time per body and year, each "
        "force's graded judgements over its PEEL inspections, and each body's open and overdue "
        "recommendations."
    ),
    parameters=[
        OpenApiParameter(
            "office",
            {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 50},
            description="A policing body's slug.",
        )
    ],
    responses={200: StatisticsSerializer, 400: _BAD_FILTER, 429: _THROTTLED},
)
class StatisticsView(SharedCacheMixin, APIView):
    allowed = frozenset({"office", "format"})

    def get(self, request):
        problems = {
            name: ["Unknown parameter. Allowed: format, office."]
            for name in request.query_params
            if name not in self.allowed
        }
        problems.update(
            {
                name: ["Give this parameter once."]
                for name in request.query_params
                if len(request.query_params.getlist(name)) > 1
            }
        )
        if request.query_params.get("office", None) == "":
            problems["office"] = ["Give a value, or leave the parameter out."]
        form = StatisticsFilter(request.query_params)
        if not form.is_valid():
            problems.update(form.errors)
        if problems:
            raise ValidationError(problems)
        office = form.cleaned_data["office"]
        today = timezone.localdate()
        data = {
            "on_time": selectors.statistics(office=office).rows,
            "peel_grades": trends.peel_grades(office=office),
            "recommendations": trends.open_and_overdue(today=today, office=office),
        }
        return DRFResponse(StatisticsSerializer(data).data)
