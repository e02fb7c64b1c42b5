"""The log-in backend: Django's ModelBackend, with the user's area read in the same query as the
user on every request (every page scopes by it: portal.scoping), one query less per page."""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AreaModelBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = get_user_model()._default_manager.select_related("area").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
