from django.urls import path

from . import views

app_name = "importer"

urlpatterns = [
    path("", views.import_start, name="start"),
    path("<int:pk>/", views.draft_preview, name="preview"),
    path("<int:pk>/details/", views.draft_details, name="details"),
    path("<int:pk>/judgements/", views.draft_judgements, name="judgements"),
    path("<int:pk>/response/", views.draft_response, name="response"),
    path("<int:pk>/items/add/", views.item_add, name="item-add"),
    path("<int:pk>/items/<slug:item_id>/", views.item_edit, name="item-edit"),
    path("<int:pk>/items/<slug:item_id>/split/", views.item_split, name="item-split"),
    path("<int:pk>/items/<slug:item_id>/<slug:action>/", views.item_action, name="item-action"),
    path("<int:pk>/text/discard-all/", views.text_discard_all, name="text-discard-all"),
    path("<int:pk>/text/<slug:entry_id>/<slug:action>/", views.text_action, name="text-action"),
    path("<int:pk>/discarded/<slug:entry_id>/restore/", views.restore, name="restore"),
    path("<int:pk>/confirm/", views.draft_confirm, name="confirm"),
    path("<int:pk>/discard/", views.draft_discard, name="discard"),
]
