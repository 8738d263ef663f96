"""The open-data API under /api/ (included from config/urls.py).

A namespace of its own, since the router's names (`argument-list`, `historian-detail`)
are the public pages' names in the `historiography` namespace."""

from csp.decorators import csp_update
from django.urls import path
from django.views.decorators.gzip import gzip_page
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import api

app_name = "api"

router = DefaultRouter()
router.register("topics", api.TopicViewSet, basename="topic")
router.register("questions", api.QuestionViewSet, basename="question")
router.register("positions", api.PositionViewSet, basename="position")
router.register("arguments", api.ArgumentViewSet, basename="argument")
router.register("historians", api.HistorianViewSet, basename="historian")
router.register("schools", api.SchoolViewSet, basename="school")
router.register("works", api.WorkViewSet, basename="work")
router.register("sources", api.SourceViewSet, basename="source")
router.register("estimates", api.EstimateViewSet, basename="estimate")


class SwaggerView(SpectacularSwaggerSplitView):
    # GET only: DRF answered OPTIONS with its metadata through this page's HTML renderer,
    # which has no template for it (a 500).
    http_method_names = ["get", "head"]


urlpatterns = [
    # Compressed: 60 KB of JSON, public, with no secret a compression attack could read.
    path("schema/", gzip_page(SpectacularAPIView.as_view()), name="schema"),
    # The split view loads its start-up script from a URL instead of inlining it; Swagger
    # UI still writes inline styles, so this page alone relaxes style-src.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SwaggerView.as_view(url_name="api:schema")),
        name="docs",
    ),
    *router.urls,
]
