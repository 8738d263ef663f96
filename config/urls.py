from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from historiography.views import benchmark

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("historiography.api_urls")),
    path("", include("historiography.urls")),
]

if settings.BENCHMARK:  # the baseline page of `make bench`
    urlpatterns.insert(0, path("bench/minimal/", benchmark.minimal, name="bench-minimal"))
