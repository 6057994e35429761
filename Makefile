# make test is everything CI runs; it installs what the tests need first.
GO ?= go

.PHONY: test deps fmt-check vet unit run bench

test: deps fmt-check vet unit

# deps installs what the tests need beyond Go (nothing yet; browser tests
# will add Debian's chromium here).
deps:
	@$(GO) version
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
