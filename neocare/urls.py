from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from oauth2_provider import views as oauth2_views
from rest_framework.routers import DefaultRouter

from neocare.alerts.views import AlertViewSet, ReferralViewSet
from neocare.audit.views import AuditEventViewSet
from neocare.infants import my_views as my
from neocare.infants.views import BreakGlassView, ConsentTextView, InfantViewSet, SyncView
from neocare.knowledge.views import ArticleViewSet
from neocare.messaging.views import DeliveryWebhook, InboundWebhook
from neocare.network.views import (
    CodeRequestView,
    CodeSignInView,
    FacilityViewSet,
    MeView,
    SignOutEverywhereView,
    SignOutView,
    TokenRefreshView,
    TokenView,
)
from neocare.ops import views as ops_views
from neocare.photos.views import PhotoImageView, PhotoListView
from neocare.questions.views import InfantQuestionsView, QuestionAnswerView

# Swagger UI and ReDoc write <style> elements at run time, which no nonce reaches, and ReDoc
# searches in a worker it builds from a blob: on these two pages (no patient data) inline styles
# and blob workers are allowed. Scripts stay ours only, as everywhere.
docs_styles = csp_replace({"style-src-elem": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})
swagger = docs_styles(SpectacularSwaggerSplitView.as_view(url_name="schema"))
redoc = docs_styles(
    SpectacularRedocView.as_view(url_name="schema", template_name="console/redoc.html")
)

# The admin site needs the second factor too (superusers see everything).
admin.site.__class__ = OTPAdminSite

# Path converters (uuid) rather than regexes: an id that is not a UUID matches no route (404).
router = DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False  # JSON only: no /alerts.json twins to document
router.register("infants", InfantViewSet, basename="infant")
router.register("facilities", FacilityViewSet, basename="facility")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("alerts", AlertViewSet, basename="alert")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("articles", ArticleViewSet, basename="article")

api_v1 = [
    path("me/", MeView.as_view(), name="me"),
    path("sync/", SyncView.as_view(), name="sync"),
    path("break-glass/", BreakGlassView.as_view(), name="break-glass"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/code/", CodeRequestView.as_view(), name="auth-code"),
    path("auth/code/sign-in/", CodeSignInView.as_view(), name="auth-code-sign-in"),
    path("auth/refresh/", TokenRefreshView.as_view(), name="auth-refresh"),
    path("consent-text/", ConsentTextView.as_view(), name="consent-text"),
    # A parent's own record (issue #15).
    path("me/infants/<uuid:infant_id>/timeline/", my.MyTimelineView.as_view(), name="my-timeline"),
    path("me/messages/", my.MyMessagesView.as_view(), name="my-messages"),
    path("me/consents/", my.MyConsentsView.as_view(), name="my-consents"),
    path("me/export/", my.MyExportView.as_view(), name="my-export"),
    path("me/erase/", my.MyErasureView.as_view(), name="my-erase"),
    path("auth/sign-out/", SignOutView.as_view(), name="auth-sign-out"),
    path("auth/sign-out-everywhere/", SignOutEverywhereView.as_view(), name="auth-sign-out-all"),
    path("sms/delivery/", DeliveryWebhook.as_view(), name="sms-delivery"),
    path("sms/inbound/", InboundWebhook.as_view(), name="sms-inbound"),
    path("infants/<uuid:id>/photos/", PhotoListView.as_view(), name="infant-photos"),
    path(
        "infants/<uuid:id>/photos/<uuid:photo_id>/image/",
        PhotoImageView.as_view(),
        name="infant-photo-image",
    ),
    path("infants/<uuid:id>/questions/", InfantQuestionsView.as_view(), name="infant-questions"),
    path("questions/<uuid:id>/answer/", QuestionAnswerView.as_view(), name="question-answer"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("health/live/", ops_views.live, name="health-live"),
    path("health/ready/", ops_views.ready, name="health-ready"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("", RedirectView.as_view(pattern_name="console:home"), name="root"),
    # Browsers ask for /favicon.ico on pages that name none (the API docs).
    path("favicon.ico", RedirectView.as_view(url=static("console/favicon.svg"), permanent=True)),
    path("console/", include("neocare.console.urls")),
    path("m/", include("neocare.parents_web.urls")),
    # Hospital systems (issue #16): FHIR R4, and their OAuth 2.0 tokens (client credentials).
    path("fhir/", include("neocare.fhir.urls")),
    path("o/token/", oauth2_views.TokenView.as_view(), name="oauth2-token"),
    path("i18n/", include("django.conf.urls.i18n")),  # the language switch (set_language)
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", swagger, name="api-docs"),
    path("api/redoc/", redoc, name="api-redoc"),
    path("admin/", admin.site.urls),
]

handler404 = "neocare.api.not_found"
handler500 = "neocare.api.server_error"
