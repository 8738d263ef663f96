"""The site's URLs plus the benchmark's baseline page, which the product never routes."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [path("bench/minimal/", views.minimal, name="bench-minimal"), *site_urlpatterns]
