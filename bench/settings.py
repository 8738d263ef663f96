"""The production settings (config.settings, from the environment) with the benchmark's
baseline page routed and its template found: what `make bench` runs under gunicorn."""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
