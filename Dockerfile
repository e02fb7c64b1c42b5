# The portal under gunicorn; static files served by whitenoise (no CDN). In production it sits
# behind the reverse proxy of docker-compose.yml (deploy/Caddyfile).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# WeasyPrint (PDFs): Pango, and HarfBuzz's font subsetter (without it WeasyPrint warns at every PDF).
# pg_dump (`manage.py backup`) must be at least as new as the server, postgres:16, and bookworm's
# own client is 15: postgresql-client-16 comes from the PostgreSQL project's apt repository.
# (The repository's signing key, fetched with the image's own python: no curl or gnupg needed.)
# gnupg: `manage.py backup` encrypts with gpg when BACKUP_ENCRYPTION_KEY is set (docs/backup.md).
RUN python -c "import urllib.request as u; u.urlretrieve('https://www.postgresql.org/media/keys/ACCC4CF8.asc', \
        '/usr/share/keyrings/pgdg.asc')" \
    && echo "deb [signed-by=/usr/share/keyrings/pgdg.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 postgresql-client-16 gnupg \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The exact versions of requirements.lock (pip-compile of pyproject.toml), then the project itself.
COPY pyproject.toml requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock && pip install --no-cache-dir --no-deps . \
    && rm -rf build *.egg-info
COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v0
# media/ is a volume (docker-compose.yml): created here so that the volume belongs to `portal`.
# A home of its own: fontconfig (WeasyPrint) keeps its cache there.
RUN useradd --system --create-home portal && mkdir -p /app/media && chown -R portal /app
USER portal
EXPOSE 8000
# deploy/start-web: migrate, bootstrap, then `exec gunicorn` (PID 1, drains on SIGTERM).
CMD ["/app/deploy/start-web"]
