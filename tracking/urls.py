from django.urls import path

from . import redaction_views, views

app_name = "tracking"

urlpatterns = [
    path("", views.item_list, name="item-list"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export-csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("bulk/", views.bulk_change, name="bulk-change"),
    path("<int:pk>/", views.item_detail, name="item-detail"),
    path("<int:pk>/details/", views.item_edit, name="item-edit"),
    path("<int:pk>/tags/", views.item_tags, name="item-tags"),
    path("<int:pk>/updates/new/", views.update_add, name="update-add"),
    # Passages of a public update redacted in what the public reads.
    path(
        "<int:pk>/updates/<int:update_pk>/redactions/",
        redaction_views.update_redactions,
        name="progress-redactions",
    ),
    path(
        "<int:pk>/updates/<int:update_pk>/redactions/<int:redaction_pk>/remove/",
        redaction_views.update_redaction_remove,
        name="progress-redaction-remove",
    ),
    path("<int:pk>/closure/", views.closure_propose, name="closure-propose"),
    path("<int:pk>/closure/<int:proposal_pk>/", views.closure_decide, name="closure-decide"),
    # The force's proposals for the public page, and the office's decision on each.
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("<int:pk>/proposals/<int:proposal_pk>/", views.proposal_decide, name="proposal-decide"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    # "Track this": the recommendations and AFIs of one response.
    path("responses/<int:pk>/", views.response_tracking, name="response-tracking"),
    path("responses/<int:pk>/track/", views.track, name="track"),
    # Police and Crime Panel packs (the office's only).
    path("packs/", views.pack_list, name="pack-list"),
    path("packs/new/", views.pack_create, name="pack-create"),
    path("packs/<int:pk>/pdf/", views.pack_download, name="pack-download"),
    # National read-only staff: the open work of the offices that share it.
    path("national/", views.national, name="national"),
]
