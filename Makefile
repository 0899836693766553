# The two commands of the README, and the helpers they stand on.
#   make run   — set up, migrate the embedded SQLite database, train the risk model and the photo
#                estimator if there are none (about a minute, once), load demo data, start API +
#                worker
#   make test  — set up (Python packages, Debian's chromium and axe-core for the browser tests) and run the
#                test suite (SQLite by default; DATABASE_URL for PostgreSQL)

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-stamp

.PHONY: run test lint bench scale screenshots scenarios clean

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here), with
# its translations (chromium-l10n) so that its own controls speak Chinese on the parents' pages.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The referral letter's PDF is drawn by WeasyPrint, which needs Pango and a Chinese font on the
# machine (not in the venv); installed only where either is missing.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-zenhei
PDF_STAMP := $(VENV)/.pdf-packages-stamp

$(INSTALLED): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(INSTALLED)

run: $(INSTALLED) $(PDF_STAMP)
	mkdir -p var/broker
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py train_risk_model --if-missing
	DJANGO_DEBUG=1 $(BIN)/python manage.py register_risk_model --bootstrap
	DJANGO_DEBUG=1 $(BIN)/python manage.py train_photo_estimator --if-missing
	DJANGO_DEBUG=1 $(BIN)/python manage.py demo_data
	DJANGO_DEBUG=1 PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

$(CHROMIUM):
	@echo "installing Debian's chromium (and Pango and a Chinese font) for the browser tests"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		chromium chromium-l10n $(PDF_PACKAGES)

$(PDF_STAMP):
	@if [ ! -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || \
	    ! ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1; then \
		echo "installing Pango and a Chinese font for the referral letter's PDF"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $(PDF_PACKAGES); \
	fi
	mkdir -p $(VENV) && touch $@

# axe-core for the accessibility tests, from the npm registry, pinned with its hash in
# package-lock.json.
AXE := node_modules/axe-core/axe.min.js

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(INSTALLED) $(CHROMIUM) $(PDF_STAMP) $(AXE)
	$(BIN)/pytest

# Re-take docs/screenshots/ (the README shows them) with the browser test's own story.
screenshots: $(INSTALLED) $(CHROMIUM) $(PDF_STAMP) $(AXE)
	NEOCARE_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/browser

# Rewrite docs/scenarios.md from the scenario replays (tests/scenarios/) after an intended change
# of behaviour; review its diff like code. `make test` fails while the book is stale.
scenarios: $(INSTALLED)
	$(BIN)/pytest tests/scenarios --write-book -q

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SECRET_KEY=lint $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SECRET_KEY=lint $(BIN)/python manage.py spectacular --validate --fail-on-warn \
		--file /dev/null

# Every speed figure of docs/benchmarks.md, one after the other (about 20 minutes; PostgreSQL
# and Redis on 127.0.0.1). The console pages run at 1,000 and 100,000 infants; the record page
# against its issue #14 baseline only when BENCH_BASELINE_REF names it.
bench: $(INSTALLED)
	$(BIN)/python bench/risk_model_speed.py
	$(BIN)/python bench/model_profile.py
	$(BIN)/python bench/readings_throughput.py
	$(BIN)/python bench/reading_profile.py
	$(BIN)/python bench/alerts_pipeline.py
	BENCH_BASELINE_REF=$${BENCH_BASELINE_REF:-} $(BIN)/python bench/console_pages.py
	$(BIN)/python bench/photo_analysis.py
	$(BIN)/python bench/parents_pages.py

# Issue #18's scale test: 1,000,000 infants and 10,000,000 readings loaded into PostgreSQL, the
# hot paths measured beside 100,000 (see docs/scaling.md).
scale: $(INSTALLED)
	$(BIN)/python bench/scale_test.py

clean:
	rm -rf $(VENV) var node_modules
