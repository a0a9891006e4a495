# shellcheck shell=bash
# Shared by bench/gateway/run.sh, bench/wake/run.sh and bench/reconcile/run.sh; sourced, not run:
#   source "$(dirname "$0")/../lib.sh"
#
# bench_args "$@"            -h/--help prints the bench's header comment; the benches take no other
#                            arguments (their settings come from the environment)
# bench_init NAME DEADLINE_S its own local cluster (SPACEPORT_CLUSTER_NAME=NAME, never the caller's),
#                            a work dir $work (/tmp/spaceport-NAME.XXXXXX, kept), a watchdog that stops
#                            the run after DEADLINE_S, and the cleanup trap (always: the tracked
#                            processes, last started first, the build worktree, the cluster down; then
#                            the work dir's path and $summary, when set)
# bench_jar [--prune]        $jar, the application of the committed HEAD ($commit): cached under
#                            ~/.cache/spaceport/bench-build/<commit>, else built in a temporary git
#                            worktree (never in the checkout's target/); SPACEPORT_JAR overrides.
#                            --prune: after a build, drop the other commits' cached builds (~40 MB each)
# bench_cluster              the local cluster NAME up, then crds/ and deploy/hardware-flavors.yaml
# bench_java NAME LOG READY ARGS...
#                            java ARGS -jar $jar in the background ($java_pid, stopped at the end),
#                            until the function READY succeeds (90 s at most)
# bench_app ARGS...          the application (operator + gateway) on 127.0.0.1:$GW_PORT, management
#                            $MGMT_PORT ($app_pid; its JVM options in $app_opts)
# bench_space NS NAME [SPEC] a Space in its own namespace (SPEC: more lines of its spec); prints its pod IP
# bench_track PID NAME       a process to stop at the end
# say MSG, left (seconds to the deadline), port_free PORT, health_ready PORT, machine (one line)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
unset KUBECONFIG
tracked_pids=() tracked_names=() worktree='' cluster_started='' watchdog_pid='' summary=''

say() { echo "bench: $*" >&2; }
left() { local l=$((DEADLINE - (SECONDS - bench_start))); (( l > 5 )) || { say "deadline of ${DEADLINE}s reached"; exit 1; }; echo "$l"; }
bench_track() { tracked_pids+=("$1"); tracked_names+=("$2"); }
port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }
health_ready() { curl -fs "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1; }
machine() {
  echo "$(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/{print $2}') GiB, $(uname -m)"
}

bench_args() {
  case "${1:-}" in
    '') return ;;
    -h|--help) sed -n '2,/^[^#]/{/^# shellcheck /d; /^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "usage: $0 [--help]; settings come from the environment (see --help)" >&2; exit 2 ;;
  esac
}

