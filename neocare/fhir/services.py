"""Registering a hospital system: its OAuth application and its service account together."""

from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from neocare.fhir.models import SystemClient
from neocare.network.models import Facility, User


@transaction.atomic
def system_client_register(*, name: str, facility: Facility, scopes: list[str]):
    """A new client; returns it with its secret, shown once (only a hash is stored)."""
    unknown = set(scopes) - set(SystemClient.Scope.values)
    if unknown:
        raise ValueError(f"unknown scopes {sorted(unknown)}")
    user = User(username=f"system-{name}"[:150], role=User.Role.HOSPITAL_SYSTEM, facility=facility)
    user.set_unusable_password()  # it never signs in; its tokens come from /o/token/
    user.save()
    secret = generate_client_secret()
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
    )
    client = SystemClient.objects.create(
        name=name, application=application, user=user, scopes=sorted(scopes)
    )
    return client, secret
