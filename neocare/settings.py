"""NeoCare settings: one module, driven by environment variables with embedded defaults.

Defaults give a self-contained demo (SQLite, Celery on kombu's filesystem transport).
`DATABASE_URL` and `CELERY_BROKER_URL` switch to PostgreSQL and Redis. Bad values fail at start.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # local state of the embedded defaults (SQLite, broker folder)

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A secret key has a default only for local development; production must set one.
if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-not-for-production")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "phonenumber_field",
    "neocare.network",
    "neocare.infants",
    "neocare.audit",
    "neocare.alerts",
    "neocare.followup",
    "neocare.messaging",
    "neocare.photos",
    "neocare.knowledge",
    "neocare.questions",
    "neocare.console",
    "neocare.parents_web",
    "oauth2_provider",
    "neocare.fhir",
    "neocare.riskmodels",
    "neocare.ops",
    "health_check",
    "django_prometheus",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # Request metrics (django-prometheus): first and last, to time the whole request.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # A request id on every log line and into the Celery tasks the request publishes.
    "neocare.ops.requests.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The API docs' assets from our own static files, before anything else reads the request.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every answer (the console's inline style carries the nonce).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common: picks the language from Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Refuses a locked-out sign-in before any view (django-axes).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Staff sign-in (issue #7): django-axes locks a username from an address after repeated
# failures; sessions end after SESSION_IDLE_MINUTES without a request and with the browser.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "console/locked_out.html"
# 429 with Retry-After and a message that says so, JSON for the API (neocare/network/views.py).
AXES_LOCKOUT_CALLABLE = "neocare.network.views.locked_out"
SESSION_COOKIE_AGE = 60 * env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_SAVE_EVERY_REQUEST = True  # the idle clock restarts with each request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Two-factor sign-in for the accounts that see many records (and every superuser).
TWO_FACTOR_ROLES = env.list(
    "TWO_FACTOR_ROLES", default=["district_doctor", "paediatrician", "health_admin"]
)
OTP_TOTP_ISSUER = "NeoCare"
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "console:login"

# API tokens (django-rest-knox): stored hashed, expiring, revocable one by one or all at once.
# Parents stay signed in on their phone for weeks; staff for a working day.
TOKEN_TTL_GUARDIAN_DAYS = env.int("TOKEN_TTL_GUARDIAN_DAYS", default=30)
TOKEN_TTL_STAFF_HOURS = env.int("TOKEN_TTL_STAFF_HOURS", default=10)
REST_KNOX = {"TOKEN_TTL": timedelta(hours=TOKEN_TTL_STAFF_HOURS), "AUTO_REFRESH": False}
# Parents sign in with a one-time SMS code (neocare/network/sign_in.py): six digits, good for
# 5 minutes and 5 tries; at most 5 codes per number an hour (and the `sign_in_code` throttle per
# client address). Programme policy: listed for sign-off.
# The parents' page, as linked from the invitation SMS (the public address in production).
PARENT_PAGE_URL = env.str("PARENT_PAGE_URL", default="http://127.0.0.1:8000/m/")
SIGN_IN_CODE_TTL_MINUTES = env.int("SIGN_IN_CODE_TTL_MINUTES", default=5)
SIGN_IN_CODE_MAX_ATTEMPTS = env.int("SIGN_IN_CODE_MAX_ATTEMPTS", default=5)
SIGN_IN_CODES_PER_NUMBER_PER_HOUR = env.int("SIGN_IN_CODES_PER_NUMBER_PER_HOUR", default=5)
SIGN_IN_CODES_PER_ADDRESS_PER_HOUR = env.int("SIGN_IN_CODES_PER_ADDRESS_PER_HOUR", default=20)

# The cache counts throttled requests; one per process unless CACHE_URL names a shared one.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

ROOT_URLCONF = "neocare.urls"
WSGI_APPLICATION = "neocare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "neocare.console.context_processors.display_unit",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'neocare.sqlite3'}"),
}
# Keep PostgreSQL connections open across requests (gunicorn workers reuse them).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE_SECONDS", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "network.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Internationalisation: Simplified Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "neocare" / "locale"]
USE_I18N = True
# Aware datetimes everywhere: stored in UTC, shown in the city's zone.
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

STATIC_URL = "static/"
# Served by whitenoise from the apps' own folders (the API docs' assets), so no collectstatic
# step is needed to run; a deployment may collect them (DJANGO_STATIC_ROOT) for speed.
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default="") or None
WHITENOISE_USE_FINDERS = True

# HTTPS in production (README, "Production"): behind the TLS proxy, which sets
# X-Forwarded-Proto. DJANGO_HTTPS=1 turns every protection on; `manage.py check --deploy` is then
# clean (a test runs it).
HTTPS = env.bool("DJANGO_HTTPS", default=False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # The header only allows submitting the domain to the browsers' preload list (a separate step).
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: scripts only from ourselves (the console has none inline), styles
# from ourselves or carrying the request's nonce; the chart SVG's presentation attributes need
# style attributes (style-src-attr). No plugins, no framing, forms post only to ourselves.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src-elem": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

PHONENUMBER_DEFAULT_REGION = "CN"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The parents' app: "Authorization: Token <key>" (knox, one query: network.auth).
        "neocare.network.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the browser
    ],
    # Rates per client address (anonymous), per account, and for the sign-in endpoint; a 429
    # carries Retry-After. Counted in the cache (CACHE_URL: Redis in production).
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON_RATE", default="120/minute"),
        "user": env.str("THROTTLE_USER_RATE", default="1200/minute"),
        "sign_in": env.str("THROTTLE_SIGN_IN_RATE", default="10/minute"),
        "sign_in_code": env.str("THROTTLE_SIGN_IN_CODE_RATE", default="20/hour"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "neocare.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["neocare.api.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "neocare.api_schema.AutoSchema",
    # JSON with bounded nesting (JSON_MAX_DEPTH): a clear 400, never a parser overflow.
    "DEFAULT_PARSER_CLASSES": ["neocare.api.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "neocare.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NeoCare API",
    "DESCRIPTION": "Neonatal jaundice monitoring: infants, bilirubin readings, observations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set (drf-spectacular warns when two share a field name).
    "ENUM_NAME_OVERRIDES": {
        "ActionEnum": "neocare.infants.models.ActionLevel.code_choices",
        "AlertStatusEnum": "neocare.alerts.models.Alert.Status",
        "ReferralStatusEnum": "neocare.alerts.models.Referral.Status",
        "PhotoStatusEnum": "neocare.photos.models.Photo.Status",
        "QuestionStatusEnum": "neocare.questions.models.Question.Status",
        "QuestionEscalationEnum": "neocare.questions.models.Question.Escalation",
        # Named as before the questions app shared the field name (alerts' schema unchanged).
        "EscalationLevelEnum": "neocare.alerts.models.Alert.Escalation",
        "FollowUpStatusEnum": "neocare.infants.models.FollowUpStatus",
        "RequestKindEnum": "neocare.followup.models.Request.Kind",
        "RequestStatusEnum": "neocare.followup.models.Request.Status",
        "RequestAnswerEnum": "neocare.followup.models.Request.Answer",
    },
}

# Deepest JSON nesting any request may carry (the deepest real body, a sync batch, has 3).
JSON_MAX_DEPTH = env.int("JSON_MAX_DEPTH", default=32)

# Celery. Embedded default: kombu's filesystem transport, no broker server needed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FOLDER = env.path("CELERY_BROKER_FOLDER", default=VAR_DIR / "broker")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER),
        "data_folder_out": str(CELERY_BROKER_FOLDER),
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = False  # opt in per task where redelivery is safe
CELERY_BEAT_SCHEDULE = {
    # Unacknowledged alerts move up a level when their time is up (idempotent).
    "alerts-escalate": {"task": "neocare.alerts.tasks.alerts_escalate_task", "schedule": 60.0},
    # Due measurement reminders, in batches; the due time is a column, never a broker ETA.
    "reminders-dispatch": {
        "task": "neocare.messaging.tasks.reminders_dispatch_task",
        "schedule": 60.0,
    },
    # Outbox messages due but never dispatched (broker down, quiet hours over) or stuck.
    "messages-sweep": {"task": "neocare.messaging.tasks.messages_sweep_task", "schedule": 30.0},
    # Photos whose analysis task never ran (broker down when they arrived).
    "photos-sweep": {"task": "neocare.photos.tasks.photos_sweep_task", "schedule": 60.0},
    # Timed education: articles due by the infants' age and state (once per rule and guardian).
    "education-dispatch": {
        "task": "neocare.knowledge.tasks.education_dispatch_task",
        "schedule": 900.0,
    },
    # Parents' questions unanswered past their deadline go to the district centre (idempotent).
    "questions-escalate": {
        "task": "neocare.questions.tasks.questions_escalate_task",
        "schedule": 300.0,
    },
    # The regional dashboard's daily roll-ups: the days touched since the last run, recomputed.
    "rollups-refresh": {"task": "neocare.console.tasks.rollups_refresh_task", "schedule": 60.0},
    # Expired API tokens (a presented one is refused and deleted at once; see network.auth).
    "tokens-clear-expired": {
        "task": "neocare.network.tasks.tokens_clear_expired_task",
        "schedule": 86400.0,
    },
}

# Hospital systems' OAuth 2.0 (issue #16): client credentials only, short-lived tokens, scopes
# as SMART's system/ scopes; each client may ask only for its own (neocare.fhir.auth).
OAUTH2_PROVIDER = {
    "SCOPES": {
        "system/Patient.read": "read patients",
        "system/Patient.write": "hand over newborns (births and discharges)",
        "system/Observation.read": "read observations",
        "system/Observation.write": "write laboratory results",
    },
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("FHIR_TOKEN_TTL_SECONDS", default=3600),
    "OAUTH2_VALIDATOR_CLASS": "neocare.fhir.auth.ScopedValidator",
    # RFC 9700 (OAuth 2.0 Security BCP), every recommendation enforced: no implicit or password
    # grant, no "plain" PKCE, tokens only in the Authorization header, tokens stored hashed.
    # Our applications are client-credentials ones anyway (neocare.fhir.services), which get
    # no refresh tokens; replay protection is on should that ever change.
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # No redirects at all in client credentials; should one appear, https only.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    **{
        f"COMPLIANT_BCP_RFC9700_{gate}": True
        for gate in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}
# Named so that migrations can depend on the (unswapped) model.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# Clinical input limits, each named with its unit. Sources in docs/clinical-rules.md.
# A reading may be stamped this far in the future (phone clocks drift) before it is refused.
CLOCK_SKEW_TOLERANCE_MINUTES = env.int("CLOCK_SKEW_TOLERANCE_MINUTES", default=5)
# Physiologic ceiling for a bilirubin value: 40 mg/dL ≈ 684 µmol/L (issue #2).
READING_MAX_MG_DL = 40
# Programme policy (issue #26.5): a community health centre's daily hours (local) until its own
# are recorded on the facility; outside them a blood test is sent to the nearest hospital.
COMMUNITY_CENTRE_HOURS = (
    env.str("COMMUNITY_CENTRE_OPENS", default="08:00"),
    env.str("COMMUNITY_CENTRE_CLOSES", default="17:00"),
)
# Programme policy (issue #26.12): a clinician's threshold below this is a typing or unit error
# (10 "µmol/L" for 10 mg/dL), not a threshold: even the most preterm infants' phototherapy
# lines lie well above 3 mg/dL (51 µmol/L).
CLINICIAN_THRESHOLD_MIN_MG_DL = env.float("CLINICIAN_THRESHOLD_MIN_MG_DL", default=3.0)
# Jaundice readings are accepted for the neonatal period only.
READING_MAX_AGE_DAYS = 28
# The dashboard's roll-ups recompute the days of rows written since their last run, less this
# margin: a transaction that commits later than this after its rows were written would be
# missed until `manage.py rollups_rebuild` (neocare/console/rollups.py).
ROLLUP_LOOKBACK_MINUTES = env.int("ROLLUP_LOOKBACK_MINUTES", default=10)
# Gestational age accepted at registration, completed weeks (inclusive).
GESTATIONAL_AGE_MIN_WEEKS = 22
GESTATIONAL_AGE_MAX_WEEKS = 44
# Most records one batch sync may carry; a phone offline for days sends a few dozen.
SYNC_MAX_RECORDS = 500
# How long a paediatrician's break-glass access to one infant lasts.
BREAK_GLASS_DURATION_HOURS = env.int("BREAK_GLASS_DURATION_HOURS", default=24)

# A reading, photo or observation measured more than this long before it reached us is a late
# entry: history for the record and the chart, never a text about a time already past.
LATE_ENTRY_AFTER_MINUTES = env.int("LATE_ENTRY_AFTER_MINUTES", default=60)

# Programme policies: where AAP 2022 and DOMAIN.md leave a choice, the programme's choice, to be
# signed off by its clinicians. Every field of risk_model.policy.Policy is named here (a test
# checks it); reasons and sources: risk_model/policy.py and docs/clinical-rules.md.
CLINICAL_POLICY = {
    # >= 72 h with a gap >= 5.5 mg/dL ("clinical judgement"): measure within 24-48 h, until two
    # successive falls or day 7 (>= 38 weeks) / day 10 (35-37 weeks).
    "judgement_band_window_hours": (24, 48),
    "judgement_band_falls_to_stop": 2,
    "monitoring_end_day_term": 7,
    "monitoring_end_day_late_preterm": 10,
    # A TcB or an estimate that needs serum bilirubin: TSB within 4-24 h (4-8 h on day one).
    "tsb_confirm_window_hours": (4, 24),
    "tsb_confirm_window_first_day_hours": (4, 8),
    # No AAP threshold and none set by a clinician (< 35 weeks, gestation unknown).
    "outside_guideline_window_hours": (4, 24),
    # No measurement yet, or only estimates.
    "no_measurement_window_hours": (0, 24),
    # A visual estimate asks for a measurement within 24 h, never later.
    "visual_window_hours": (0, 24),
    # Prolonged jaundice for mixed feeding: day 14 (formula 14, exclusive breastfeeding 21).
    "prolonged_mixed_feeding_day": 14,
    # Weight loss > 10 %: a measurement within 24 h besides the doctor's review.
    "weight_loss_window_hours": (0, 24),
    # Before 72 h a wide gap never sets a due time later than 120 h of age (72 + 48).
    "before_72h_latest_due_age_hours": 120,
    # How long a report counts: danger signs, a weight, an unanswered estimate.
    "danger_signs_valid_hours": 24,
    # Reported seizures and a blue colour are an emergency too (not in DOMAIN.md's list).
    "emergency_signs_beyond_guideline": ("seizures", "blue_colour"),
    "weight_valid_hours": 72,
    "estimate_valid_hours": 24,
    # A TSB's advice (another TSB, or hospital) outlives newer meter readings this long.
    "tsb_advice_in_force_hours": 48,
    # Plausibility: a umol/L value <= 30 after 24 h looks like mg/dL; a change beyond
    # 3 mg/dL + 1 mg/dL per hour is not biology.
    "unit_suspect_max_umol_l": 30,
    "unit_suspect_from_age_hours": 24,
    "implausible_allowance_mg_dl": 3.0,
    "implausible_rate_mg_dl_per_hour": 1.0,
    # Falls faster than 0.2 mg/dL per hour (beyond the 3 mg/dL allowance) are doubted: untreated
    # bilirubin falls more slowly than phototherapy lowers it.
    "implausible_fall_rate_mg_dl_per_hour": 0.2,
    # A repeat within 2 mg/dL (34 umol/L) of a doubtful value of its kind confirms it.
    "confirm_tolerance_mg_dl": 2.0,
    "remeasure_window_hours": (0, 4),
    # After phototherapy: rebound risk -> 6-12 h after stopping, then the next day (24-36 h).
    "rebound_first_window_hours": (6, 12),
    "rebound_next_day_window_hours": (24, 36),
    # A course with no recorded end counts as stopped at the first home reading, or 72 h after
    # it began; the hospital is asked to record the end.
    "phototherapy_unclosed_after_hours": 72,
}

# An alert nobody acknowledged escalates after this many minutes at its severity: to the
# district centre, then again after as long to the region's on-call list (issue #5).
# Programme policy (issue #26): an open alert pages again, at its own level, for a value higher
# than the one it shows by this much (beyond a TcB meter's repeatability), or for a new reason.
ALERT_REPAGE_STEP_MG_DL = env.float("ALERT_REPAGE_STEP_MG_DL", default=1.5)
ALERT_ESCALATE_AFTER_MINUTES = {
    "doctor_review": env.int("ALERT_ESCALATE_REVIEW_MINUTES", default=240),
    "urgent_referral": env.int("ALERT_ESCALATE_URGENT_MINUTES", default=60),
    "emergency": env.int("ALERT_ESCALATE_EMERGENCY_MINUTES", default=15),
}

# Parents' questions to their community doctor (issue #15, item 6). Programme policy, listed for
# sign-off: a doctor of the infant's centre answers within this many hours of the question;
# unanswered by then, it goes to the district centre's doctors (one SMS each, once). A question
# naming a danger sign (neocare/questions/danger.py) is answered at once by the system with the
# emergency advice and never waits for this deadline.
QUESTION_ANSWER_HOURS = env.int("QUESTION_ANSWER_HOURS", default=24)
# Programme policy (issue #26): a question that asks a doctor today — yellow palms or soles,
# fever, feeding less, "sleeps all the time", very yellow urine, or a danger sign mentioned
# only negated ("没有抽搐", recorded as mentioned, unconfirmed, never as the sign) — is due
# this many hours after it is asked, reaches the doctor at once, and escalates after.
QUESTION_DOCTOR_TODAY_HOURS = env.int("QUESTION_DOCTOR_TODAY_HOURS", default=4)
# Questions a parent may send in 24 hours (a question naming a danger sign always goes).
QUESTIONS_PER_PARENT_PER_DAY = env.int("QUESTIONS_PER_PARENT_PER_DAY", default=20)

# SMS-style messages (issue #5). Backend: console (log), file (SMS_FILE_PATH) or http.
SMS_GATEWAY = env.str("SMS_GATEWAY", default="console")
if SMS_GATEWAY not in ("console", "file", "http"):
    raise ImproperlyConfigured("SMS_GATEWAY must be console, file or http")
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=VAR_DIR / "sms.jsonl")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TIMEOUT_SECONDS = env.float("SMS_GATEWAY_TIMEOUT_SECONDS", default=5.0)
# The http gateway's batch API (issue #18), as Chinese SMS providers have: one POST carries up
# to SMS_SEND_BATCH_SIZE messages, each with its own idempotency key and outcome. Empty: the
# gateway has none, and each message is its own call. SMS_SEND_BATCH_SIZE is also how many
# messages one send task takes (a single urgent message still goes at once, alone).
SMS_GATEWAY_BATCH_URL = env.str("SMS_GATEWAY_BATCH_URL", default="")
SMS_SEND_BATCH_SIZE = env.int("SMS_SEND_BATCH_SIZE", default=100)
# Attempts per message before a retryable failure becomes "unknown" for a person to check.
SMS_MAX_ATTEMPTS = env.int("SMS_MAX_ATTEMPTS", default=8)
# A message claimed this long ago and still "sending" lost its worker.
SMS_STUCK_AFTER_SECONDS = env.int("SMS_STUCK_AFTER_SECONDS", default=300)
# Shared secret of the provider's delivery and inbound webhooks; empty refuses every call.
SMS_WEBHOOK_SECRET = env.str("SMS_WEBHOOK_SECRET", default="")
# Messages a number may receive per local day (some providers default to 2); non-urgent ones
# leave SMS_URGENT_RESERVE of them for an urgent message.
SMS_DAILY_BUDGET_PER_PHONE = env.int("SMS_DAILY_BUDGET_PER_PHONE", default=5)
SMS_URGENT_RESERVE = env.int("SMS_URGENT_RESERVE", default=1)
# Education (timed articles, issue #15): the lowest priority. It goes only while this many
# non-urgent messages stay free for clinical ones (besides the urgent reserve), at most
# SMS_EDUCATION_PER_DAY a day per number. Programme policy (docs/knowledge-base.md).
SMS_EDUCATION_HEADROOM = env.int("SMS_EDUCATION_HEADROOM", default=2)
SMS_EDUCATION_PER_DAY = env.int("SMS_EDUCATION_PER_DAY", default=1)
# Non-urgent messages wait out the night (local hours, start inclusive, end exclusive).
SMS_QUIET_HOURS = (
    env.int("SMS_QUIET_START_HOUR", default=21),
    env.int("SMS_QUIET_END_HOUR", default=8),
)
# A second reminder (and a note to the doctor) this long after a missed measurement.
REMINDER_SECOND_AFTER_HOURS = env.int("REMINDER_SECOND_AFTER_HOURS", default=6)
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=1000)

# Skin photos (issue #6): sanitised copies only, outside any URL the web server serves.
PHOTO_STORAGE_DIR = env.path("PHOTO_STORAGE_DIR", default=VAR_DIR / "photos")
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=15_000_000)
# Checked from the header before decoding (a 12 MP phone photo is ~12,000,000 pixels).
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=50_000_000)
PHOTO_MAX_DIMENSION = env.int("PHOTO_MAX_DIMENSION", default=12_000)
# Multipart uploads up to the photo limit are accepted (Django's default is 2.5 MB in memory).
FILE_UPLOAD_MAX_MEMORY_SIZE = PHOTO_MAX_BYTES

# The risk model file (skops), written by `manage.py train_risk_model` (the run command trains one
# when it is missing). Each process loads it once, and again only if the file changes.
RISK_MODEL_PATH = env.path("RISK_MODEL_PATH", default=BASE_DIR / "var" / "risk_model.skops")
# The model registry (issue #17): every registered model file is kept here by version;
# promoting one copies it to RISK_MODEL_PATH, where every process picks it up.
RISK_MODEL_REGISTRY_DIR = env.path(
    "RISK_MODEL_REGISTRY_DIR", default=BASE_DIR / "var" / "risk_models"
)
# Monitoring the served model (issue #17; admin → risk model versions → monitoring, and
# /metrics): readings of the last MODEL_MONITOR_DAYS days; a warning when observed over expected
# outcomes leaves [1 / bound, bound] (judged once MODEL_MONITOR_MIN_EXPECTED outcomes were
# expected), or a feature's population stability index exceeds MODEL_MONITOR_PSI_WARNING (0.25:
# the usual "major shift"; judged on MODEL_MONITOR_MIN_READINGS readings or more).
MODEL_MONITOR_DAYS = env.int("MODEL_MONITOR_DAYS", default=30)
MODEL_CALIBRATION_BOUND = env.float("MODEL_CALIBRATION_BOUND", default=1.5)
MODEL_MONITOR_MIN_EXPECTED = env.float("MODEL_MONITOR_MIN_EXPECTED", default=10.0)
MODEL_MONITOR_PSI_WARNING = env.float("MODEL_MONITOR_PSI_WARNING", default=0.25)
# Drift is judged on at least this many scored readings (a stability index of a handful of
# readings says nothing).
MODEL_MONITOR_MIN_READINGS = env.int("MODEL_MONITOR_MIN_READINGS", default=200)
# The secret salt of the pseudonyms in `manage.py export_training_data` (no default: an export
# without it is refused). It stays inside the programme, never with an export.
TRAINING_EXPORT_SALT = env.str("TRAINING_EXPORT_SALT", default="")
# The skin-photo estimator (risk_model.photo; `manage.py train_photo_estimator`).
PHOTO_ESTIMATOR_PATH = env.path(
    "PHOTO_ESTIMATOR_PATH", default=BASE_DIR / "var" / "photo_estimator.json"
)
# A photo still "received" this long after upload never reached a worker: the sweeper resends.
PHOTO_ANALYSIS_STUCK_SECONDS = env.int("PHOTO_ANALYSIS_STUCK_SECONDS", default=120)

# The engineer on call (README, "Operations"): /health/live, /health/ready and /metrics.
# A message due this long and unsent makes the service not ready.
OUTBOX_STUCK_AFTER_MINUTES = env.int("OUTBOX_STUCK_AFTER_MINUTES", default=15)
# Prometheus scrapes /metrics with "Authorization: Bearer <token>"; without one, only from
# this host.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Logs: JSON lines (one object per record, with the request id) unless LOG_FORMAT=text.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "neocare.ops.requests.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
