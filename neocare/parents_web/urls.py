from django.urls import path

from neocare.parents_web import views

app_name = "parents_web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("infants/<uuid:infant_id>/reading/", views.reading_new, name="reading-new"),
    path(
        "infants/<uuid:infant_id>/readings/<uuid:reading_id>/",
        views.reading_result,
        name="reading-result",
    ),
    path("infants/<uuid:infant_id>/observation/", views.observation_new, name="observation-new"),
    path(
        "infants/<uuid:infant_id>/observations/<uuid:observation_id>/",
        views.observation_result,
        name="observation-result",
    ),
    path("infants/<uuid:infant_id>/photo/", views.photo_new, name="photo-new"),
    path(
        "infants/<uuid:infant_id>/photos/<uuid:photo_id>/",
        views.photo_result,
        name="photo-result",
    ),
    path("infants/<uuid:infant_id>/questions/", views.questions, name="questions"),
    path("articles/", views.articles, name="articles"),
    path("articles/<uuid:article_id>/", views.article, name="article"),
    # The guardian's own link in a timed-education message (12 URL-safe characters).
    path("e/<str:token>/", views.education_link, name="education-link"),
    path("consent/", views.consents, name="consents"),
    path("consent/<uuid:infant_id>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
]
