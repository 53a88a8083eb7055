# Accord web and worker image (production: PostgreSQL + Redis, gunicorn behind a proxy).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=0
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only-collectstatic-not-a-real-secret python manage.py collectstatic --noinput
# var/media exists in the image, owned by the app user: a named volume mounted there starts
# as a copy of it (same owner), so uploads are writable without running as root.
RUN useradd --create-home accord && mkdir -p /app/var/media && chown -R accord:accord /app/var
USER accord
EXPOSE 8000
# gunicorn.conf.py: access log on stdout (with the request id), metrics across workers.
CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn.conf.py"]
