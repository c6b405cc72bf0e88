#!/usr/bin/env bash
# Fails when docs/api (the committed API reference) is not what `npm run docs:api` generates
# from the sources now, or when TypeDoc reports any warning or error (an undocumented export,
# a broken {@link}, a type the API uses but no entry point exports), or when docs/api-surface.md
# (the list of every name each entry point exports) is stale. See typedoc.json.
set -euo pipefail
cd "$(dirname "$0")/.."

out="$(mktemp -d "${TMPDIR:-/tmp}/api-docs.XXXXXX")"
log="$out.log"
trap 'rm -rf "$out" "$log"' EXIT

status=0
npx --no -- typedoc --out "$out/api" >"$log" 2>&1 || status=$?
if [ "$status" -ne 0 ] || grep -qE '\[(warning|error)\]' "$log"; then
  cat "$log" >&2
  echo "typedoc failed (exit $status): fix the warnings and errors above, then run npm run docs:api" >&2
  exit 1
fi

if [ ! -d docs/api ]; then
  echo "docs/api is missing: run npm run docs:api" >&2
  exit 1
fi
if ! diff -r -u docs/api "$out/api" >"$log" 2>&1; then
  head -n 200 "$log" >&2
  echo "docs/api is stale: run npm run docs:api" >&2
  exit 1
fi
echo "docs/api is up to date"

# The one-line-per-name list of every front door (docs/api-surface.md).
node --conditions=@kubeception/source --import tsx scripts/api-surface.ts --check
