"""Account pages: API tokens, password change and reset (Django's views, our templates),
invite links, and the site administrators' people page."""

from django.contrib.auth import views as auth_views
from django.urls import path

from frontend.views import account, invites, preferences, site_people


def _auth_view(view: type, template: str, **options: object):  # type: ignore[no-untyped-def]
    return view.as_view(template_name=f"account/{template}.html", **options)  # type: ignore[attr-defined]


urlpatterns = [
    path("account/keyboard/", preferences.keyboard_page, name="account-keyboard"),
    path("account/tokens/", account.tokens_page, name="account-tokens"),
    path(
        "account/tokens/<int:token_id>/revoke/", account.token_revoke, name="account-token-revoke"
    ),
    path(
        "account/password/",
        _auth_view(auth_views.PasswordChangeView, "password_change"),
        name="password_change",
    ),
    path(
        "account/password/done/",
        _auth_view(auth_views.PasswordChangeDoneView, "password_change_done"),
        name="password_change_done",
    ),
    path(
        "password-reset/",
        _auth_view(
            auth_views.PasswordResetView,
            "password_reset",
            email_template_name="account/password_reset_email.txt",
            subject_template_name="account/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        _auth_view(auth_views.PasswordResetDoneView, "password_reset_done"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        _auth_view(auth_views.PasswordResetConfirmView, "password_reset_confirm"),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        _auth_view(auth_views.PasswordResetCompleteView, "password_reset_complete"),
        name="password_reset_complete",
    ),
    path("invite/<str:token>/", invites.invite_accept_page, name="invite-accept"),
    path("site/people/", site_people.site_people_page, name="site-people"),
    path("site/people/invite/", site_people.site_invite, name="site-people-invite"),
    path(
        "site/people/<int:user_id>/creator/",
        site_people.project_creator_toggle,
        name="site-people-creator",
    ),
]
