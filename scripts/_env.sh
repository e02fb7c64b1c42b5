# Sourced by scripts/serve and scripts/test: makes .venv with the project's dependencies and
# activates it. Re-running is cheap: pip skips what is already installed.
PYTHON_BIN="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if ! "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "Cần Python 3.11 (đang có: $("$PYTHON_BIN" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON_BIN" -m venv .venv
fi
# shellcheck disable=SC1091
source .venv/bin/activate
# The exact versions of the lock file (pip-compile of pyproject.toml, see docs/operations.md), then the
# project itself without resolving anything again.
lock=requirements${EXTRAS:+-$EXTRAS}.lock
stamp=.venv/.installed-$(cat pyproject.toml "$lock" | sha1sum | cut -c1-12)${EXTRAS:+-$EXTRAS}
if [ ! -f "$stamp" ]; then
  python -m pip install --quiet --upgrade pip
  python -m pip install --quiet -r "$lock"
  python -m pip install --quiet --no-deps ".${EXTRAS:+[$EXTRAS]}"
  rm -rf build ./*.egg-info
  touch "$stamp"
fi
