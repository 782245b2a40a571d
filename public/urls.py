"""The public site at the root of the URL map: pages, feeds, sitemap, robots.txt and the API."""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import api, api_docs, feeds, subscription_views, views
from .sitemaps import SITEMAPS

app_name = "public"

router = DefaultRouter()
router.include_root_view = False
router.register("reports", api.ReportViewSet, basename="api-report")
router.register("recommendations", api.RecommendationViewSet, basename="api-recommendation")
router.register("responses", api.PublishedResponseViewSet, basename="api-response")
router.register("register", api.RegisterViewSet, basename="api-register")

urlpatterns = [
    path("", views.home, name="home"),
    path("published/", views.response_list, name="response-list"),
    path("published.csv", views.response_list_csv, name="response-list-csv"),
    path("published/<int:pk>/", views.response_detail, name="response"),
    path("published/reports/<int:pk>/", views.report_page, name="report"),
    path("recommendations/", views.register_page, name="register"),
    path("recommendations.csv", views.register_csv, name="register-csv"),
    path("statistics/", views.statistics, name="statistics"),
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/recommendations.csv", views.recommendations_csv, name="recommendations-csv"),
    path("open-data/reports.csv", views.reports_csv, name="reports-csv"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accessibility/staff/", views.accessibility_staff, name="accessibility-staff"),
    # Email subscriptions to a body's responses (public/subscriptions.py): sign up, confirm and
    # unsubscribe; the links' pages change nothing on GET.
    path("email-updates/<slug:slug>/", subscription_views.subscribe, name="subscribe"),
    path(
        "email-updates/<slug:slug>/check-your-email/",
        subscription_views.subscribe_sent,
        name="subscribe-sent",
    ),
    path(
        "email-updates/confirm/<uuid:reference>/<str:token>/",
        subscription_views.confirm,
        name="subscription-confirm",
    ),
    path(
        "email-updates/unsubscribe/<uuid:reference>/<str:token>/",
        subscription_views.unsubscribe,
        name="unsubscribe",
    ),
    path("feeds/responses.atom", feeds.site_feed, name="feed"),
    path("feeds/<slug:slug>.atom", feeds.office_feed, name="office-feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("api/", include(router.urls)),
    path("api/statistics/", api.StatisticsView.as_view(), name="api-statistics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.api_docs, name="api-docs"),
]
