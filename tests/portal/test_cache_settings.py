"""The cache's settings: local memory unless CACHE_URL names a Redis (Django's own backend), the
compose file's Redis service for web and worker, and gunicorn's settings from the environment in
the image and in compose."""
from tests.portal.test_production import BASE_DIR, COMPOSE, SECRETS, compose_environment, settings_under


def test_local_memory_by_default_and_redis_from_cache_url():
    default = settings_under({}, "CACHES")["CACHES"]["default"]
    assert default["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    redis = settings_under({"CACHE_URL": "redis://127.0.0.1:6379/1"}, "CACHES")["CACHES"]["default"]
    assert redis == {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/1"}


def test_compose_runs_redis_for_web_and_worker():
    redis = COMPOSE["services"]["redis"]
    assert redis["image"].startswith("redis:7") and redis["restart"] == "unless-stopped"
    assert "redis-cli" in redis["healthcheck"]["test"]
    assert "--appendonly" in redis["command"] and "no" in redis["command"]   # nothing to persist
    assert COMPOSE["services"]["web"]["depends_on"]["redis"] == {"condition": "service_healthy"}
    for service in ("web", "worker"):
        assert compose_environment(service, SECRETS)["CACHE_URL"] == "redis://redis:6379/0"


def test_gunicorn_takes_workers_threads_and_timeout_from_the_environment():
    cmd = (BASE_DIR / "deploy" / "start-web").read_text()   # the image's CMD (Dockerfile)
    for name, flag in (("GUNICORN_WORKERS", "--workers"), ("GUNICORN_THREADS", "--threads"),
                       ("GUNICORN_TIMEOUT", "--timeout")):
        assert f'{flag} "${{{name}:-' in cmd
        assert name in compose_environment("web", SECRETS)
