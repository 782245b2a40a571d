"""URL map. Each room owns its URLs under one prefix and namespace."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from accounts.views import office_logo
from inspections import urls as inspections_urls
from responses import report_urls

from .health import healthz

admin.site.site_header = "Section 55 Tracker administration"
admin.site.site_title = "Section 55 Tracker"
# The Django admin is for superusers only; office and force staff work in the application.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    # The report pages: those that change only the report (inspections) and those that show or
    # open its responses (responses/report_urls.py), under one prefix and one namespace.
    path(
        "reports/",
        include((inspections_urls.urlpatterns + report_urls.urlpatterns, "inspections")),
    ),
    path("import/", include("responses.importer.urls")),
    path("responses/", include("responses.urls")),
    path("corrections/", include("responses.correction_urls")),
    path("pdf/", include("responses.pdf_urls")),
    path("reminders/", include("reminders.urls")),
    path("tracker/", include("tracking.urls")),
    # Offices' logos, in production too (checked content type, nosniff). Evidence files and
    # other uploads are served through views that check who is asking, never from MEDIA_ROOT.
    path(f"{settings.MEDIA_URL.strip('/')}/logos/<str:name>", office_logo, name="office-logo"),
    # The public site owns the root: home, published responses, feeds, API, statistics; in
    # English at these addresses and in Welsh under /cy/ (core/i18n.py).
    *i18n_patterns(path("", include("public.urls")), prefix_default_language=False),
]
