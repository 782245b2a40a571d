from django.conf import settings
from django.contrib import admin
from django.urls import path

from .health import healthz

admin.site.site_header = "Section 55 Tracker administration"
admin.site.site_title = "Section 55 Tracker"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
