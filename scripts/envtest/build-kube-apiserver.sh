#!/usr/bin/env bash
# Builds a real kube-apiserver and kube-controller-manager (Kubernetes 1.20.2) for the envtest lane
# (`startEnvtest()` in @kubeception/testing) and prints the folder holding them with etcd: the
# value for KUBEBUILDER_ASSETS.
#
#   export KUBEBUILDER_ASSETS="$(scripts/envtest/build-kube-apiserver.sh)"
#
# No registry or GitHub is reachable here, so the source is Debian's `kubernetes` source package
# (1.20.5+really1.20.2, Debian's patches applied) built with Debian's golang-go (1.19) in GOPATH
# mode, as Debian's own debian/rules does. Steps:
# 1. installs golang-go, dpkg-dev, rsync, patch and make when missing (needs root),
#    and adds a deb-src entry for the mirror the machine already uses when none serves `kubernetes`;
# 2. `apt-get source --download-only`, `dpkg-source -x` into $GOPATH/src/k8s.io/kubernetes;
# 3. applies scripts/envtest/patches/*.patch (two vendored-code fixes Go 1.19 needs, see headers);
# 4. `make gen_openapi` (the generated OpenAPI package is not in the source tarball), then
#    `hack/make-rules/build.sh cmd/kube-apiserver cmd/kube-controller-manager` (GO111MODULE=off,
#    CGO_ENABLED=0; version v1.20.2 from the tarball's git-archive stamp);
# 5. installs both binaries and a link to etcd (Debian's etcd-server, installed when missing) into
#    the output folder, removes the work tree.
#
# Output: ${KUBECEPTION_ENVTEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeception-envtest}/1.20.2/
# reused when complete and built with the same patches (idempotent); `--force` rebuilds.
# `--keep-work` keeps the work tree (source, Go build cache) for debugging.
# About 6-8 minutes on 2 cores (340-446 s measured); 2.2 GB of disk at the peak (source tree and Go
# build cache, in <cache>/work-1.20.2), 0.2 GB kept.
# Only the output folder is printed on stdout; progress goes to stderr, the build log to
# <cache>/build-1.20.2.log (its tail is printed on failure).
set -euo pipefail

version=1.20.2
debian_upstream=1.20.5+really1.20.2
here="$(cd "$(dirname "$0")" && pwd)"
force=false
keep_work=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    --keep-work) keep_work=true ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' && exit 0 ;;
    *) echo "unknown argument: $arg (use --force, --keep-work)" >&2 && exit 2 ;;
  esac
done

cache="${KUBECEPTION_ENVTEST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/kubeception-envtest}"
out="$cache/$version"
work="$cache/work-$version"
log="$cache/build-$version.log"
stamp="$out/.kubeception-envtest"
say() { echo "build-kube-apiserver: $*" >&2; }

# what the patches change (their diffs, not their explanatory headers)
patches_digest() { for p in "$here"/patches/*.patch; do sed -n '/^diff /,$p' "$p"; done | sha256sum | cut -d' ' -f1; }
expected_stamp() { printf 'kubernetes %s (debian %s)\npatches %s\n' "$version" "$debian_upstream" "$(patches_digest)"; }

complete() {
  [ -x "$out/kube-apiserver" ] && [ -x "$out/kube-controller-manager" ] &&
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(expected_stamp)" ]
}

as_root() {
  if [ "$(id -u)" -ne 0 ]; then
    say "needs root for: $*" && exit 1
  fi
  "$@"
}
apt_install() { as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2; }

# etcd is Debian's etcd-server, linked rather than built (installed when missing).
link_etcd() {
  if ! command -v etcd >/dev/null 2>&1; then
    say "installing etcd-server"
    apt_install etcd-server || { as_root apt-get update -qq >&2 && apt_install etcd-server; }
  fi
  ln -sfn "$(command -v etcd)" "$1/etcd"
}

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # one build at a time; a second caller waits, then reuses the result

if ! $force && complete; then
  [ -x "$out/etcd" ] || link_etcd "$out"
  say "reusing $out"
  echo "$out"
  exit 0
fi

# --- 1. system packages and the deb-src entry -----------------------------------------------

missing=()
[ -x /usr/lib/go-1.19/bin/go ] || missing+=(golang-go)
command -v dpkg-source >/dev/null 2>&1 || missing+=(dpkg-dev)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
command -v patch >/dev/null 2>&1 || missing+=(patch)
command -v make >/dev/null 2>&1 || missing+=(make)

has_source() { [[ "$(apt-cache showsrc kubernetes 2>/dev/null || true)" == *"Version: $debian_upstream"* ]]; }

# The first `deb` mirror URI configured for this release (one-line .list files or deb822 .sources).
mirror_uri() {
  local codename="$1" file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    awk -v c="$codename" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == c) { print $i; exit } }' "$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v c="$codename" '
      function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " c " ") && uris != "") print uris; types = suites = uris = "" }
      /^[ \t]*$/ { flush(); next }
      /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      /^URIs:/ { sub(/^URIs:[ \t]*/, ""); split($0, u, " "); uris = u[1] }
      END { flush() }' "$file"
  done
}

