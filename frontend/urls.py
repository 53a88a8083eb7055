"""Page routes. Each area of the UI owns one urls_<area>.py module, included here."""

from django.urls import include, path

urlpatterns = [
    path("", include("frontend.urls_home")),
    path("", include("frontend.urls_account")),
    path("", include("frontend.urls_annotate")),
    path("", include("frontend.urls_agreement")),
    path("", include("frontend.urls_review")),
    path("", include("frontend.urls_guidelines")),
    path("", include("frontend.urls_lead")),
    path("", include("frontend.urls_prelabel")),
    path("", include("frontend.urls_webhooks")),
]
