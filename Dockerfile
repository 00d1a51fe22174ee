# One image for every silkfeed role; docker-compose.yml picks the command.
#
# The base image is a build argument, so a host with an internal registry
# mirror, or none at all, builds this file unchanged:
#   docker build --build-arg PYTHON_IMAGE=registry.example.net/python:3.11-slim-bookworm .
# (compose passes SILKFEED_PYTHON_IMAGE; deploy/base-images/build.sh makes a
# stand-in from Debian's packages). It needs a Python 3.11 on PATH with pip,
# and apt-get.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# The parser's compiled modules (setup.py), built where a C compiler and
# Python's headers are: only the built modules reach the image that runs.
FROM ${PYTHON_IMAGE} AS parser
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN include=$(python -c 'import sysconfig; print(sysconfig.get_path("include"))') \
    && headers=$(test -f "$include/Python.h" || echo python3-dev) \
    && apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev $headers \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY pyproject.toml README.md ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["compile"]))' > /tmp/compile.txt \
    && pip install -r /tmp/compile.txt \
    && rm /tmp/compile.txt
COPY setup.py ./
COPY services/ingest/parsing/ services/ingest/parsing/
RUN python setup.py --quiet build_ext --inplace --parallel 2 \
    && python services/ingest/parsing/compiled.py --check

FROM ${PYTHON_IMAGE}

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SILKFEED_DATA_DIR=/var/lib/silkfeed \
    SILKFEED_BIND_HOST=0.0.0.0 \
    SILKFEED_HEARTBEAT_FILE=/tmp/silkfeed-heartbeat

# curl for the HTTP healthchecks. A regular (not --system) account, so a uid
# above the system range draws no warning; --no-log-init keeps the lastlog
# file small for a high uid.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 silkfeed \
    && useradd --no-log-init --uid 10001 --gid 10001 --shell /usr/sbin/nologin \
        --home-dir /var/lib/silkfeed --create-home silkfeed

WORKDIR /app

# The dependency layer: rebuilt only when pyproject.toml changes, not on every
# change of the code below. The dependencies are read from pyproject.toml, so
# there is one list of them.
COPY pyproject.toml ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt 'setuptools>=77' wheel \
    && rm /tmp/requirements.txt

# The code: everything .dockerignore lets through (no tests, no local state, no .env),
# and the parser's modules compiled above (checked against this code below).
COPY . ./
COPY --from=parser /build/services/ingest/parsing/*.so /build/services/ingest/parsing/compiled.json services/ingest/parsing/
# Editable, so the migrations and the Procfile stay beside the code that reads
# them; --no-deps and no build isolation: everything it needs is installed above.
# Byte-compiled here, as pip did for the dependencies: the processes run as a
# user who cannot write /app, and would otherwise compile it on every start.
RUN pip install --no-deps --no-build-isolation -e . \
    && python services/ingest/parsing/compiled.py --check \
    && python -m compileall -q /app \
    && install -m 0755 deploy/worker-health.sh /usr/local/bin/silkfeed-worker-health

USER silkfeed
