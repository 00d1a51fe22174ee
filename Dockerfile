# One image for every silkfeed role; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    SILKFEED_DATA_DIR=/var/lib/silkfeed \
    SILKFEED_BIND_HOST=0.0.0.0

RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /var/lib/silkfeed --create-home silkfeed

WORKDIR /app
COPY pyproject.toml README.md alembic.ini Procfile ./
COPY shared ./shared
COPY cli ./cli
COPY services ./services
COPY migrations ./migrations
# Editable, so the migrations and the Procfile stay beside the code that reads them.
RUN pip install -e .

USER silkfeed
