# Production image: gunicorn + whitenoise for the web, the same image runs worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    TWOWAY_VAR_DIR=/app/var NUMBA_CACHE_DIR=/app/.numba-cache
WORKDIR /app
RUN useradd --create-home --uid 1000 twoway
# Exactly the pinned, hash-checked set of requirements/prod.txt (`make lock` writes it).
# psycopg comes as its binary wheel (libpq bundled): no compiler or libpq-dev in the image, and
# the wheel is what psycopg's docs recommend where no local libpq build is needed.
COPY requirements/prod.txt requirements/prod.txt
RUN pip install --upgrade pip && pip install --require-hashes -r requirements/prod.txt
COPY . .
# The pairing engine's compiled loops are compiled here once (numba's cache), not by the first
# pairing run of each container.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret-key-value TWOWAY_PAIR_HASH_KEY=collectstatic-only-not-a-pair-hash-key ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
 && python -c "from pairing.engine import warm_up; warm_up()" \
 && mkdir -p /app/var && chown -R twoway /app/var /app/.numba-cache
USER twoway
EXPOSE 8000
# gunicorn believes X-Forwarded-* only from FORWARDED_ALLOW_IPS (default: this container's
# loopback); name your reverse proxy there, never "*" on a published port.
CMD ["gunicorn", "mentoring.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
