#!/bin/sh
# The container's entry point: `docker run IMAGE lint architecture/` runs `archc lint architecture/`.
# An archc command or option as the first argument goes to archc; anything else (`sh -c '...'`, a
# CI system's own shell) runs as it is. Nothing: `archc --help`.
# The command list is archc's (archc/cli/__init__.py COMMANDS); tests/ci/test_docker.py keeps them equal.
set -eu
ARCHC_COMMANDS="init lint rules schema build diagram docs import sync diff"
if [ "$#" -eq 0 ]; then
  exec archc --help
fi
case "$1" in
  -*) exec archc "$@" ;;
esac
for command in $ARCHC_COMMANDS; do
  if [ "$1" = "$command" ]; then
    exec archc "$@"
  fi
done
exec "$@"
