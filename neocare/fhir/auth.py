"""Who a FHIR call comes from: a hospital system's OAuth token (client credentials), scoped.

django-oauth-toolkit issues client-credentials tokens without a user; the token's application
leads to its `SystemClient` and that client's service account, which the rest of NeoCare
scopes and audits like any account. A client asks only for the scopes it was given
(`ScopedValidator`).
"""

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.oauth2_validators import OAuth2Validator
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission


def _client(application):
    return getattr(application, "system_client", None)


class ScopedValidator(OAuth2Validator):
    """Client credentials only, and only the client's own scopes."""

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        system = _client(client)
        return system is not None and system.active and set(scopes) <= set(system.scopes)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        system = _client(request.client)
        return list(system.scopes) if system is not None else []


class SystemClientAuthentication(OAuth2Authentication):
    www_authenticate_realm = "fhir"

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        _, token = found
        system = _client(token.application)
        if system is None or not system.active or not system.user.is_active:
            raise AuthenticationFailed("this client may not use the FHIR interface")
        return system.user, token


class SystemScopeOrStaff(BasePermission):
    """A system's token must carry the view's `required_scope`; a clinician's own token or
    session may use the read endpoints (`staff_may_read`), within their own scope (403
    otherwise: a parent, an administrator, or a write)."""

    message = "this account or token may not use this operation"

    def has_permission(self, request, view):
        token = request.auth
        if hasattr(token, "allow_scopes"):  # an OAuth access token: a hospital system
            return token.allow_scopes([view.required_scope])
        return getattr(view, "staff_may_read", False) and request.user.is_clinician
