# Install route without a Swift toolchain on the target machine: `make release` builds a static
# binary, completions and man page into dist/ (see scripts/release.sh); `make install` copies them.
#   make release
#   make install PREFIX=$HOME/.local        # or /usr/local (the default); DESTDIR= for packagers
PREFIX ?= /usr/local
DESTDIR ?=
DIST ?= dist

.PHONY: all release install uninstall clean
all: release

release:
	DIST=$(DIST) scripts/release.sh

# Always through release: the build is incremental, and an install never ships a stale binary.
install: release
	install -d "$(DESTDIR)$(PREFIX)"
	cp -R $(DIST)/root/. "$(DESTDIR)$(PREFIX)/"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/meridian" "$(DESTDIR)$(PREFIX)/share/man/man1/meridian.1" \
	  "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/meridian" \
	  "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_meridian" \
	  "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/meridian.fish"

clean:
	rm -rf $(DIST)
