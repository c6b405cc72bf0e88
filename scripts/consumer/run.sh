#!/usr/bin/env bash
# The consumer test: the published packages as a user gets them. Builds the workspace, packs
# every published package with `npm pack`, installs the tarballs into a scratch project outside
# the repository (no workspace, no overrides, no source condition), then there:
#   - prints each package's tarball and unpacked size,
#   - checks one copy of @kubeception/sdk is installed (peer dependency, deduplicated), and that
#     our engines.node is at least what every installed dependency declares,
#   - runs an ES module and a CommonJS script that start the fake API server and fake Vault,
#     reconcile a Cluster with a runtime controller and issue a certificate through pki-vault,
#     failing on any process warning (a duplicate SDK copy warns, which a negative control
#     checks by loading the ES module and CommonJS builds side by side),
#   - runs the testing package's bin: `npx kubeception-fakes --help`, then starts it, waits for
#     its ready line and stops it with SIGTERM (fakes.mjs),
#   - type-checks a consumer under module nodenext, node16, bundler and node10, skipLibCheck off.
# Usage: scripts/consumer/run.sh [--no-build]. Runs on whichever node is first on PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
echo "consumer test on node $(node --version), npm $(npm --version)"

if [ "${1:-}" != "--no-build" ]; then
  npm run -s build >/dev/null
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kubeception-consumer.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
packages=(sdk driver-kvm driver-aws pki-vault testing)
mkdir -p "$scratch/tarballs"
printf '%-28s %10s %12s %6s\n' package tarball unpacked files
for p in "${packages[@]}"; do
  json="$(npm pack --silent --json --workspace "packages/$p" --pack-destination "$scratch/tarballs")"
  node -e '
    const [r] = JSON.parse(process.argv[1]);
    const kb = (n) => (n / 1024).toFixed(1) + " kB";
    console.log(r.name.padEnd(28), kb(r.size).padStart(10), kb(r.unpackedSize).padStart(12), String(r.entryCount).padStart(6));
  ' "$json"
done

cp -r "$here/scenario.cjs" "$here/esm.mjs" "$here/cjs.cjs" "$here/duplicate.mjs" "$here/engines.cjs" "$here/fakes.mjs" "$here/types" "$scratch/"
cd "$scratch"
cat > package.json <<'JSON'
{ "name": "kubeception-consumer", "private": true, "version": "0.0.0" }
JSON
# The user's own dependencies beside ours: the Vault client they hand to pki-vault, neverthrow
# for their Results, and TypeScript with Node's types for the type check.
npm install --no-audit --no-fund --loglevel=error ./tarballs/*.tgz node-vault@~0.12.0 neverthrow@^8.2.0 typescript@~5.9.3 @types/node@^22.20.7 >/dev/null

copies="$(find node_modules -path '*/@kubeception/sdk/package.json' | wc -l)"
if [ "$copies" != 1 ]; then
  echo "FAIL: $copies copies of @kubeception/sdk installed:"; find node_modules -path '*/@kubeception/sdk/package.json'; exit 1
fi
npm ls --all @kubeception/sdk >/dev/null || { npm ls --all @kubeception/sdk; echo 'FAIL: npm ls reports a problem with @kubeception/sdk'; exit 1; }
echo "one copy of @kubeception/sdk installed (peer dependency of the other four)"
node engines.cjs

run() {
  local script="$1" err
  err="$(mktemp)"
  if ! node "$script" 2>"$err"; then cat "$err"; echo "FAIL: node $script"; exit 1; fi
  if grep -q -i 'warning' "$err"; then cat "$err"; echo "FAIL: node $script printed a warning"; exit 1; fi
  rm -f "$err"
}
run esm.mjs
run cjs.cjs
node duplicate.mjs 2>/dev/null || { echo 'FAIL: two SDK copies in one process went unreported'; exit 1; }
npx --no-install kubeception-fakes --help | grep '^Usage: kubeception-fakes' >/dev/null || { echo 'FAIL: npx kubeception-fakes --help'; exit 1; }
node fakes.mjs || { echo 'FAIL: kubeception-fakes did not start and stop'; exit 1; }

cd types
# one consumer, checked as each module kind: .ts (this project's package type), .mts (ESM), .cts (CJS)
cp consumer.ts consumer.mts
cp consumer.ts consumer.cts
for m in nodenext node16 bundler node10; do
  if ../node_modules/.bin/tsc -p "tsconfig.$m.json"; then
    echo "types: module $m type-checks ($(node -e 'console.log(require(`./tsconfig.'$m'.json`).files.join(", "))'), skipLibCheck false)"
  else
    echo "FAIL: types under module $m"; exit 1
  fi
done
echo "consumer test passed on node $(node --version)"
