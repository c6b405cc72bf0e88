#!/usr/bin/env bash
# Builds the reference operators' container images with buildah, from scratch (no registry is
# reachable here, so there is no base image to pull), as root:
#   1. each operator's one-file build, examples/<operator>/dist/main.js (`npm run build`);
#   2. the Node.js base image, localhost/kubeception/node:24, from a root filesystem staged from
#      the official binary (scripts/node-bin.sh 24) and the libraries it needs
#      (scripts/images/node-runtime.Containerfile);
#   3. each operator's image from its Containerfile (examples/<operator>/Containerfile), tagged
#      quay.io/kubeception/<operator>:<version> (the Deployments' image) and
#      localhost/kubeception/<operator>:dev (the embedded demo's), labelled from its package.json;
#   4. each saved as an oci-archive, .kubeception/images/<operator>.oci.tar, and its size printed.
# Usage: scripts/images/build.sh [--no-build] [operator…]   (default: every operator)
# Needs buildah (Debian's 1.28 works) and npm ci done. The images stay in buildah's storage.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/images/lib.sh
source scripts/images/lib.sh

build_dist=true
if [ "${1:-}" = "--no-build" ]; then
  build_dist=false
  shift
fi
operators=("$@")
[ ${#operators[@]} -gt 0 ] || operators=("${OPERATORS[@]}")

node_bin="$(scripts/node-bin.sh 24)"
export PATH="$node_bin:$PATH"

# Step 1: dist/main.js of each operator (tsup; a few seconds each).
build_dists() {
  local operator
  for operator in "${operators[@]}"; do
    npm run -s build -w "examples/$operator" >/dev/null
  done
}

# Step 2: the base image. The old one is removed first (with the operator images built on it),
# so rebuilding does not pile up copies in the vfs storage.
build_node_image() {
  local operator
  for operator in "${OPERATORS[@]}"; do
    "${BUILDAH[@]}" rmi --force "$(image_of "$operator")" "$(dev_image_of "$operator")" >/dev/null 2>&1 || true
  done
  "${BUILDAH[@]}" rmi --force "$NODE_IMAGE" >/dev/null 2>&1 || true
  stage_runtime "$IMAGES_DIR/runtime" "$node_bin/node"
  "${BUILDAH[@]}" build --quiet --pull=never --build-arg "NODE_VERSION=$(node --version)" -t "$NODE_IMAGE" \
    -f scripts/images/node-runtime.Containerfile "$IMAGES_DIR/runtime" >/dev/null
}

# Step 3 and 4 for one operator; prints `<image> <size> MB (oci-archive <size> MB)`.
build_operator_image() {
  local operator="$1" image dev archive
  image="$(image_of "$operator")"
  dev="$(dev_image_of "$operator")"
  archive="$IMAGES_DIR/$operator.oci.tar"
  "${BUILDAH[@]}" build --quiet --pull=never -t "$image" -t "$dev" \
    --label "org.opencontainers.image.title=$operator" \
    --label "org.opencontainers.image.description=$(package_field "examples/$operator" description)" \
    --label "org.opencontainers.image.version=$(package_field "examples/$operator" version)" \
    -f "examples/$operator/Containerfile" "examples/$operator" >/dev/null
  rm -f "$archive"
  "${BUILDAH[@]}" push --quiet "$image" "oci-archive:$archive:$image"
  echo "$image $("${BUILDAH[@]}" images --format '{{.Size}}' "$image" | head -1) (oci-archive $(size_mb "$archive") MB)"
}

mkdir -p "$IMAGES_DIR"
started=$(date +%s)
if $build_dist; then build_dists; fi
build_node_image
for operator in "${operators[@]}"; do
  build_operator_image "$operator"
done
echo "images built in $(($(date +%s) - started)) s"
