"""The report pages that change only the report. config/urls.py mounts them at /reports/ in
the `inspections` namespace, together with the report pages that show or open responses
(responses/report_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("<int:pk>/history/", views.report_history, name="report-history"),
    path("<int:pk>/sections/<slug:section>/", views.report_section, name="report-section"),
    path("<int:pk>/findings/<int:finding_pk>/links/", views.finding_links, name="finding-links"),
    path("<int:pk>/findings/<int:finding_pk>/tags/", views.finding_tags, name="finding-tags"),
]
