from django.urls import path

from neocare.fhir import views

urlpatterns = [
    path("", views.HandoverView.as_view(), name="fhir-handover"),
    path("metadata", views.MetadataView.as_view(), name="fhir-metadata"),
    path("Patient/<uuid:id>", views.PatientView.as_view(), name="fhir-patient"),
    path("Patient/<uuid:id>/$everything", views.EverythingView.as_view(), name="fhir-everything"),
    path("Observation", views.ObservationCreateView.as_view(), name="fhir-observation-create"),
]
