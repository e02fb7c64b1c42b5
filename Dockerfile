# The portal under gunicorn; static files served by whitenoise (no CDN). In production it sits
# behind the reverse proxy of docker-compose.yml (deploy/Caddyfile).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The exact versions of requirements.lock (pip-compile of pyproject.toml), then the project itself.
COPY pyproject.toml requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock && pip install --no-cache-dir --no-deps . \
    && rm -rf build *.egg-info
COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v0
# media/ is a volume (docker-compose.yml): created here so that the volume belongs to `portal`.
RUN useradd --system portal && mkdir -p /app/media && chown -R portal /app
USER portal
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py bootstrap --no-migrate && gunicorn portal.wsgi --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-2} --threads ${GUNICORN_THREADS:-4} --timeout ${GUNICORN_TIMEOUT:-120} --access-logfile -"]
