"""/accounts/: signing in and out (with a password or the organisation's provider), passwords, two-factor sign-in, the office admin's pages."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("sso/start/", views.sso_start, name="sso-start"),
    path("sso/callback/", views.sso_callback, name="sso-callback"),
    path("no-access/", views.no_access, name="no-access"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("office/switch/", views.office_switch, name="office-switch"),
    path("language/<str:code>/", views.language, name="language"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("password-change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("office/users/", views.office_users, name="office-users"),
    path("office/users/add/", views.office_user_add, name="office-user-add"),
    path(
        "office/users/<int:pk>/deactivate/",
        views.office_user_deactivate,
        name="office-user-deactivate",
    ),
    path(
        "office/users/<int:pk>/reset-two-factor/",
        views.office_user_reset_two_factor,
        name="office-user-reset-two-factor",
    ),
    path("office/invitations/", views.office_invitations, name="office-invitations"),
    path(
        "office/invitations/new/", views.office_invitation_create, name="office-invitation-create"
    ),
    path(
        "office/invitations/<int:pk>/resend/",
        views.office_invitation_resend,
        name="office-invitation-resend",
    ),
    path(
        "office/invitations/<int:pk>/revoke/",
        views.office_invitation_revoke,
        name="office-invitation-revoke",
    ),
    path("invitation/<str:token>/", views.invitation_accept_view, name="invitation-accept"),
    path("office/branding/", views.office_branding, name="office-branding"),
    path("office/priorities/", views.office_priorities, name="office-priorities"),
    path("office/priorities/<int:pk>/", views.office_priority_edit, name="office-priority-edit"),
    path("office/sharing/", views.office_sharing, name="office-sharing"),
    path("office/copies/", views.office_copies, name="office-copies"),
]
