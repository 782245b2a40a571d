# syntax=docker/dockerfile:1
# Two images: `app` (gunicorn serves Django; the same image runs the Celery worker and beat)
# and `proxy` (nginx in front: TLS, the collected static files, the public page cache). See
# docker-compose.yml, deploy/nginx/ and docs/operations.md.

# --- Front-end assets: GOV.UK Frontend compiled with Dart Sass (package.json "build") ---
FROM node:22-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY static/src/ static/src/
COPY scripts/build-assets.mjs scripts/
RUN npm run build

# --- Application ---
FROM python:3.12-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries (Pango, HarfBuzz subsetting); the PDFs' font ships with the
# code (static/pdf/fonts/). Not version-pinned: Debian stable only ships security fixes,
# and its archive drops superseded versions, which would break pinned builds.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --gid 10001 app \
    && useradd --uid 10001 --gid app --create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependency groups need pip >= 25.1; only the runtime group ships, pinned in pyproject.toml.
COPY pyproject.toml ./
# hadolint ignore=DL3013
RUN python -m pip install "pip==26.3" \
    && python -m pip install --group runtime

COPY . .
COPY --from=assets /app/static/dist/ static/dist/

# Production settings insist on a secret key; this one exists only for this step.
# var/ (SQLite default, media, beat schedule) must belong to the app user: named volumes
# mounted there in docker-compose.yml copy this ownership when first created.
RUN DJANGO_PRODUCTION=1 DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && DJANGO_PRODUCTION=1 DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py compile_translations \
    && mkdir -p /app/var/beat /app/var/media \
    && chown -R app:app /app/var

USER 10001:10001
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind=0.0.0.0:8000", "--workers=3", "--access-logfile=-"]

# --- Reverse proxy: nginx with the site's configuration and the collected static files ---
# The image's entrypoint fills /etc/nginx/templates/*.template from the environment into
# /etc/nginx/conf.d/ (docker-compose.yml sets the S55_* variables).
FROM nginx:1.27-bookworm AS proxy
# The cache folder belongs to nginx's workers: the proxy-cache volume mounted there copies this
# ownership when first created.
RUN rm /etc/nginx/conf.d/default.conf \
    && mkdir -p /var/cache/section55 /var/www/acme /etc/section55/tls \
    && chown nginx:nginx /var/cache/section55
COPY deploy/nginx/ /etc/nginx/section55/
COPY deploy/nginx/section55.conf.template /etc/nginx/templates/section55.conf.template
COPY --from=app /app/staticfiles/ /srv/section55/static/