add_deb_src() {
  local codename uri
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  uri="$(mirror_uri "$codename" | head -n1)"
  [ -n "$codename" ] && [ -n "$uri" ] || { say "no deb mirror for '$codename' found in /etc/apt/sources.list*" && exit 1; }
  say "adding deb-src $uri $codename main (/etc/apt/sources.list.d/kubeception-envtest-src.sources)"
  as_root tee /etc/apt/sources.list.d/kubeception-envtest-src.sources >/dev/null <<EOF
# Added by kubeception scripts/envtest/build-kube-apiserver.sh: Debian's kubernetes source package.
Types: deb-src
URIs: $uri
Suites: $codename
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

if ! has_source; then
  [ -f /etc/apt/sources.list.d/kubeception-envtest-src.sources ] || add_deb_src
  as_root apt-get update -qq >&2
  has_source || { say "apt-get cannot find the kubernetes $debian_upstream source package" && exit 1; }
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt_install "${missing[@]}" || { as_root apt-get update -qq >&2 && apt_install "${missing[@]}"; }
fi
export PATH="/usr/lib/go-1.19/bin:$PATH" # Debian's golang-go 1.19, even when another go is first
say "go: $(go version)"
# Kubernetes 1.20's vendored tree needs the two patches below on Go 1.19; newer Go needs more.
[[ "$(go version)" == *' go1.19'* ]] || say "warning: not Go 1.19 (bookworm's golang-go): the build or the binaries may fail"

# --- 2.-4. source, patches, build -----------------------------------------------------------
rm -rf "$work" "$out.tmp"
gopath="$work/go"
src="$gopath/src/k8s.io/kubernetes"
mkdir -p "$work/download" "$(dirname "$src")"
: >"$log"
started=$(date +%s)
peak_file="$work/peak-kb"
echo 0 >"$peak_file"
(
  # peak disk of the work tree, sampled while the build runs
  while sleep 20; do
    used=$(du -sxk "$work" 2>/dev/null | cut -f1 || echo 0)
    [ "${used:-0}" -gt "$(cat "$peak_file" 2>/dev/null || echo 0)" ] && echo "$used" >"$peak_file"
  done
) &
sampler=$!
cleanup() {
  kill "$sampler" 2>/dev/null || true
  [ "${1:-}" = ok ] || { say "failed; last lines of $log:" && tail -n 60 "$log" >&2; }
}
trap 'cleanup' EXIT

run() { "$@" >>"$log" 2>&1; }

say "downloading and unpacking the kubernetes source package (log: $log)"
(cd "$work/download" && run apt-get source --download-only -qq "kubernetes")
dsc="$(ls "$work/download"/kubernetes_"$debian_upstream"-*.dsc 2>/dev/null | head -n1 || true)"
[ -n "$dsc" ] || { say "no kubernetes_$debian_upstream-*.dsc downloaded (found: $(ls "$work/download"))" && exit 1; }
run dpkg-source -x "$dsc" "$src"
rm -rf "$work/download"

for p in "$here"/patches/*.patch; do
  say "applying $(basename "$p")"
  (cd "$src" && run patch -p1 --forward --no-backup-if-mismatch -i "$p")
done

export GOPATH="$gopath" GO111MODULE=off CGO_ENABLED=0 GOFLAGS='' GOPROXY=off
unset GOROOT GOBIN
say "make gen_openapi"
(cd "$src" && run make gen_openapi)
[ -f "$src/pkg/generated/openapi/zz_generated.openapi.go" ] || { say "make gen_openapi wrote no pkg/generated/openapi/zz_generated.openapi.go" && exit 1; }
say "building kube-apiserver and kube-controller-manager (several minutes)"
(cd "$src" && run hack/make-rules/build.sh cmd/kube-apiserver cmd/kube-controller-manager)

# --- 5. install ---------------------------------------------------------------------------
bin="$src/_output/local/bin/linux/amd64"
mkdir -p "$out.tmp"
cp "$bin/kube-apiserver" "$bin/kube-controller-manager" "$out.tmp/"
link_etcd "$out.tmp"
"$out.tmp/kube-apiserver" --version >&2
expected_stamp >"$out.tmp/.kubeception-envtest"
peak_kb=$(cat "$peak_file")
final_kb=$(du -sxk "$work" | cut -f1)
[ "$final_kb" -gt "$peak_kb" ] && peak_kb=$final_kb
rm -rf "$out"
mv "$out.tmp" "$out"
$keep_work || rm -rf "$work"
cleanup ok
trap - EXIT
say "built in $(($(date +%s) - started)) s, peak disk of the work tree $((peak_kb / 1024)) MB; kept $(du -sxk "$out" | cut -f1 | awk '{ printf "%d", $1 / 1024 }') MB in $out"
echo "$out"
