#!/usr/bin/env bash
# Kubeception's VM launcher: the entrypoint of the qemu-launcher image (see README.md here).
#
# It implements the launcher contract of packages/driver-kvm/src/render/launcher.ts:
#   1. fetch the guest image into GUEST_IMAGE_CACHE once and create a copy-on-write disk in VM_DIR;
#   2. give bridge BRIDGE the host's flannel subnet address, put tap TAP on it and hand the VM the
#      next address by DHCP (dnsmasq, one address, bound to VM_MAC);
#   3. run qemu-system-x86_64 with the boot config as fw_cfg and the certificates (and, on masters,
#      the etcd data) as 9p shares;
#   4. serve /healthz, /readyz and /status on HEALTH_PORT, and annotate the pod with the VM's IP;
#   5. on SIGTERM, press the guest's ACPI power button and wait for it, then clean up.
#
# Certificates are never read, logged or copied here: QEMU gets the mounted directory.
#
# `launcher.sh health-request` answers one HTTP request on stdin/stdout (socat runs it per connection).
set -euo pipefail
shopt -s inherit_errexit

readonly VM_IP_ANNOTATION='kvm.kubeception.io/vm-ip'
readonly SA_DIR='/var/run/secrets/kubernetes.io/serviceaccount'

log() { printf '%s launcher[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${VM_NAME:-?}" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}
require() {
  local name
  for name in "$@"; do [ -n "${!name:-}" ] || die "environment variable $name is required"; done
}

# ---- IPv4 arithmetic ---------------------------------------------------------------------------

ip_to_int() {
  local IFS=. a b c d
  read -r a b c d <<<"$1"
  echo $(((a << 24) + (b << 16) + (c << 8) + d))
}
int_to_ip() { echo "$((($1 >> 24) & 255)).$((($1 >> 16) & 255)).$((($1 >> 8) & 255)).$(($1 & 255))"; }
prefix_mask() { echo $(((0xffffffff << (32 - $1)) & 0xffffffff)); }

# ---- health endpoint (one request per process, run by socat) -----------------------------------

http_reply() {
  printf 'HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' "$1" "$2" "${#3}" "$3"
}

qemu_running() {
  local pid
  pid=$(cat "$VM_DIR/qemu.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

guest_answers() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$KC_VM_IP" "$KC_READY_TCP_PORT" 2>/dev/null; }

health_request() {
  local method path line
  read -r -t 5 method path _ || exit 0
  while read -r -t 1 line && [ -n "${line%$'\r'}" ]; do :; done
  case "$method $path" in
    'GET /healthz' | 'HEAD /healthz')
      if qemu_running; then http_reply '200 OK' text/plain "ok"$'\n'; else http_reply '503 Service Unavailable' text/plain "qemu is not running"$'\n'; fi ;;
    'GET /readyz' | 'HEAD /readyz')
      if qemu_running && guest_answers; then
        http_reply '200 OK' text/plain "ok"$'\n'
      else
        http_reply '503 Service Unavailable' text/plain "guest $KC_VM_IP:$KC_READY_TCP_PORT not answering"$'\n'
      fi ;;
    'GET /status') http_reply '200 OK' application/json "{\"ip\":\"$KC_VM_IP\"}" ;;
    *) http_reply '404 Not Found' text/plain "not found"$'\n' ;;
  esac
}

if [ "${1:-}" = health-request ]; then
  health_request
  exit 0
fi

# ---- configuration -------------------------------------------------------------------------------

require VM_NAME VM_ROLE VM_CORES VM_MEMORY_MIB VM_DISK_MIB VM_MAC VM_DIR GUEST_IMAGE_CACHE \
  BOOT_CONFIG_PATH BOOT_CONFIG_FW_CFG CERTIFICATE_DIR CERTIFICATE_MOUNT_TAG BRIDGE TAP FLANNEL_SUBNET_FILE HEALTH_PORT
