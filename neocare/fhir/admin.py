"""Hospital systems in the admin: registering one creates its OAuth application and its
service account; the client secret is shown once."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from neocare.fhir.models import SystemClient
from neocare.fhir.services import system_client_register
from neocare.network.models import Facility


class SystemClientForm(forms.ModelForm):
    facility = forms.ModelChoiceField(Facility.objects.order_by("name"), label=_("facility"))
    scopes = forms.MultipleChoiceField(
        choices=SystemClient.Scope.choices, widget=forms.CheckboxSelectMultiple, label=_("scopes")
    )

    class Meta:
        model = SystemClient
        fields = ["name", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["facility"].initial = self.instance.user.facility
            self.fields["facility"].disabled = True  # a client belongs to one facility
            self.fields["scopes"].initial = self.instance.scopes


@admin.register(SystemClient)
class SystemClientAdmin(admin.ModelAdmin):
    form = SystemClientForm
    list_display = ["name", "facility", "scopes", "active", "client_id", "created_at"]
    readonly_fields = ["client_id"]

    @admin.display(description=_("client id"))
    def client_id(self, client):
        return client.application.client_id if client.pk else ""

    def save_model(self, request, obj, form, change):
        if change:
            obj.scopes = sorted(form.cleaned_data["scopes"])
            obj.save()
            return
        client, secret = system_client_register(
            name=form.cleaned_data["name"],
            facility=form.cleaned_data["facility"],
            scopes=form.cleaned_data["scopes"],
        )
        obj.pk = client.pk
        messages.warning(
            request,
            _("Client id %(id)s, secret %(secret)s — copy the secret now: it is not shown again.")
            % {"id": client.application.client_id, "secret": secret},
        )

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: its calls are in the audit trail
