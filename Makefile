# liandong: make demo runs a whole county on loopback; make test builds and runs every test.
SWIFT ?= swift
DEBIAN_PACKAGES = libsqlite3-dev libcurl4-openssl-dev libmicrohttpd-dev libssl-dev zlib1g-dev openssl \
	libqrencode-dev qrencode zbar-tools chromium chromium-driver python3-selenium poppler-utils fonts-noto-cjk python3 python3-venv dpkg-dev binutils debootstrap
# schemathesis (the HTTP surface checked against Protocol/openapi.yaml) and cryptography (its signing proxy), from PyPI.
PYTHON_VENV = .build/python
PYTHON_PACKAGES = schemathesis==4.32.5 cryptography
BIN = .build/debug/liandong
RELEASE_BIN = .build/release/liandong
# The package's binary: release, Swift runtime linked in, built apart from `make release`.
STATIC_SCRATCH = .build/static
STATIC_BIN = $(STATIC_SCRATCH)/release/liandong
VERSION ?= $(shell sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/liandong/Commands/Help.swift)
ARCH = $(shell dpkg --print-architecture)
DEB_DIR = .build/deb
DEB = $(DEB_DIR)/liandong_$(VERSION)_$(ARCH).deb

.PHONY: deps build release test browser-test demo bench soak clean deb package-test

# Installs the Debian packages that are missing; idempotent, as root without sudo.
deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@test -x $(PYTHON_VENV)/bin/schemathesis && $(PYTHON_VENV)/bin/python -c "import cryptography" 2>/dev/null || { \
		echo "installing into $(PYTHON_VENV): $(PYTHON_PACKAGES)"; \
		python3 -m venv $(PYTHON_VENV) && $(PYTHON_VENV)/bin/pip install -q $(PYTHON_PACKAGES); }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: build
	LIANDONG_BIN=$(CURDIR)/$(BIN) $(SWIFT) test
	$(MAKE) browser-test

# The workbench in a real headless Chromium (WebDriver) against real serve processes on loopback.
# Screenshots of each page go to $(SCREENSHOTS) (not committed).
SCREENSHOTS ?= $(CURDIR)/.build/screenshots
browser-test: build
	LIANDONG_BIN=$(CURDIR)/$(BIN) LIANDONG_SCREENSHOTS=$(SCREENSHOTS) /usr/bin/python3 Tests/Browser/workbench_test.py

# liandong_VERSION_ARCH.deb from a release binary that needs no Swift runtime on the target.
deb: deps
	$(SWIFT) build -c release --static-swift-stdlib --product liandong --scratch-path $(STATIC_SCRATCH)
	Deploy/debian/build-deb.sh $(STATIC_BIN) $(VERSION) $(DEB_DIR)

# Installs the .deb into a Debian 12 root (debootstrap, cached in /var/cache/liandong-test-root),
# upgrading over a previous build (the same binary packaged as VERSION~prev), and runs the node there.
package-test: deb
	Deploy/debian/build-deb.sh $(STATIC_BIN) $(VERSION)~prev $(DEB_DIR)/previous
	if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	$$SUDO Deploy/debian/package-test.sh $(DEB) $(DEB_DIR)/previous/liandong_$(VERSION)~prev_$(ARCH).deb

demo: build
	$(BIN) demo

# The default run takes about 20 minutes on 2 cores; BENCH_FLAGS selects more, e.g. issue 11's full
# scale run: make bench BENCH_FLAGS='--scale 20000,100000,1000000' (liandong-bench --help lists them).
bench: deps
	$(SWIFT) build -c release --product liandong-bench
	$(SWIFT) build -c release --product liandong
	.build/release/liandong-bench $(BENCH_FLAGS)

# 100,000 convergence schedules; a flaky link with a 2-minute outage over 1,500 waiting cases (time to
# converge after the heal); 1,000 kill -9 trials; 2,000 slow connections (the figures are printed).
soak: build
	LIANDONG_SOAK=1 LIANDONG_BIN=$(CURDIR)/$(BIN) $(SWIFT) test --filter 'Convergence|FaultEndToEndTests|SlowConnectionsEndToEndTests'

clean:
	rm -rf .build
