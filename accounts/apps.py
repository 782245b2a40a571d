from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Organisations and people"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # The history's reasons, so any page can show them in its reader's language.
        from . import reasons  # noqa: F401
        from .middleware import stamp_activity_at_sign_in

        user_logged_in.connect(stamp_activity_at_sign_in, dispatch_uid="s55-activity-at-sign-in")
