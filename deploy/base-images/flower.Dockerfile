# local/flower:2.0 — stands in for mher/flower:2.0 (`--profile monitoring`):
# Flower 2.0 from PyPI, run as uid/gid 1000 as docker-compose.yml expects.
FROM local/python:3.11
RUN pip install --no-cache-dir 'flower>=2.0,<2.1' 'celery[redis]>=5.4,<6' \
    && groupadd --gid 1000 flower \
    && useradd --no-log-init --uid 1000 --gid 1000 --create-home flower \
    && install -d -o flower -g flower /data
ENV PYTHONUNBUFFERED=1
WORKDIR /data
USER flower
EXPOSE 5555
CMD ["celery", "flower"]
