# local/python:3.11 — stands in for python:3.11-slim-bookworm where Docker Hub
# cannot be reached. Debian bookworm's own Python (3.11) in a venv at
# /opt/python, first on PATH, so `python` and `pip install` behave as in the
# official image (Debian's system Python refuses `pip install` outside a venv,
# PEP 668).
FROM local/debian:bookworm
ENV LANG=C.UTF-8
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv python3-pip ca-certificates \
    && rm -rf /var/lib/apt/lists/*
# Certificate authorities the host added to its own store (a TLS-inspecting
# proxy's, a company's): pip in later builds trusts what the host trusts.
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates \
    && python3 -m venv /opt/python \
    && printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\ndisable-pip-version-check = true\n' > /etc/pip.conf
ENV PATH=/opt/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["python3"]
