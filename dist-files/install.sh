#!/bin/sh
# Installs what Preflight needs beside this unpacked tarball, on a machine without Swift:
# the scratch server (SecantusDB, from PyPI) in lib/preflight/.venv, where bin/preflight
# looks for it. libmongoc is the one system library it uses: Debian and Ubuntu call its
# runtime package libmongoc-1.0-0.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! ldconfig -p 2>/dev/null | grep -q 'libmongoc-1.0.so.0'; then
    echo "install.sh: libmongoc's runtime library is missing; install it first:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y libmongoc-1.0-0" >&2
    exit 1
fi
python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
    echo "install.sh: no $python; the scratch server needs Python 3.10 or later (apt-get install python3 python3-venv)." >&2
    exit 1
fi
"$python" -m venv "$here/lib/preflight/.venv"
"$here/lib/preflight/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/lib/preflight/requirements.txt"
echo "Installed. Run $here/bin/preflight (add $here/bin to PATH); it finds its scratch server in $here/lib/preflight/.venv."
