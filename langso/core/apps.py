from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "langso.core"
    label = "core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_touch_on_sign_in

        user_logged_in.connect(session_touch_on_sign_in, dispatch_uid="session_touch_on_sign_in")