# VM_NAME goes into dnsmasq's comma-separated --dhcp-host and QEMU's -name: a DNS label only
[[ "$VM_NAME" =~ ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$ ]] || die "VM_NAME must be a DNS-1123 label"
[[ "$VM_MAC" =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] || die "VM_MAC must be a MAC address"
for dev in "$BRIDGE" "$TAP"; do [[ "$dev" =~ ^[A-Za-z0-9._-]{1,15}$ ]] || die "BRIDGE and TAP must be interface names"; done
[ -n "${GUEST_DISK:-}" ] || [ -n "${GUEST_KERNEL:-}" ] || die "set GUEST_DISK, or GUEST_KERNEL and GUEST_INITRD"
[ -z "${GUEST_KERNEL:-}" ] || require GUEST_INITRD
[ -r "$BOOT_CONFIG_PATH" ] || die "boot config $BOOT_CONFIG_PATH is not readable"
[ -d "$CERTIFICATE_DIR" ] || die "certificate directory $CERTIFICATE_DIR does not exist"
[ -z "${ETCD_DATA_DIR:-}" ] || require ETCD_MOUNT_TAG

SELF=$(readlink -f "$0")
MONITOR="$VM_DIR/monitor.sock"
SHUTDOWN_TIMEOUT=${VM_SHUTDOWN_TIMEOUT:-110}
if [ "$VM_ROLE" = master ]; then READY_TCP_PORT=${READY_TCP_PORT:-6443}; else READY_TCP_PORT=${READY_TCP_PORT:-10250}; fi

# ---- 1. guest image and disks ------------------------------------------------------------------

# Prints the local path of an image source: an http(s) URL is downloaded into the cache once
# (temporary file, then rename: concurrent launchers never see half a file); a path is used in place.
fetch_image() {
  local src=$1 decompress=$2 name dest tmp
  case "$src" in
    http://* | https://*)
      name="$(printf %s "$src" | sha256sum | cut -c1-16)-$(basename "${src%%\?*}")"
      if [ "$decompress" = yes ]; then name=${name%.bz2}; name=${name%.xz}; fi
      dest="$GUEST_IMAGE_CACHE/$name"
      if [ ! -f "$dest" ]; then
        log "downloading $src into $GUEST_IMAGE_CACHE"
        tmp=$(mktemp "$GUEST_IMAGE_CACHE/.download.XXXXXX")
        if ! curl -fsSL --retry 5 --retry-delay 2 -o "$tmp" "$src"; then
          rm -f "$tmp"
          die "cannot download $src"
        fi
        if [ "$decompress" = yes ]; then
          case "$src" in
            *.bz2) bzip2 -dc "$tmp" >"$tmp.raw" && mv -f "$tmp.raw" "$tmp" ;;
            *.xz) xz -dc "$tmp" >"$tmp.raw" && mv -f "$tmp.raw" "$tmp" ;;
          esac
        fi
        mv -f "$tmp" "$dest"
      fi
      echo "$dest" ;;
    /*)
      [ -f "$src" ] || die "guest image $src does not exist (host paths must lie under the image cache mount)"
      echo "$src" ;;
    *) die "guest image source $src is neither an http(s) URL nor an absolute path" ;;
  esac
}

image_format() { qemu-img info -U --output=json "$1" | sed -n 's/^ *"format": *"\([^"]*\)".*/\1/p' | head -n 1; }

# A qcow2 disk: an overlay over `base` when given, else empty. Kept across container restarts (a reboot).
create_disk() {
  local disk=$1 base=${2:-} fmt
  if [ -f "$disk" ]; then
    log "reusing $disk"
  elif [ -n "$base" ]; then
    fmt=$(image_format "$base")
    [ -n "$fmt" ] || die "cannot tell the format of $base"
    qemu-img create -q -f qcow2 -F "$fmt" -b "$base" "$disk" "${VM_DISK_MIB}M"
    log "created ${VM_DISK_MIB} MiB overlay $disk over $base ($fmt)"
  else
    qemu-img create -q -f qcow2 "$disk" "${VM_DISK_MIB}M"
    log "created empty ${VM_DISK_MIB} MiB data disk $disk"
  fi
}

