#!/usr/bin/env bash
# CI check of the operators' container images: builds them (scripts/images/build.sh), runs
# `--help` in each with `buildah run`, then runs each image's entrypoint (read from the image)
# against kubeception-fakes served on this machine's loopback and waits until it reconciles its
# sample objects to Ready (kubectl wait, bounded), each scenario on fresh fakes:
#   cert-operator  the CertificateAuthority "demo" and the Certificate "demo-api" (with the KVM
#                  sample Cluster they belong to, which nothing else reconciles here);
#   aws-operator   the AWS sample Cluster, the cert-operator image beside it issuing its
#                  certificates, as in a deployment;
#   kvm-operator   the KVM sample Cluster with --with-pki, its flannel store the fakes' etcd
#                  (--flannel-etcd: Debian's etcd on free loopback ports), the guests' API
#                  servers reached through the fakes' TLS passthrough (--guest-api-dial).
# The containers run as the image's user (65532) with the fakes' credentials mounted read-only;
# their root filesystem is not writable by that user (checked: a write anywhere fails), which is
# how a read-only root is verified here (buildah 1.28's `run` has no read-only option). Each
# operator is then stopped with SIGTERM and must exit 0. Prints a table: image, size, --help,
# what became Ready and how fast, the stop.
# Usage: scripts/images/check.sh [--no-build]   (as root; needs buildah, kubectl, etcd, curl, pgrep)
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/images/lib.sh
source scripts/images/lib.sh

READY_TIMEOUT=180s
SAMPLES=examples/samples/valid
WORK="$(mktemp -d /tmp/kubeception-images.XXXXXX)"
chmod 0711 "$WORK" # the operators (65532) reach their own folders below it
PIDS=()            # background processes to stop at exit: fakes, buildah runs
CONTAINERS=()      # buildah containers to remove at exit
declare -A RUN_PID PORTS SIZE HELP READY STOP

