# Shared by scripts/images/build.sh and check.sh (sourced, not run): which images there are, how
# buildah is called, and how the Node.js runtime's root filesystem is staged.
# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this file

# The reference operators that have an image: examples/<operator>/Containerfile.
OPERATORS=(cert-operator kvm-operator aws-operator)

# Where the staged runtime and the oci-archives go (git-ignored with .kubeception/).
IMAGES_DIR="${KUBECEPTION_IMAGES_DIR:-.kubeception/images}"

# The base image every operator's Containerfile starts FROM (scripts/images/node-runtime.Containerfile).
NODE_IMAGE=localhost/kubeception/node:24

# buildah as it works on these machines: as root, with the vfs storage driver (buildah 1.28 does
# not read $STORAGE_DRIVER itself, so it is passed as a flag) and chroot isolation (no OCI
# runtime needed; the container shares the host's network and PID namespaces). An array, not a
# function, so that `"${BUILDAH[@]}" run … &` leaves $! to buildah itself.
export BUILDAH_ISOLATION="${BUILDAH_ISOLATION:-chroot}"
BUILDAH=(buildah --storage-driver "${STORAGE_DRIVER:-vfs}")

# The names an operator's image is tagged with: the one its Deployment (deploy/base) refers to,
# and the one of the embedded demo's overlay.
image_of() {
  local operator="$1"
  echo "quay.io/kubeception/$operator:$(package_field "examples/$operator" version)"
}
dev_image_of() {
  echo "localhost/kubeception/$1:dev"
}

# A field of a workspace's package.json.
package_field() {
  node -p "require('./$1/package.json').$2"
}

# Stages in folder $1 the root filesystem of the Node.js base image: the node binary $2, the
# dynamic loader and every shared library `ldd` lists for it (at the paths the binary asks for),
# and /etc/passwd and /etc/group with root and nonroot (65532). Everything is root's, 0755/0644.
stage_runtime() {
  local root="$1" node="$2" lib
  rm -rf "$root"
  (
    umask 022
    mkdir -p "$root/usr/local/bin" "$root/etc" "$root/app"
    install -m 0755 "$node" "$root/usr/local/bin/node"
    # `ldd` prints `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` and `/lib64/ld-linux-x86-64.so.2 (0x…)`
    for lib in $(ldd "$node" | grep -oE '/[^ ]+'); do
      install -D -m 0755 "$lib" "$root$lib"
    done
    printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin' >"$root/etc/passwd"
    printf '%s\n' 'root:x:0:' 'nonroot:x:65532:' >"$root/etc/group"
  )
}

# A size in MB (10^6 bytes, as `buildah images` prints them) of file $1.
size_mb() {
  echo $(($(stat -c %s "$1") / 1000000))
}
