"""`Authorization: Token …` checked against the stored digests (api.tokens)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from api.tokens import user_for_token


class PersonalTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        user = user_for_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Mã truy cập không đúng hoặc đã bị thu hồi."))
        return (user, None)