node_bin="$(scripts/node-bin.sh 24)"
export PATH="$node_bin:$PATH"

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ ${#CONTAINERS[@]} -eq 0 ] || "${BUILDAH[@]}" rm "${CONTAINERS[@]}" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# $1 (default 1) distinct free TCP ports on 127.0.0.1, one a line.
free_ports() {
  node -e "
    const net = require('node:net');
    const servers = Array.from({ length: Number('${1:-1}') }, () => net.createServer().listen(0, '127.0.0.1'));
    Promise.all(servers.map((s) => new Promise((r) => s.on('listening', r)))).then(() => {
      for (const s of servers) { console.log(s.address().port); s.close(); }
    });"
}

# Milliseconds since the epoch, and the seconds (one decimal) since such a time.
now_ms() {
  date +%s%3N
}
seconds_since() {
  local ms=$(($(now_ms) - $1))
  echo "$((ms / 1000)).$((ms % 1000 / 100)) s"
}

# Waits until command "$@" succeeds, at most $1 seconds (polling twice a second).
wait_for() {
  local seconds="$1"
  shift
  for _ in $(seq $((seconds * 2))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

# The image's entrypoint, one word a line.
entrypoint_of() {
  "${BUILDAH[@]}" inspect --type image --format '{{range .OCIv1.Config.Entrypoint}}{{println .}}{{end}}' "$1"
}

# A new container of image $2 named after $1, in $CONTAINER (removed at exit). Not meant for
# `$(…)`: the subshell would forget it.
new_container() {
  CONTAINER="kubeception-check-$1-$$"
  "${BUILDAH[@]}" from --quiet --pull=never --name "$CONTAINER" "$2" >/dev/null
  CONTAINERS+=("$CONTAINER")
}

# `--help` through the entrypoint (exit 0 and the usage), and the root filesystem not writable by
# the image's user: a write into every top-level folder fails.
check_help() {
  local operator="$1" image container entrypoint
  image="$(image_of "$operator")"
  new_container "$operator-help" "$image"
  container="$CONTAINER"
  mapfile -t entrypoint < <(entrypoint_of "$image")
  "${BUILDAH[@]}" run "$container" -- "${entrypoint[@]}" --help >"$WORK/$operator.help" 2>&1 || fail "$operator --help exited $?: $(cat "$WORK/$operator.help")"
  grep -q "^Usage: $operator " "$WORK/$operator.help" || fail "$operator --help printed no usage: $(head -3 "$WORK/$operator.help")"
  "${BUILDAH[@]}" run "$container" -- /usr/local/bin/node -e "
    const fs = require('node:fs');
    const written = ['/', ...fs.readdirSync('/').map((d) => '/' + d)].filter((d) => !['/proc', '/sys', '/dev'].includes(d)).filter((d) => {
      try { fs.writeFileSync(d + '/.write-probe', ''); return true; } catch { return false; }
    });
    if (written.length > 0) { console.error('writable as uid ' + process.getuid() + ': ' + written.join(' ')); process.exit(1); }" ||
    fail "$image: its root filesystem is writable by its user"
  SIZE[$operator]="$("${BUILDAH[@]}" images --format '{{.Size}}' "$image" | head -1) ($(size_mb "$IMAGES_DIR/$operator.oci.tar") MB archived)"
  HELP[$operator]="ok ($(wc -l <"$WORK/$operator.help") lines)"
}

# Serves kubeception-fakes (from source) for scenario $1, with the options that follow, and
# exports its environment (KUBECONFIG, VAULT_ADDR, GUEST_API_DIAL…).
start_fakes() {
  local dir="$WORK/fakes-$1"
  shift
  mkdir -p "$dir"
  node --conditions=@kubeception/source --import tsx packages/testing/src/kubeception-fakes.ts --dir "$dir/state" --log-level warn "$@" \
    >"$dir/ready" 2>"$dir/log" &
  PIDS+=($!)
  FAKES_PID=$!
  wait_for 60 grep -q '"ready":true' "$dir/ready" || fail "kubeception-fakes did not start: $(tail -5 "$dir/log")"
  FAKES_ENV="$dir/state/env"
  set -a
  # shellcheck source=/dev/null
  . "$FAKES_ENV"
  set +a
}

stop_fakes() {
  kill "$FAKES_PID"
  wait "$FAKES_PID" || true
}

# Runs the entrypoint of operator $2's image as run $1 (a name for this run) with the fakes'
# environment, its kubeconfig mounted read-only, /metrics and the probes on free loopback ports,
# and the arguments that follow; waits until /livez answers.
run_operator() {
  local run="$1" operator="$2" image container entrypoint env=() name ports
  shift 2
  image="$(image_of "$operator")"
  new_container "$run" "$image"
  container="$CONTAINER"
  mkdir -p "$WORK/$run"
  # readable by the image's user only, as a Secret volume with fsGroup would be
  install -m 0400 -o 65532 -g 65532 "$KUBECONFIG" "$WORK/$run/kubeconfig"
  while IFS='=' read -r name _; do
    [ "$name" = KUBECONFIG ] || env+=(-e "$name=${!name}")
  done <"$FAKES_ENV"
  mapfile -t entrypoint < <(entrypoint_of "$image")
  mapfile -t ports < <(free_ports 2)
  PORTS[$run]="${ports[*]}"
  "${BUILDAH[@]}" run --volume "$WORK/$run:/var/run/kubeception:ro" -e KUBECONFIG=/var/run/kubeception/kubeconfig "${env[@]}" "$container" -- \
    "${entrypoint[@]}" --metrics-bind-address="127.0.0.1:${ports[0]}" --health-probe-bind-address="127.0.0.1:${ports[1]}" "$@" >"$WORK/$run.log" 2>&1 &
  RUN_PID[$run]=$!
  PIDS+=($!)
  wait_for 30 curl -fsS "http://127.0.0.1:${ports[1]}/livez" || fail "$run: /livez never answered: $(tail -5 "$WORK/$run.log")"
}

# The conditions of object $1 (in default), for a message.
conditions_of() {
  kubectl get --namespace default "$1" -o jsonpath='{.status.phase}{range .status.conditions[*]}{" "}{.type}={.status}{end}' 2>&1
}

# For run $1: applies the files before `--`, waits until every object after it is Ready (at most
# $READY_TIMEOUT), checks /readyz and /metrics, and records how long it took.
reconcile() {
  local run="$1" files=() objects started object ports metrics
  shift
  while [ "$1" != -- ]; do files+=(-f "$1") && shift; done
  objects=("${@:2}")
  started=$(now_ms)
  kubectl apply "${files[@]}" >/dev/null
  if ! kubectl wait --namespace default --for=condition=Ready --timeout="$READY_TIMEOUT" "${objects[@]}" >/dev/null; then
    for object in "${objects[@]}"; do echo "$object: $(conditions_of "$object")" >&2; done
    fail "$run: not Ready within $READY_TIMEOUT; its log ends: $(tail -5 "$WORK/$run.log")"
  fi
  READY[$run]="${objects[*]} in $(seconds_since "$started")"
  read -ra ports <<<"${PORTS[$run]}"
  curl -fsS "http://127.0.0.1:${ports[1]}/readyz" >/dev/null || fail "$run: /readyz does not answer 200"
  metrics="$(curl -fsS "http://127.0.0.1:${ports[0]}/metrics")" || fail "$run: /metrics does not answer 200"
  grep -q '^controller_runtime_reconcile_total' <<<"$metrics" || fail "$run: /metrics has no controller_runtime_reconcile_total"
}

# The deepest descendant of process $1: the operator's node under buildah's chroot helpers.
leaf_process() {
  local pid="$1" child
  while child="$(pgrep -P "$pid" | head -1)" && [ -n "$child" ]; do pid="$child"; done
  echo "$pid"
}

# Stops run $1 as Kubernetes would: SIGTERM to the operator (buildah does not forward signals),
# which must exit 0 within 30 s.
stop_operator() {
  local run="$1" pid code=0 started
  pid="${RUN_PID[$run]}"
  started=$(now_ms)
  kill -TERM "$(leaf_process "$pid")"
  wait_for 30 eval "! kill -0 $pid" || fail "$run: still running 30 s after SIGTERM"
  wait "$pid" || code=$?
  [ "$code" -eq 0 ] || fail "$run: exit $code after SIGTERM: $(tail -5 "$WORK/$run.log")"
  STOP[$run]="exit 0 in $(seconds_since "$started")"
}

scenario_cert() {
  start_fakes cert
  run_operator cert-operator cert-operator
  reconcile cert-operator "$SAMPLES/cluster-kvm.yaml" "$SAMPLES/certificate-authority.yaml" "$SAMPLES/certificate.yaml" -- \
    certificateauthority/demo certificate/demo-api
  stop_operator cert-operator
  stop_fakes
}

scenario_aws() {
  start_fakes aws
  run_operator aws-pki cert-operator
  run_operator aws-operator aws-operator
  reconcile aws-operator "$SAMPLES/cluster-aws.yaml" -- cluster/prod-eu
  stop_operator aws-operator
  stop_operator aws-pki
  stop_fakes
}

# The guests' API servers listen on the fakes' loopback, not on the VMs' addresses: the operator
# reaches them through the fakes' TLS passthrough, $GUEST_API_DIAL (decision 022).
scenario_kvm() {
  start_fakes kvm --flannel-etcd
  run_operator kvm-operator kvm-operator --with-pki
  reconcile kvm-operator "$SAMPLES/cluster-kvm.yaml" -- cluster/demo
  stop_operator kvm-operator
  stop_fakes
}

print_table() {
  local operator
  printf '%-40s %-30s %-16s %-60s %s\n' image size --help Ready SIGTERM
  for operator in "${OPERATORS[@]}"; do
    printf '%-40s %-30s %-16s %-60s %s\n' "$(image_of "$operator")" "${SIZE[$operator]}" "${HELP[$operator]}" "${READY[$operator]}" "${STOP[$operator]}"
  done
}

started=$(date +%s)
scripts/images/build.sh "$@"
for operator in "${OPERATORS[@]}"; do check_help "$operator"; done
scenario_cert
scenario_aws
scenario_kvm
print_table
echo "images checked in $(($(date +%s) - started)) s"
