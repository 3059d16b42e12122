#!/usr/bin/env bash
# The install route a user without a Swift toolchain takes, checked end to end: `make install
# PREFIX=<scratch>` (which runs scripts/release.sh), then the installed binary lints an example,
# carries no Swift runtime library dependency, and its completions and man page are in place and load.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

make install PREFIX="$prefix"

fail() { echo "install: $*" >&2; exit 1; }
for file in bin/meridian share/man/man1/meridian.1 share/bash-completion/completions/meridian \
            share/zsh/site-functions/_meridian share/fish/vendor_completions.d/meridian.fish; do
  [ -s "$prefix/$file" ] || fail "missing $file"
done

# Run from outside the clone, as an installed tool is.
(cd / && "$prefix/bin/meridian" lint "$repo/Blueprints/trading-platform.yaml") || fail "installed binary does not lint the example"
"$prefix/bin/meridian" lint "$repo/Tests/CompilerTests/Fixtures/negative/"*.yaml > /dev/null && fail "installed binary passed broken blueprints"
if ldd "$prefix/bin/meridian" | grep -q 'libswift\|libFoundation'; then fail "the binary links the Swift runtime dynamically"; fi

# Checksums match the tarball, and the tarball holds the same tree.
(cd dist && sha256sum -c --quiet ./*.tar.gz.sha256) || fail "checksum mismatch"
diff <(tar -tzf dist/*.tar.gz | sed 's|^\./||; /\/$/d; /^$/d' | sort) \
     <(cd dist/root && find . -type f | sed 's|^\./||' | sort) || fail "tarball and dist/root differ"

# Completions: valid shell that registers the command and offers the subcommands.
bash -c "source '$prefix/share/bash-completion/completions/meridian' && complete -p meridian" > /dev/null || fail "bash completion does not load"
grep -q 'lint' "$prefix/share/bash-completion/completions/meridian" || fail "bash completion lacks subcommands"
grep -q '^#compdef meridian' "$prefix/share/zsh/site-functions/_meridian" || fail "zsh completion header"
grep -q "complete -c 'meridian'\|complete -c meridian" "$prefix/share/fish/vendor_completions.d/meridian.fish" || fail "fish completion"
if command -v zsh > /dev/null; then zsh -n "$prefix/share/zsh/site-functions/_meridian" || fail "zsh completion syntax"; fi
if command -v fish > /dev/null; then fish -n "$prefix/share/fish/vendor_completions.d/meridian.fish" || fail "fish completion syntax"; fi

# The man page renders and documents every subcommand `meridian --help` lists.
page=$(MANPATH="$prefix/share/man" MANWIDTH=100 man meridian 2>/dev/null | col -b) || fail "man meridian"
for sub in $("$prefix/bin/meridian" --help | awk '/^SUBCOMMANDS:/ {on=1; next} on && /^  [a-z][-a-z]* / {print $1}'); do
  grep -qw "$sub" <<< "$page" || fail "man page lacks '$sub'"
done
make uninstall PREFIX="$prefix"
left=$(find "$prefix" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "install: make install PREFIX=… installs a working binary, completions and man page; make uninstall removes them (ok)"