prepare_disks() {
  mkdir -p "$VM_DIR" "$GUEST_IMAGE_CACHE"
  rm -f "$VM_DIR/qemu.pid" "$MONITOR"
  if [ -n "${GUEST_DISK:-}" ]; then
    ROOT_DISK_BASE=$(fetch_image "$GUEST_DISK" yes)
    create_disk "$VM_DIR/root.qcow2" "$ROOT_DISK_BASE"
  else
    KERNEL=$(fetch_image "$GUEST_KERNEL" no)
    INITRD=$(fetch_image "$GUEST_INITRD" no)
    create_disk "$VM_DIR/data.qcow2"
  fi
}

# ---- 2. bridge, tap, DHCP ---------------------------------------------------------------------

read_flannel_subnet() {
  local waited=0 limit=${FLANNEL_WAIT_SECONDS:-300} subnet
  until [ -r "$FLANNEL_SUBNET_FILE" ] && grep -q '^FLANNEL_SUBNET=' "$FLANNEL_SUBNET_FILE"; do
    [ "$waited" -lt "$limit" ] || die "no FLANNEL_SUBNET in $FLANNEL_SUBNET_FILE after ${limit}s"
    [ "$waited" -gt 0 ] || log "waiting for flanneld's $FLANNEL_SUBNET_FILE"
    sleep 1
    waited=$((waited + 1))
  done
  subnet=$(sed -n 's/^FLANNEL_SUBNET=//p' "$FLANNEL_SUBNET_FILE" | head -n 1)
  MTU=$(sed -n 's/^FLANNEL_MTU=//p' "$FLANNEL_SUBNET_FILE" | head -n 1)
  [[ "$subnet" =~ ^([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)/([0-9]+)$ ]] || die "FLANNEL_SUBNET=$subnet is not an IPv4 CIDR"
  BRIDGE_IP=${BASH_REMATCH[1]}
  PREFIX=${BASH_REMATCH[2]}
  [ "$PREFIX" -le 30 ] || die "FLANNEL_SUBNET=$subnet has no room for a VM address"
  local mask bridge vm broadcast
  mask=$(prefix_mask "$PREFIX")
  bridge=$(ip_to_int "$BRIDGE_IP")
  vm=$((bridge + 1))
  broadcast=$(((bridge & mask) | (~mask & 0xffffffff)))
  [ "$vm" -lt "$broadcast" ] || die "FLANNEL_SUBNET=$subnet: $BRIDGE_IP is the subnet's last host address"
  VM_IP=$(int_to_ip "$vm")
  NETMASK=$(int_to_ip "$mask")
  log "subnet $subnet: bridge $BRIDGE $BRIDGE_IP/$PREFIX, VM $VM_IP${MTU:+, MTU $MTU}"
}

setup_network() {
  ip link add "$BRIDGE" type bridge 2>/dev/null || ip link show "$BRIDGE" >/dev/null || die "cannot create bridge $BRIDGE"
  ip addr replace "$BRIDGE_IP/$PREFIX" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  ip link del "$TAP" 2>/dev/null || true
  ip tuntap add dev "$TAP" mode tap
  [ -z "$MTU" ] || ip link set "$TAP" mtu "$MTU"
  ip link set "$TAP" master "$BRIDGE" up
}

start_dhcp() {
  local options=(--dhcp-option="option:router,$BRIDGE_IP")
  [ -z "$MTU" ] || options+=(--dhcp-option="option:mtu,$MTU")
  [ -z "${VM_DNS_SERVERS:-}" ] || options+=(--dhcp-option="option:dns-server,$VM_DNS_SERVERS")
  rm -f "$VM_DIR/dhcp.leases"
  dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root --group=root \
    --bind-interfaces --interface="$BRIDGE" --except-interface=lo --dhcp-authoritative \
    --dhcp-range="$VM_IP,$VM_IP,$NETMASK,infinite" --dhcp-host="$VM_MAC,$VM_IP,$VM_NAME,infinite" "${options[@]}" \
    --dhcp-leasefile="$VM_DIR/dhcp.leases" --pid-file="$VM_DIR/dnsmasq.pid" --log-facility=- &
  DNSMASQ_PID=$!
}

# ---- 3. QEMU ------------------------------------------------------------------------------------

choose_accel() {
  case "${QEMU_ACCEL:-}" in
    tcg | kvm) echo "$QEMU_ACCEL" ;;
    '') if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then echo kvm; else echo tcg; fi ;;
    *) die "QEMU_ACCEL=$QEMU_ACCEL: expected kvm or tcg" ;;
  esac
}