stop_pid() {
  local pid=$1 what=$2 _
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  say "$what (pid $pid) did not stop in 20s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local rc=$? i sleep_pid
  trap - EXIT INT TERM
  for ((i = ${#tracked_pids[@]} - 1; i >= 0; i--)); do stop_pid "${tracked_pids[i]}" "${tracked_names[i]}"; done
  if [[ -n "$watchdog_pid" ]]; then
    sleep_pid=$(pgrep -P "$watchdog_pid" || true)  # the watchdog's sleep, stopped once the watchdog is
    kill "$watchdog_pid" 2>/dev/null || true
    if [[ -n "$sleep_pid" ]]; then kill "$sleep_pid" 2>/dev/null || true; fi
  fi
  if [[ -n "$worktree" ]]; then git -C "$repo" worktree remove --force "$worktree" >/dev/null 2>&1 || true; fi
  if [[ -n "$cluster_started" ]]; then "$repo/cluster/local-cluster" down >&2 || true; fi
  say "logs and results in $work; took $((SECONDS - bench_start))s"
  if [[ -n "$summary" ]]; then echo "$summary"; fi
  exit "$rc"
}

bench_init() {
  export SPACEPORT_CLUSTER_NAME=$1
  DEADLINE=$2
  bench_start=$SECONDS
  work=$(mktemp -d "/tmp/spaceport-$SPACEPORT_CLUSTER_NAME.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  # The watchdog ends the run at the deadline even if a step hangs (the cleanup still runs). Every
  # long step also runs under `timeout`: bash runs the trap only once a foreground step ends. The
  # cleanup stops the watchdog and then its sleep, which would otherwise outlive the run.
  ( sleep "$DEADLINE" && { echo "bench: deadline of ${DEADLINE}s reached; stopping" >&2; kill -TERM $$; } ) &
  watchdog_pid=$!
}

# shellcheck disable=SC2120  # its one option is optional
bench_jar() {
  local cache t
  commit=$(git -C "$repo" rev-parse HEAD)
  if [[ -n "${SPACEPORT_JAR:-}" ]]; then jar=$SPACEPORT_JAR; build="given: $jar"; return; fi
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/spaceport/bench-build/$commit"
  jar="$cache/quarkus-app/quarkus-run.jar"
  if [[ -n "$(git -C "$repo" status --porcelain -- src pom.xml)" ]]; then
    say "note: uncommitted changes under src/ or pom.xml are NOT measured; this builds HEAD $commit"
  fi
  if [[ -f "$jar" ]]; then build="cached build of $commit"; return; fi
  worktree="$work/src"
  say "building HEAD ${commit:0:7} in a temporary worktree $worktree"
  git -C "$repo" worktree add --detach "$worktree" "$commit" >/dev/null 2>&1
  t=$SECONDS
  (cd "$worktree" && timeout "$(left)" mvn -B -ntp -q package -DskipTests) >"$work/build.log" 2>&1 \
    || { say "build failed; see $work/build.log"; tail -30 "$work/build.log" >&2; exit 1; }
  mkdir -p "$cache.tmp" && rm -rf "$cache.tmp/quarkus-app" && cp -r "$worktree/target/quarkus-app" "$cache.tmp/"
  rm -rf "$cache" && mv "$cache.tmp" "$cache"
  if [[ "${1:-}" == --prune ]]; then
    find "$(dirname "$cache")" -mindepth 1 -maxdepth 1 -type d ! -name "$commit" -exec rm -rf {} +
  fi
  git -C "$repo" worktree remove --force "$worktree" && worktree=''
  build="built $commit in $((SECONDS - t))s"
}

bench_cluster() {
  local name=$SPACEPORT_CLUSTER_NAME up_out
  if "$repo/cluster/local-cluster" status >/dev/null 2>&1; then
    say "a cluster named $name is already running (another run?); stop it with:"
    say "  SPACEPORT_CLUSTER_NAME=$name cluster/local-cluster down"
    exit 1
  fi
  cluster_started=1
  up_out=$(timeout "$(left)" "$repo/cluster/local-cluster" up)
  eval "$(grep '^export KUBECONFIG=' <<<"$up_out")"
  [[ "${KUBECONFIG:-}" == */spaceport/"$name"/kubeconfig ]] || { say "no kubeconfig for the $name cluster"; exit 1; }
  kubectl apply --server-side --force-conflicts -f "$repo/crds/" >/dev/null
  kubectl wait --for=condition=Established crd/spaces.spaceport.dev crd/hardwareflavors.spaceport.dev --timeout=60s >/dev/null
  kubectl apply --server-side --force-conflicts -f "$repo/deploy/hardware-flavors.yaml" >/dev/null
  say "cluster $name up: $(kubectl get nodes --no-headers | wc -l) nodes, $(kubectl get hardwareflavors.spaceport.dev --no-headers | wc -l) flavors"
}

bench_java() {
  local name=$1 log=$2 ready=$3 t
  shift 3
  java "$@" -jar "$jar" >"$log" 2>&1 &
  java_pid=$!
  bench_track "$java_pid" "$name"
  t=$SECONDS
  until "$ready"; do
    kill -0 "$java_pid" 2>/dev/null || { say "$name exited; see $log"; tail -30 "$log" >&2; exit 1; }
    (( SECONDS - t > 90 )) && { say "$name is not ready in 90s; see $log"; exit 1; }
    sleep 0.5
  done
  say "$name ready in $((SECONDS - t))s (pid $java_pid; $build): java $*"
}

GW_PORT=${GW_PORT:-18080}
MGMT_PORT=${MGMT_PORT:-18081}
app_ready() { health_ready "$MGMT_PORT" && ! port_free "$GW_PORT"; }
bench_app() {
  local p
  for p in "$GW_PORT" "$MGMT_PORT"; do port_free "$p" || { say "port $p is in use; set GW_PORT/MGMT_PORT"; exit 1; }; done
  app_opts=(-Xmx512m -Dspaceport.roles=operator,gateway -Dquarkus.http.host-enabled=false
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$MGMT_PORT"
    -Dspaceport.gateway.port="$GW_PORT" -Dspaceport.public-port="$GW_PORT" "$@")
  bench_java "spaceport (operator + gateway)" "$work/app.log" app_ready "${app_opts[@]}"
  # shellcheck disable=SC2034  # for the benches
  app_pid=$java_pid
}

bench_space() {
  local ns=$1 name=$2 extra=${3:-} ip _
  kubectl create namespace "$ns" >/dev/null
  kubectl apply -n "$ns" -f - >/dev/null <<YAML
apiVersion: spaceport.dev/v1alpha1
kind: Space
metadata:
  name: $name
spec:
  sdk: gradio
  source:
    image: ghcr.io/spaceport-dev/hello-gradio:0.1.0
$extra
YAML
  for _ in $(seq 300); do
    ip=$(kubectl get pods -n "$ns" -l "spaceport.dev/space=$name" -o jsonpath='{.items[0].status.podIP}' 2>/dev/null || true)
    [[ -n "$ip" ]] && { echo "$ip"; return; }
    sleep 0.2
  done
  say "Space $ns/$name has no pod IP after 60s"; kubectl get spaces,deploy,pods -n "$ns" >&2; exit 1
}
