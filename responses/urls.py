from django.urls import path

from inspections.models import Finding

from . import views
from .dashboard import dashboard

app_name = "responses"

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("<int:pk>/", views.response_detail, name="detail"),
    path("<int:pk>/history/", views.history, name="history"),
    # Sections, in the order of the task list.
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/force-comments/", views.force_comments, name="force-comments"),
    path(
        "<int:pk>/office-comments/",
        views.text_section,
        {"field": "office_comments"},
        name="office-comments",
    ),
    path(
        "<int:pk>/reply-to-force/",
        views.text_section,
        {"field": "reply_to_force"},
        name="reply-to-force",
    ),
    path(
        "<int:pk>/internal-notes/",
        views.text_section,
        {"field": "internal_notes"},
        name="internal-notes",
    ),
    path(
        "<int:pk>/recommendations/",
        views.finding_list,
        {"kind": Finding.Kind.RECOMMENDATION},
        name="recommendations",
    ),
    path(
        "<int:pk>/areas-for-improvement/",
        views.finding_list,
        {"kind": Finding.Kind.AREA_FOR_IMPROVEMENT},
        name="afis",
    ),
    path("<int:pk>/findings/<int:finding_pk>/", views.explanation, name="explanation"),
    path(
        "<int:pk>/findings/<int:finding_pk>/by-reference/",
        views.explanation_by_reference,
        name="explanation-by-reference",
    ),
    path(
        "<int:pk>/findings/<int:finding_pk>/not-for-local-action/",
        views.not_for_local_action,
        name="not-for-local-action",
    ),
    # Workflow actions.
    path("<int:pk>/start-drafting/", views.start_drafting, name="start-drafting"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/send-back/", views.reason_action, {"action": "send-back"}, name="send-back"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/copies/", views.copies, name="copies"),
    path(
        "<int:pk>/not-required/",
        views.reason_action,
        {"action": "not-required"},
        name="not-required",
    ),
    path("<int:pk>/reinstate/", views.reason_action, {"action": "reinstate"}, name="reinstate"),
    path("<int:pk>/amend/", views.reason_action, {"action": "amend"}, name="amend"),
    path("<int:pk>/copies/send/", views.send_copies, name="send-copies"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/schedule/cancel/", views.schedule_cancel, name="schedule-cancel"),
    path("<int:pk>/redactions/", views.redactions, name="redactions"),
    path(
        "<int:pk>/redactions/<int:redaction_pk>/remove/",
        views.redaction_remove,
        name="redaction-remove",
    ),
    path("<int:pk>/withdraw/", views.reason_action, {"action": "withdraw"}, name="withdraw"),
    # The force's page.
    path("<int:pk>/force/", views.force_edit, name="force-edit"),
]
