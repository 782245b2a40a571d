"""The public site at the root of the URL map: pages, feeds, sitemap, robots.txt and the API."""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import api, api_docs, feeds, views
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
    path("feeds/responses.atom", feeds.site_feed, name="feed"),
    path("feeds/<slug:slug>.atom", feeds.office_feed, name="office-feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("api/", include(router.urls)),
    path("api/statistics/", api.StatisticsView.as_view(), name="api-statistics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.api_docs, name="api-docs"),
]
