# Preflight: setup, build, run, test.
#
# `make run` is the EarlyBird gate: the Phase 0.7 checklist on a scratch server loaded with
# the pack's production-like snapshot, reports in reports/; its exit code is the go / no-go.
#
# `make test` is what CI runs on a fresh machine, so it installs everything it needs:
# libmongoc (Debian's libmongoc-dev) and xmllint with apt when they are missing, and the
# SecantusDB scratch server, pinned in requirements.txt, into .venv/.

SWIFT   ?= swift
PYTHON  ?= python3
VENV    := .venv
# apt-get needs root; use sudo when we are not root and it exists.
SUDO    := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: setup system-packages python-packages build release install dist test-dist run run-pack test test-build bench bench-migrate bench-compat mutants clean

setup: system-packages python-packages

system-packages:
	@if ! pkg-config --exists libmongoc-1.0 2>/dev/null || ! command -v xmllint >/dev/null; then \
		echo "Installing libmongoc-dev, libxml2-utils and pkg-config with apt-get"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			libmongoc-dev libxml2-utils pkg-config; \
	fi

python-packages: $(VENV)/.installed

# Re-installs only when the pinned requirements change.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

# Installs the release binary as PREFIX/bin/preflight and the scratch server beside it,
# in PREFIX/lib/preflight/.venv, where the installed binary looks for it.
PREFIX ?= /usr/local
install: release
	install -d "$(PREFIX)/bin" "$(PREFIX)/lib/preflight"
	install -m 0755 .build/release/preflight "$(PREFIX)/bin/preflight"
	install -d "$(PREFIX)/share/preflight/schema"
	install -m 0644 scenarios/schema/*.schema.json "$(PREFIX)/share/preflight/schema/"
	$(PYTHON) -m venv "$(PREFIX)/lib/preflight/.venv"
	"$(PREFIX)/lib/preflight/.venv/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt
	@echo "Installed $(PREFIX)/bin/preflight; its scratch server is in $(PREFIX)/lib/preflight/.venv."

# The EarlyBird Phase 0.7 gate: GO or NO-GO, with the evidence in reports/.
CHECKLIST ?= scenarios/earlybird/checklists/phase-0.7.json
run: release
	.build/release/preflight gate $(CHECKLIST) --junit reports/junit.xml --json reports/gate.json --summary reports/gate.md

# The pack's scenario folders alone, JOBS files at a time (`make run-pack JOBS=2`).
RUN_PATHS ?= scenarios/earlybird/phase-0.7 scenarios/earlybird/incidents
JOBS      ?= 1
run-pack: release
	.build/release/preflight run $(RUN_PATHS) --jobs $(JOBS) --junit reports/junit.xml

# The tests are XCTest, built once and run as four processes over four groups of the test
# classes (Tests/run.sh): a third of the suite's time is waiting on servers, and four
# groups wait side by side. `swift test --disable-swift-testing` runs them one class at a time.
#
# The tarball's own test (`make test-dist`, below) is not part of it: it costs a release
# build of its own, two minutes here. CI runs it after `make test` (.ci/run).
#
# The scratch server's pip install needs no Swift and the build needs no Python, so on a
# fresh clone they run side by side (about 13 s of pip, most of it CPU, beside 50 s of build).
test: system-packages
	$(MAKE) --no-print-directory -j2 python-packages test-build
	Tests/run.sh

test-build: system-packages
	$(SWIFT) build --build-tests

# A tarball for machines without Swift: the release binary with Swift's runtime linked
# in, the editor schemas, and install.sh for the scratch server (dist-files/).
dist: setup
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build-dist
	dist-files/make-tarball.sh

# The tarball unpacked into an empty directory and used from there (Tests/dist.sh).
test-dist: setup
	Tests/dist.sh

# Figures, not pass/fail, side by side on scratch servers (bench/bench.py says how):
# Preflight against a bare libmongoc loop, the EarlyBird pack against the same checks in
# pytest + pymongo (bench/peer/), the scratch server over 100,000 writes, --jobs 1 and 2.
bench: release $(VENV)/.bench-installed
	$(PYTHON) bench/bench.py

# pytest for the peer suite, into the same .venv (its pymongo is SecantusDB's).
$(VENV)/.bench-installed: bench/peer/requirements.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/peer/requirements.txt
	touch $@

# Figures, not pass/fail: Preflight's peak memory for `migrate verify --copy-from` at 10k,
# 100k and 1M documents (SIZES="100000" for one size). Slow on SecantusDB at 1M.
bench-migrate: release
	bench/migrate-memory.sh

# Peak memory of `preflight compat` at 10k, 100k and 1M documents.
bench-compat: release
	bench/compat-memory.sh

# Figures, not pass/fail: bugs planted one at a time in the EarlyBird library's procedures,
# and how many of them the pack's phase-0.7 and incident tests catch.
mutants: release
	$(PYTHON) bench/mutants.py --binary .build/release/preflight

clean:
	rm -rf .build .build-dist dist $(VENV)
