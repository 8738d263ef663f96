from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("historiography.api_urls")),
    path("", include("historiography.classroom.urls")),
    path("", include("historiography.urls")),
]

# JSON under /api/, the site's page elsewhere.
handler404 = "historiography.api.page_not_found"
