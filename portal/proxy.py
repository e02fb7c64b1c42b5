"""The client's address, as the log-in lock-out (django-axes, AXES_CLIENT_IP_CALLABLE) counts it.

Behind a reverse proxy every request comes from the proxy's address: counting failures by it
would lock a user name for everyone at once. Each trusted proxy appends the address it saw to
X-Forwarded-For, so the client is the TRUSTED_PROXY_COUNT-th entry from the right; whatever a
client wrote there itself stands further left and is never read. Without a declared proxy
(DJANGO_BEHIND_TLS_PROXY off) the header is ignored altogether: anyone can send it.

This is the rule of Django REST framework's NUM_PROXIES, which the API's throttle uses with the
same count. axes' own route, django-ipware, was tried and left: python-ipware 4 prefers a public
address anywhere in the header, so a forged `X-Forwarded-For: 9.9.9.9` won over the address the
proxy appended."""
from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not count or not forwarded.strip():
        return remote
    entries = [e.strip() for e in forwarded.split(",")]
    return entries[-min(count, len(entries))] or remote
