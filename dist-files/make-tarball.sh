#!/bin/sh
# `make dist`: packs the release binary (Swift's runtime linked in) with the editor
# schemas, the scratch server's requirements and an install script into
# dist/preflight-VERSION-linux-ARCH.tar.gz. Run from the repository's root, after
# `swift build -c release --static-swift-stdlib --scratch-path .build-dist`.
set -eu
binary=.build-dist/release/preflight
version=$("$binary" --version)
name=preflight-$version-linux-$(uname -m)
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
root=$staging/$name
install -d "$root/bin" "$root/share/preflight/schema" "$root/lib/preflight"
install -m 0755 "$binary" "$root/bin/preflight"
install -m 0644 scenarios/schema/*.schema.json "$root/share/preflight/schema/"
install -m 0644 requirements.txt "$root/lib/preflight/requirements.txt"
install -m 0755 dist-files/install.sh "$root/install.sh"
install -m 0644 dist-files/README.md "$root/README.md"
mkdir -p dist
tar -C "$staging" -czf "dist/$name.tar.gz" "$name"
echo "dist/$name.tar.gz"
