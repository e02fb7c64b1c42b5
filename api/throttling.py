"""Requests per token (one token per user, so per user), at settings.API_THROTTLE_RATE."""
from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class TokenRateThrottle(UserRateThrottle):
    scope = "api"

    def get_rate(self):
        # Read on each request (not frozen at import) so that a deployment or a test may change it.
        return settings.API_THROTTLE_RATE
