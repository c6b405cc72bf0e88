#!/usr/bin/env bash
# `npm publish --dry-run` of every published package must print no warning (needs a build).
# The dry run asks for registry credentials like a real publish does; a placeholder token for
# the configured registry stands in for the one a release job would have.
set -euo pipefail
cd "$(dirname "$0")/.."
registry="$(npm config get registry)"
auth="--${registry#*:}:_authToken=dry-run-placeholder"
status=0
for p in sdk driver-kvm driver-aws pki-vault testing; do
  out="$(cd "packages/$p" && npm publish --dry-run "$auth" 2>&1)" || { echo "$out"; echo "FAIL: npm publish --dry-run of packages/$p"; status=1; continue; }
  if grep -iE '^npm (warn|error)' <<<"$out"; then
    echo "FAIL: npm publish --dry-run of packages/$p printed the warnings above"; status=1
  else
    echo "publish dry run: $(grep -E 'npm notice (name|version|package size|unpacked size|total files)' <<<"$out" | sed -E 's/npm notice ([a-z ]+): +/\1 /' | paste -sd ',' | sed 's/,/, /g')"
  fi
done
exit $status
