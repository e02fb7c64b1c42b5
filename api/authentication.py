"""`Authorization: Token …` checked against the stored digests (api.tokens)."""
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from api.tokens import check_token


class PersonalTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        user, refusal = check_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(refusal)
        return (user, None)
