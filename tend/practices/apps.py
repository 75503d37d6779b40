from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "tend.practices"
    verbose_name = "Practices"

    def ready(self) -> None:
        # The empty choice of a select, in Tend's words and every language Tend speaks
        # (Django's own "- Select an option -" has no Spanish yet).
        from django.db.models import fields
        from django.utils.translation import pgettext_lazy

        fields.BLANK_CHOICE_LABEL = pgettext_lazy("empty choice", "Choose one")

        # Signing in is using Tend: the idle limit counts from there.
        from django.contrib.auth.signals import user_logged_in

        from tend.practices.middleware import signed_in_now

        user_logged_in.connect(signed_in_now, dispatch_uid="tend-idle-signed-in")

        # Signing in with a password may leave a second step owed (two-step sign-in).
        from tend.practices.two_factor import signed_in

        user_logged_in.connect(signed_in, dispatch_uid="tend-two-step-signed-in")

        # Signing in from a browser: when, and which, for the list under Your account.
        from tend.practices import sessions

        user_logged_in.connect(sessions.signed_in, dispatch_uid="tend-browser-signed-in")

        # A wrong password is a security event (tend.practices.security).
        from django.contrib.auth.signals import user_login_failed

        from tend.practices.security import sign_in_failed

        user_login_failed.connect(sign_in_failed, dispatch_uid="tend-sign-in-failed")
