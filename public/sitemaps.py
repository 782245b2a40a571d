"""sitemap.xml: the public pages and every published response (django.contrib.sitemaps)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import PublishedResponse


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"
    # Each page in English and in Welsh, each entry naming the other (hreflang alternates).
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return [
            "public:home",
            "public:response-list",
            "public:register",
            "public:statistics",
            "public:open-data",
            "public:api-docs",
            "public:accessibility",
            "public:accessibility-staff",
        ]

    def location(self, item):
        return reverse(item)


class PublishedResponseSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        # A withdrawn response's page answers 410: not a page to index.
        return (
            PublishedResponse.objects.filter(withdrawn_on__isnull=True)
            .only("response_id", "refreshed_at", "progress_changed_at")
            .order_by("response_id")
        )

    def location(self, record):
        return reverse("public:response", kwargs={"pk": record.response_id})

    def lastmod(self, record):
        return max(filter(None, (record.refreshed_at, record.progress_changed_at)))


SITEMAPS = {"pages": StaticPagesSitemap, "responses": PublishedResponseSitemap}
