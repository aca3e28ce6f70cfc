# liandong: make demo runs a whole county on loopback; make test builds and runs every test.
SWIFT ?= swift
DEBIAN_PACKAGES = libsqlite3-dev libcurl4-openssl-dev libmicrohttpd-dev libssl-dev zlib1g-dev openssl \
	libqrencode-dev qrencode zbar-tools chromium poppler-utils fonts-noto-cjk
BIN = .build/debug/liandong
RELEASE_BIN = .build/release/liandong

.PHONY: deps build release test demo bench soak clean

# Installs the Debian packages that are missing; idempotent, as root without sudo.
deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: build
	LIANDONG_BIN=$(CURDIR)/$(BIN) $(SWIFT) test

demo: build
	$(BIN) demo

bench: deps
	$(SWIFT) build -c release --product liandong-bench
	.build/release/liandong-bench

soak: build
	LIANDONG_SOAK=1 LIANDONG_BIN=$(CURDIR)/$(BIN) $(SWIFT) test --filter Convergence

clean:
	rm -rf .build
