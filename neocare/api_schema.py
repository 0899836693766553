"""The OpenAPI schema documents the errors each operation can answer, with their body shape.

The API answers errors in two shapes:
- `{"detail": "…"}` when the request is refused as a whole (not signed in, not allowed, not
  found, too large, too many requests, a body that is not JSON);
- `{"<field>": ["message", …], "non_field_errors": [...]}` when fields are wrong (a nested field
  nests: an object of its own fields, or for a list one entry per item).

drf-spectacular documents only the success answer; `AutoSchema` adds, to every operation, the
error answers that its shape makes possible, as shared components (`#/components/responses/…`):

| code | when                                                   | added to                        |
|------|--------------------------------------------------------|---------------------------------|
| 400  | invalid body or filter; a rule of the record's state   | writes, operations with filters |
| 401  | no token, or an expired or revoked one                 | operations that authenticate    |
| 403  | signed in, but this role or account may not do it      | operations with permissions     |
| 404  | no such record, or not in your scope; page past end    | path parameters, paginated lists|
| 413  | body over the size limit                               | operations with a body          |
| 415  | a Content-Type the operation does not read             | operations with a body          |
| 429  | throttled, or the account locked after failed sign-ins | every operation                 |

A view documents what only it answers (409 on a reused idempotency key, 403 on a webhook's
secret) with `extend_schema(responses=…)`, using the components below.
"""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

_MESSAGES = {"type": "array", "items": {"type": "string"}}

ERROR_BODIES = {
    "ErrorDetail": {
        "type": "object",
        "description": "The request was refused as a whole; `detail` says why.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": (
            "Field name → messages. `non_field_errors` concerns the record as a whole; a nested "
            "field answers an object of its own fields (for a list, one entry per item). A body "
            "that is not JSON answers `detail` instead."
        ),
        "properties": {"detail": {"type": "string"}, "non_field_errors": _MESSAGES},
        "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}]},
    },
}

_DETAIL = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}}
_FIELDS = {"application/json": {"schema": {"$ref": "#/components/schemas/FieldErrors"}}}

ERROR_RESPONSES = {
    "BadRequest": {
        "description": "Invalid input: field-level messages; nothing was saved.",
        "content": _FIELDS,
    },
    "Unauthorized": {
        "description": (
            "Not signed in, or the token expired or was revoked: get one at "
            "/api/v1/auth/token/ and send `Authorization: Token <key>`."
        ),
        "content": _DETAIL,
    },
    "Forbidden": {
        "description": "Signed in, but this role or account may not do this.",
        "content": _DETAIL,
    },
    "WebhookForbidden": {
        "description": "The X-NeoCare-Webhook-Secret header is missing or wrong.",
        "content": _DETAIL,
    },
    "NotFound": {
        "description": (
            "No such record, or not in your scope (records you may not see answer 404, as if "
            "absent); for a list, a page that does not exist."
        ),
        "content": _DETAIL,
    },
    "Conflict": {
        "description": (
            "This idempotency key was already used for a different record; nothing was saved. "
            "Send a new key for a new record."
        ),
        "content": _FIELDS,
    },
    "PayloadTooLarge": {
        "description": "The body is over the size limit; send less at a time.",
        "content": _DETAIL,
    },
    "UnsupportedMediaType": {
        "description": "The operation does not read this Content-Type.",
        "content": _DETAIL,
    },
    "TooManyRequests": {
        "description": (
            "Too many requests, or the account is locked after repeated failed sign-ins. "
            "Retry after the number of seconds in Retry-After."
        ),
        "headers": {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
        },
        "content": _DETAIL,
    },
}


class TokenScheme(KnoxTokenScheme):
    """Our knox token authentication (neocare.network.auth) is described as knox's."""

    target_class = "neocare.network.auth.TokenAuthentication"


def error_response(name: str) -> OpenApiResponse:
    """One of ERROR_RESPONSES, for a view's own `extend_schema(responses={code: …})`."""
    response = ERROR_RESPONSES[name]
    return OpenApiResponse(
        response=response["content"]["application/json"]["schema"],
        description=response["description"],
    )


def idempotent_write(serializer_class) -> dict:
    """The answers of a write that carries an idempotency key (readings, observations, photos)."""
    return {
        201: serializer_class,
        200: OpenApiResponse(
            serializer_class, description="Sent again with the same key: the record stored then."
        ),
        409: error_response("Conflict"),
    }


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, name in self._error_codes().items():
            responses.setdefault(code, {"$ref": f"#/components/responses/{name}"})
        self._register_error_components()
        return responses

    def _error_codes(self) -> dict[str, str]:
        codes = {}
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        has_body = writes and self.get_request_serializer() is not None
        # A write may also break a rule of the record's state (e.g. acknowledging a resolved
        # alert): the same 400 with field-level messages.
        if writes or self._get_filter_parameters():
            codes["400"] = "BadRequest"
        if self.view.get_authenticators():
            codes["401"] = "Unauthorized"
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes["403"] = "Forbidden"
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            codes["404"] = "NotFound"
        if has_body:
            codes["413"] = "PayloadTooLarge"
            codes["415"] = "UnsupportedMediaType"
        codes["429"] = "TooManyRequests"
        return codes

    def _register_error_components(self) -> None:
        for name, schema in ERROR_BODIES.items():
            self.registry.register_on_missing(
                ResolvedComponent(name, ResolvedComponent.SCHEMA, schema=schema, object=name)
            )
        for name, response in ERROR_RESPONSES.items():
            self.registry.register_on_missing(
                ResolvedComponent(name, ResolvedComponent.RESPONSE, schema=response, object=name)
            )
