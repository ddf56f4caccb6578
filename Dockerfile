# Production image: gunicorn web, Celery worker and beat share it (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
      fonts-dejavu-core gettext poppler-utils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir -e .
COPY . .
ENV STATIC_ROOT=/app/staticfiles
# Build-time only values: no database or broker is contacted while compiling messages and collecting static files.
RUN export DEBUG=0 SECRET_KEY=build-only-secret-key-never-used-at-runtime-0123456789abcdef \
      PERSONAL_DATA_KEY=build-only-personal-data-key-never-used ALLOWED_HOSTS=build \
      DATABASE_URL=postgresql://build@localhost/build CELERY_BROKER_URL=redis://localhost:6379/0 \
 && python manage.py compilemessages -v 0 \
 && python manage.py collectstatic --noinput -v 0
RUN useradd --system --home /app psykiatrihus && chown -R psykiatrihus /app
USER psykiatrihus
EXPOSE 8000
CMD ["gunicorn", "psykiatrihus.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
