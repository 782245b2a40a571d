"""The report pages that show or open responses (responses/report_views.py). No namespace of
their own: config/urls.py mounts them at /reports/ in the `inspections` namespace, beside
inspections/urls.py, so every report page keeps one address and one name."""

from django.urls import path

from . import report_views

urlpatterns = [
    path("", report_views.report_list, name="report-list"),
    path("new/", report_views.report_create_view, name="report-create"),
    path("<int:pk>/", report_views.report_detail, name="report-detail"),
    path("<int:pk>/start-response/", report_views.report_start_response, name="start-response"),
]
