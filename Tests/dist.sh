#!/usr/bin/env bash
# `make test-dist`, which CI runs after `make test`: `make dist`'s tarball unpacked into an
# empty directory and used from there, as on a CI machine without Swift: install.sh sets up
# the scratch server, the binary needs no Swift library, `preflight init` writes a pack that
# `check` accepts and `run` passes on a scratch server the unpacked copy starts itself.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory dist >/dev/null
tarball=$(ls -t dist/preflight-*.tar.gz | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xzf "$tarball"
root=$(echo "$work"/preflight-*)
fail() { echo "dist.sh: FAILED: $*" >&2; exit 1; }
"$root/install.sh" >/dev/null || fail "install.sh"
if ldd "$root/bin/preflight" | grep -q 'libswift\|libFoundation'; then
    ldd "$root/bin/preflight" >&2
    fail "the binary needs a Swift library"
fi
cd "$work"
"$root/bin/preflight" --version >/dev/null || fail "--version"
"$root/bin/preflight" init pack >/dev/null || fail "init"
[ -f pack/schema/scenario.schema.json ] || fail "init did not find the schemas in share/preflight/schema"
"$root/bin/preflight" check pack >/dev/null || fail "check"
# A PATH without the repository's .venv: the server must come from the unpacked copy.
out=$(env -i HOME="$work" PATH=/usr/bin:/bin "$root/bin/preflight" run pack --junit "$work/junit.xml" 2>&1) || { echo "$out" >&2; fail "run"; }
echo "$out" | grep -q "2 passed, 0 failed, 1 skipped" || { echo "$out" >&2; fail "run's summary"; }
echo "dist.sh: $(basename "$tarball") unpacked, installed and run from an empty directory: every part passed"