# QEMU option values escape a comma by doubling it.
opt() { echo "${1//,/,,}"; }

qemu_args() {
  local accel cpu extra
  accel=$(choose_accel)
  if [ "$accel" = kvm ]; then cpu=host; else cpu=max; fi
  log "accelerator $accel, $VM_CORES vCPUs, $VM_MEMORY_MIB MiB"
  QEMU_ARGS=(-name "$(opt "$VM_NAME")" -machine q35 -accel "$accel" -cpu "$cpu" -smp "$VM_CORES" -m "$VM_MEMORY_MIB"
    -nodefaults -no-user-config -display none
    -chardev stdio,id=console,signal=off -serial chardev:console
    -monitor "unix:$(opt "$MONITOR"),server=on,wait=off" -pidfile "$VM_DIR/qemu.pid"
    -device virtio-rng-pci
    -netdev "tap,id=net0,ifname=$TAP,script=no,downscript=no" -device "virtio-net-pci,netdev=net0,mac=$VM_MAC"
    -fw_cfg "name=$(opt "$BOOT_CONFIG_FW_CFG"),file=$(opt "$BOOT_CONFIG_PATH")"
    -virtfs "local,path=$(opt "$CERTIFICATE_DIR"),mount_tag=$CERTIFICATE_MOUNT_TAG,security_model=none,readonly=on")
  if [ -n "${ETCD_DATA_DIR:-}" ]; then
    mkdir -p "$ETCD_DATA_DIR"
    QEMU_ARGS+=(-virtfs "local,path=$(opt "$ETCD_DATA_DIR"),mount_tag=$ETCD_MOUNT_TAG,security_model=none")
  fi
  if [ -n "${GUEST_DISK:-}" ]; then
    QEMU_ARGS+=(-drive "if=none,id=root,format=qcow2,file=$(opt "$VM_DIR/root.qcow2")" -device virtio-blk-pci,drive=root,serial=kubeception-root,bootindex=0)
  else
    QEMU_ARGS+=(-kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyS0 ${KERNEL_CMDLINE:-}"
      -drive "if=none,id=data,format=qcow2,file=$(opt "$VM_DIR/data.qcow2")" -device virtio-blk-pci,drive=data,serial=kubeception-data)
  fi
  read -r -a extra <<<"${QEMU_EXTRA_ARGS:-}"
  QEMU_ARGS+=("${extra[@]}")
}

# ---- 4. health server and pod annotation ------------------------------------------------------

start_health_server() {
  export KC_VM_IP=$VM_IP KC_READY_TCP_PORT=$READY_TCP_PORT VM_DIR
  socat -T 10 "TCP-LISTEN:$HEALTH_PORT,reuseaddr,fork" "EXEC:$SELF health-request" &
  HEALTH_PID=$!
  log "health on :$HEALTH_PORT (/healthz, /readyz on guest port $READY_TCP_PORT, /status)"
}

