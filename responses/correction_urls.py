from django.urls import path

from . import correction_views as views

app_name = "corrections"

urlpatterns = [
    path("", views.correction_list, name="list"),
    path("report/<int:pk>/", views.correction_new, name="new"),
    path("report/<int:pk>/findings/", views.correction_new_findings, name="new-findings"),
    path("<int:pk>/", views.correction_detail, name="detail"),
    path("<int:pk>/decide/", views.correction_decide, name="decide"),
]
