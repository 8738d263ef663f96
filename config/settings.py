"""Settings for the historiography comparator, read from the environment.

Every variable is documented in `.env.example`. With nothing set, the project runs in
DEBUG mode on a SQLite file beside manage.py, so a fresh checkout just works.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-key")
else:
    SECRET_KEY = env("SECRET_KEY")  # required in production: fails loudly when missing

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form shows the text that was typed, in the site's design (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "historiography.views.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Old addresses of renamed or merged pages answer with a redirect (fixtures/redirects.json).
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.postgres",
    "django_filters",
    "taggit",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    # LTI 1.3 platform registrations, deployments and the tool's keys (historiography/classroom/lti/).
    "lti_tool",
    "historiography",
    "historiography.classroom",
]

SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "historiography.middleware.SecurityHeadersMiddleware",
    "historiography.middleware.RejectMalformedInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and auth: a cached public page skips them (historiography/cache.py).
    "historiography.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "historiography.middleware.AllowedMethodsMiddleware",
    "csp.middleware.CSPMiddleware",
    "historiography.classroom.middleware.TimezoneMiddleware",
    # After authentication, CSRF and the time zone: logged-in readers get the shared copy
    # of a public page with their own account links (historiography/cache.py).
    "historiography.cache.SharedPageMiddleware",
    # A 404 whose path an editor renamed becomes a 301 to the new page.
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Last, as django-axes asks: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Login throttling: django-axes counts failures per username and address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The number of reverse proxies in front of the app that append to X-Forwarded-For
# (nginx, a load balancer): the client's address is read through them
# (historiography/security.py). 0: the header is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
# A lock holds one username at one address: five wrong passwords for A lock nobody else
# out, nor A at another address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "historiography.security.client_ip"
AXES_USERNAME_CALLABLE = "historiography.security.login_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "historiography.classroom.context_processors.notifications",
                "historiography.cache.shared_page",
            ],
            # `date` and `time` filters that never overflow on the year 9999 (see the module).
            "builtins": ["historiography.templatetags.dates"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica (PostgreSQL streaming replication) for the public pages that anonymous
# readers request; everything else stays on the primary (config/routers.py).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("historiography.cache.PublicPageCacheMiddleware") + 1, "config.routers.ReplicaReadsMiddleware"
    )
# The replication lag to allow for: the page cache stores nothing this long after a write.
DATABASE_REPLICA_LAG_SECONDS = env.float("DATABASE_REPLICA_LAG_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")


def redis_cache(url):
    return {
        # Django's, reusing its redis-py clients (config/cache.py).
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": url,
        # A stalled Redis costs a page its cache, not its answer (historiography/cache.py).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


CACHES = {
    "default": redis_cache(REDIS_URL) if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Sessions in the cache with the database behind them (cached_db): a logged-in request
# reads its session from Redis, and a flushed or restarted Redis logs nobody out. The
# alias has its own URL so that sessions can live on another Redis than the pages. A
# per-process cache is coherent only within one process (the development server, the
# tests): without Redis in production, sessions stay in the database alone, lest one
# worker go on trusting a session that another has ended.
SESSION_REDIS_URL = env("SESSION_REDIS_URL", default="") or REDIS_URL
CACHES["sessions"] = (
    redis_cache(SESSION_REDIS_URL)
    if SESSION_REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sessions"}
)
SESSION_CACHE_ALIAS = "sessions"
# (Django's cached_db, with a Redis that is down costing a read of the database, not a 500.)
SESSION_ENGINE = "historiography.sessions" if SESSION_REDIS_URL or DEBUG else "django.contrib.sessions.backends.db"
# Whole-page cache of the public pages (historiography/cache.py).
# Its invalidation reaches every process only through a shared cache, so it is on by
# default only with Redis in production; 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600 if REDIS_URL and not DEBUG else 0)
# Argument cards kept as HTML fragments in the shared cache, for every page and reader
# (historiography/cards.py): dropped by the same invalidation, so on only with Redis; 0 off.
CARD_CACHE_SECONDS = env.int("CARD_CACHE_SECONDS", default=3600 if REDIS_URL and not DEBUG else 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "historiography:home"
LOGOUT_REDIRECT_URL = "historiography:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Outgoing mail from one URL (django-environ's email_url): smtp+tls://user:password@host:587,
# consolemail:// (the default in DEBUG: messages are printed), dummymail:// (dropped).
vars().update(env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"))
if env("EMAIL_BACKEND", default=""):  # a provider's backend (django-anymail, say) by its dotted path
    EMAIL_BACKEND = env("EMAIL_BACKEND")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address, for the links in e-mail sent outside a request (the reminder job).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# "I teach" requests from these e-mail domains (and their subdomains) are approved as soon as
# the address is verified; others wait for staff in the admin.
# The hour from which `manage.py send_notifications` sends instructors their daily digest, in
# each instructor's own time zone (their profile's; TIME_ZONE without one).
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=7)
INSTRUCTOR_EMAIL_DOMAINS = [domain.lower().lstrip("@") for domain in env.list("INSTRUCTOR_EMAIL_DOMAINS", default=[])]

TAGGIT_CASE_INSENSITIVE = True

# The open-data API (/api/): public, read-only, anonymous. No authentication classes, so
# no credentials are checked (nor login attempts counted) and a logged-in visitor costs
# no extra queries.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "historiography.api.APISchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Page numbers with a count that is exact when cheap, else an estimate that says so.
    "DEFAULT_PAGINATION_CLASS": "historiography.api_paging.EstimatedCountPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],  # the viewsets are read-only
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Debates in History: open data API",
    "DESCRIPTION": (
        "The published scholarship as read-only JSON: topics, questions and their positions, "
        "arguments (whose view, how the source attributes it, the person's own words or the source's "
        "verbatim passage, and the source), the sources the editors read, schools, works and estimates."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Questions and positions both have a "standing", works and sources a "kind", with different choices.
    "ENUM_NAME_OVERRIDES": {
        "QuestionStandingEnum": "historiography.models.Standing",
        "PositionStandingEnum": "historiography.models.PositionStanding",
        "WorkKindEnum": "historiography.models.WorkKind",
        "SourceKindEnum": "historiography.models.SourceKind",
    },
    # Swagger UI from the drf-spectacular-sidecar package, so the docs page needs no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # JavaScript, passed as it is: our Swagger UI plugins (static/js/api-docs.js: what axe
    # finds in Swagger UI's markup, fixed). They replace drf-spectacular's own plugin list,
    # which holds only a schema reload on login for APIs with authentication; this one has
    # none. Syntax highlighting off: its themes' colours fall short of AA contrast.
    "SWAGGER_UI_SETTINGS": (
        "{deepLinking: true, syntaxHighlight: {activated: false}, plugins: window.apiDocsPlugins || []}"
    ),
}

# Content-Security-Policy (django-csp): scripts and styles only from our own static files,
# never inline, so an injected <script> or style="" attribute does nothing. The one
# exception is the API's Swagger UI page (historiography/api_urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF token: forms carry it in a hidden field.
CSRF_COOKIE_HTTPONLY = True

# Behind a proxy (gunicorn behind nginx, say) in production.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
