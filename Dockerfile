# Mission Facts API: migrates and seeds its database on start, then serves on port 8000.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////app/data/mission-facts.db

WORKDIR /app

# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir --requirement /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The code, the migrations and the seed; installed in place so migrations/ and seed/ stay beside app/.
# Compiled here, once: with PYTHONDONTWRITEBYTECODE every start would compile them again.
COPY README.md ./
COPY app ./app
COPY migrations ./migrations
COPY seed ./seed
RUN pip install --no-cache-dir --no-deps --editable . \
    && python -m compileall -q app migrations \
    && useradd --create-home --uid 10001 --user-group mission-facts \
    && mkdir -p /app/data \
    && chown mission-facts /app/data

USER 10001:10001
VOLUME ["/app/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

CMD ["mission-facts", "serve", "--host", "0.0.0.0", "--port", "8000"]
