from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("new/", views.report_create_view, name="report-create"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("<int:pk>/history/", views.report_history, name="report-history"),
    path("<int:pk>/start-response/", views.report_start_response, name="start-response"),
    path("<int:pk>/sections/<slug:section>/", views.report_section, name="report-section"),
    path("<int:pk>/findings/<int:finding_pk>/links/", views.finding_links, name="finding-links"),
    path("<int:pk>/findings/<int:finding_pk>/tags/", views.finding_tags, name="finding-tags"),
]
