# Tend's image: `docker compose up` (compose.yaml) runs it as the web server, a worker and
# PostgreSQL. Runtime dependencies only, pinned with hashes from requirements-prod.lock;
# runs as the unprivileged user tend; the entry script migrates, creates the first practice
# from the environment when asked, then runs `tend serve` (or the command given).

FROM python:3.13-slim AS build
RUN apt-get update \
    && apt-get install --yes --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/tend
COPY requirements-prod.lock /tmp/requirements-prod.lock
RUN /opt/tend/bin/pip install --require-hashes --only-binary=:all: -r /tmp/requirements-prod.lock
COPY tend /app/tend
# Compile the translations (.mo files are not taken from the build context).
RUN cd /app/tend && PYTHONPATH=/app DJANGO_SETTINGS_MODULE=tend.settings \
        /opt/tend/bin/python -m django compilemessages -v 0 \
    && /opt/tend/bin/python -m compileall -q /app/tend
# The `tend` command, run from the source in /app: nothing is built, so nothing unpinned
# (not even a build backend) is fetched.
RUN printf '#!/bin/sh\nexec /opt/tend/bin/python -m tend.cli "$@"\n' > /opt/tend/bin/tend \
    && chmod 0755 /opt/tend/bin/tend

FROM python:3.13-slim
# pg_dump and pg_restore for `tend backup` and `tend restore` (Debian's, matching the
# postgres:17 of compose.yaml).
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 tend \
    && useradd --system --uid 10001 --gid tend --home-dir /var/lib/tend --create-home tend
COPY --from=build /opt/tend /opt/tend
COPY --from=build /app /app
COPY deploy/entrypoint.sh /usr/local/bin/tend-entrypoint
ENV PATH=/opt/tend/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    TEND_DATA_DIR=/var/lib/tend
USER tend
WORKDIR /var/lib/tend
EXPOSE 8000
ENTRYPOINT ["tend-entrypoint"]
CMD ["tend", "serve", "--addr", "0.0.0.0:8000"]
