#!/bin/sh
# The container's entry point: `docker run IMAGE lint architecture/` runs `archc lint architecture/`.
# An archc command or option as the first argument goes to archc; anything else (`sh -c '...'`, a
# CI system's own shell) runs as it is. Nothing: `archc --help`.
# Which words are archc commands, archc itself says (archc.cli.COMMANDS), so this never goes stale;
# archc's commands win over programs of the same name (`diff`, `sync`).
set -eu
if [ "$#" -eq 0 ]; then
  exec archc --help
fi
case "$1" in
  -*) exec archc "$@" ;;
esac
if "${ARCHC_PYTHON:-python}" -c 'import sys; from archc.cli import COMMANDS; sys.exit(sys.argv[1] not in COMMANDS)' "$1" 2>/dev/null; then
  exec archc "$@"
fi
exec "$@"
