"""The API's fixtures: a token for a user, and a client that sends it."""
import pytest
from django.core.cache import cache

from api.tokens import issue_token


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The throttle counts requests in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_get(client):
    """api_get(user, url, **params): a GET with the user's personal token (no session)."""
    tokens = {}

    def get(user, url, method="get", **params):
        if user is not None and user.pk not in tokens:
            tokens[user.pk] = issue_token(user)
        headers = {"HTTP_AUTHORIZATION": f"Token {tokens[user.pk]}"} if user is not None else {}
        return getattr(client, method)(url, params, **headers)
    return get