# Once the guest holds its DHCP lease, merge-patches annotation kvm.kubeception.io/vm-ip onto this
# pod through its service account. Outside a pod (no POD_NAME/POD_NAMESPACE or no token) it only logs.
annotate_pod() {
  local token=${KUBE_TOKEN_FILE:-$SA_DIR/token} ca=${KUBE_CA_FILE:-$SA_DIR/ca.crt} host=${KUBERNETES_SERVICE_HOST:-} api url body attempt tls=()
  if [ -z "${POD_NAME:-}" ] || [ -z "${POD_NAMESPACE:-}" ] || [ ! -r "$token" ]; then
    log "not in a pod (POD_NAME, POD_NAMESPACE or $token missing): not annotating; /status serves the IP"
    return 0
  fi
  [[ "$host" != *:* ]] || host="[$host]"
  api=${KUBE_API_URL:-https://$host:${KUBERNETES_SERVICE_PORT:-443}}
  url="$api/api/v1/namespaces/$POD_NAMESPACE/pods/$POD_NAME"
  [ ! -r "$ca" ] || tls=(--cacert "$ca")
  body="{\"metadata\":{\"annotations\":{\"$VM_IP_ANNOTATION\":\"$VM_IP\"}}}"
  until grep -qi " $VM_MAC " "$VM_DIR/dhcp.leases" 2>/dev/null; do sleep 1; done
  log "guest leased $VM_IP"
  for attempt in $(seq 1 30); do
    if curl -fsS -o /dev/null "${tls[@]}" -X PATCH \
      -H @<(printf 'Authorization: Bearer %s\n' "$(cat "$token")") -H 'Content-Type: application/merge-patch+json' \
      --data "$body" "$url"; then
      log "annotated pod $POD_NAMESPACE/$POD_NAME with $VM_IP_ANNOTATION=$VM_IP"
      return 0
    fi
    log "annotating pod $POD_NAMESPACE/$POD_NAME failed (attempt $attempt); retrying"
    sleep $((attempt < 5 ? attempt * 2 : 10))
  done
  log "giving up annotating pod $POD_NAMESPACE/$POD_NAME"
}

# ---- 5. shutdown ------------------------------------------------------------------------------

cleanup() {
  local rc=$? pid
  trap '' TERM INT
  for pid in ${HEALTH_PID:-} ${ANNOTATE_PID:-} ${DNSMASQ_PID:-}; do kill "$pid" 2>/dev/null || true; done
  if [ -n "${QEMU_PID:-}" ] && kill -0 "$QEMU_PID" 2>/dev/null; then kill -KILL "$QEMU_PID" 2>/dev/null || true; fi
  ip link del "$TAP" 2>/dev/null || true
  log "exiting ($rc)"
}

on_term() {
  trap '' TERM INT
  if [ -z "${QEMU_PID:-}" ]; then exit 143; fi
  log "terminating: ACPI power button, waiting up to ${SHUTDOWN_TIMEOUT}s for the guest"
  printf 'system_powerdown\n' | socat - "UNIX-CONNECT:$MONITOR" >/dev/null 2>&1 || log "QEMU monitor unreachable"
  local waited=0
  while kill -0 "$QEMU_PID" 2>/dev/null && [ "$waited" -lt "$SHUTDOWN_TIMEOUT" ]; do
    sleep 1
    waited=$((waited + 1))
  done
  if kill -0 "$QEMU_PID" 2>/dev/null; then
    log "guest did not power off in ${SHUTDOWN_TIMEOUT}s: stopping QEMU"
    kill -TERM "$QEMU_PID" 2>/dev/null || true
    sleep 3
  else
    log "guest powered off after ${waited}s"
  fi
  exit 0
}

main() {
  trap cleanup EXIT
  trap on_term TERM INT
  read_flannel_subnet
  prepare_disks
  setup_network
  start_dhcp
  qemu_args
  log "starting qemu-system-x86_64"
  qemu-system-x86_64 "${QEMU_ARGS[@]}" </dev/null &
  QEMU_PID=$!
  start_health_server
  annotate_pod &
  ANNOTATE_PID=$!
  local rc=0
  wait "$QEMU_PID" || rc=$?
  log "qemu exited ($rc)"
  exit "$rc"
}

main
