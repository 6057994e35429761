# make test is everything CI runs; it installs what the tests need first.
GO ?= go

.PHONY: test deps fmt-check vet unit run bench

test: deps fmt-check vet unit

# SUDO is empty for root (CI) and sudo otherwise.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# deps installs what the tests need beyond Go: Debian's chromium for the
# browser tests, when it is missing and apt-get is there. Without it the
# browser tests are skipped with a word, except under CI=true, where a
# missing browser fails.
HAS_CHROME = command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || [ -n "$${CHROME:-}" ]
deps:
	@$(GO) version
	@$(HAS_CHROME) || ! command -v apt-get >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@$(HAS_CHROME) || { \
		if [ "$${CI:-}" = true ]; then echo "chromium could not be installed: the browser tests must run in CI"; exit 1; fi; \
		echo "no chromium here (and no apt-get to install it): the browser tests will be skipped"; }
	@$(GO) mod download

fmt-check:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -timeout 15m ./...

run:
	$(GO) run ./cmd/herald
