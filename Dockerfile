# One image for every process: web (the default command), workers (`python manage.py qcluster`) and the
# release step (`python manage.py migrate --noinput`). See docs/deploy.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Every runtime package ships as a wheel (PyAV carries FFmpeg, opencv-python-headless, psycopg[binary]),
# so no compiler and no system FFmpeg or fonts are installed.
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt
# Errors to Sentry: docker build --build-arg WITH_SENTRY=1 .
ARG WITH_SENTRY=0
RUN if [ "$WITH_SENTRY" = "1" ]; then pip install "sentry-sdk>=2,<3"; fi

COPY . .
# Static files are collected into the image (WhiteNoise serves them); development settings suffice for that.
RUN SHOWREEL_VAR_DIR=/app/var python manage.py collectstatic --noinput -v0 \
    && useradd --create-home --uid 10001 showreel \
    && mkdir -p /app/var/jobs /app/var/media \
    && chown -R showreel /app/var
USER showreel

ENV SHOWREEL_ENV=production \
    SHOWREEL_VAR_DIR=/app/var \
    PORT=8000
EXPOSE 8000
CMD ["gunicorn", "shopify_app.wsgi"]
