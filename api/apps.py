from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_save

        post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="api.revoke_on_password")


def _user_saved(sender, instance, update_fields=None, **kwargs):
    from api.tokens import revoke_if_password_changed

    if update_fields is not None and "password" not in update_fields:
        return  # last_login at each log-in and the like: the password was not written

    revoke_if_password_changed(instance)
