from django.contrib.auth import views as auth_views
from django.urls import path

from neocare.console import letter, views
from neocare.questions import console as questions

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("display-unit/", views.display_unit, name="display-unit"),
    path("triage/", views.triage, name="triage"),
    path("alerts/<uuid:alert_id>/acknowledge/", views.alert_acknowledge, name="acknowledge"),
    path("infants/<uuid:infant_id>/", views.infant_record, name="infant"),
    path("infants/<uuid:infant_id>/referral-letter/", letter.page, name="referral-letter"),
    path("infants/<uuid:infant_id>/referral-letter.pdf", letter.pdf, name="referral-letter-pdf"),
    path("infants/<uuid:infant_id>/break-glass/", views.break_glass, name="break-glass"),
    path("infants/<uuid:infant_id>/refer/", views.refer, name="refer"),
    path("infants/<uuid:infant_id>/call/", views.record_call, name="call"),
    path(
        "infants/<uuid:infant_id>/plan/<uuid:request_id>/close/",
        views.plan_close,
        name="plan-close",
    ),
    path("infants/<uuid:infant_id>/resolve/", views.resolve, name="resolve"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<uuid:referral_id>/", views.referral_update, name="referral-update"),
    path("district/", views.district, name="district"),
    path("region/", views.region, name="region"),
    path("region/<str:table>.csv", views.region_csv, name="region-csv"),
    path("questions/", questions.questions_inbox, name="questions"),
    path("questions/<uuid:question_id>/answer/", questions.answer, name="question-answer"),
]
