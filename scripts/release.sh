#!/usr/bin/env bash
# Builds the release a user installs without a Swift toolchain:
#   dist/root/                                  a PREFIX tree: bin/, share/man/, share/{bash-completion,zsh,fish}/
#   dist/meridian-<version>-<os>-<arch>.tar.gz  that tree, reproducible (sorted, owner 0, mtime of the last commit)
#   dist/…tar.gz.sha256                         its checksum, for `sha256sum -c`
# The binary carries the Swift runtime and Foundation (--static-swift-stdlib); it still needs the C
# library and libyaml (Debian/Ubuntu: libyaml-0-2), which every distribution ships.
# Completions come from swift-argument-parser's --generate-completion-script, the man page from its
# generate-manual tool (the one its `generate-manual` package plugin runs), so both follow the code.
set -euo pipefail
cd "$(dirname "$0")/.."

dist=${DIST:-dist}
root="$dist/root"
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

echo "== static release build"
swift build -c release --static-swift-stdlib --product meridian
binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/meridian"
echo "== man page generator (swift-argument-parser's generate-manual)"
swift build --product generate-manual
manual="$(swift build --show-bin-path)/generate-manual"

version=$("$binary" --version)
os=$(uname -s | tr '[:upper:]' '[:lower:]')
arch=$(uname -m)
name="meridian-$version-$os-$arch"

rm -rf "$root"
mkdir -p "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
  "$root/share/zsh/site-functions" "$root/share/fish/vendor_completions.d"
# Debug info is most of the size and is of no use to someone running lint.
strip -o "$root/bin/meridian" "$binary"
"$root/bin/meridian" --generate-completion-script bash > "$root/share/bash-completion/completions/meridian"
"$root/bin/meridian" --generate-completion-script zsh > "$root/share/zsh/site-functions/_meridian"
"$root/bin/meridian" --generate-completion-script fish > "$root/share/fish/vendor_completions.d/meridian.fish"
"$manual" "$root/bin/meridian" --output-directory "$root/share/man/man1" --date "$(date -u -d "@$epoch" +%Y-%m-%d)"
chmod -R u=rwX,go=rX "$root"

tarball="$dist/$name.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$root" -cf - . | gzip -n -9 > "$tarball"
(cd "$dist" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")

echo "== $tarball"
cat "$dist/$name.tar.gz.sha256"
echo "binary: $(stat -c %s "$root/bin/meridian") bytes (stripped), needs: $(ldd "$root/bin/meridian" | awk '/=>/ {print $1}' | tr '\n' ' ')"
