"""Health and metrics endpoints for the engineer on call (no identifiable data in either)."""

import hmac
from ipaddress import ip_address

from django.conf import settings
from django.http import HttpResponseForbidden
from django_prometheus.exports import ExportToDjangoView
from health_check.views import HealthCheckView

from neocare.ops.health import READY

live = HealthCheckView.as_view(checks=())
ready = HealthCheckView.as_view(checks=READY)


def metrics(request):
    """Prometheus scrape: with METRICS_TOKEN set, a bearer token; otherwise from this host only."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return HttpResponseForbidden("metrics need the scrape token\n")
    elif not ip_address(request.META.get("REMOTE_ADDR", "0.0.0.0")).is_loopback:
        return HttpResponseForbidden("metrics are served to this host only\n")
    return ExportToDjangoView(request)
