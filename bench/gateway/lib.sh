# Shared by bench/gateway/run.sh and bench/wake/run.sh (sourced, not run).
#
# bench_init DEADLINE_S   work dir, watchdog, cleanup trap (always: app, helpers, worktree, cluster down)
# bench_jar               the application jar of the committed HEAD: cached under
#                         ~/.cache/spaceport/bench-build/<commit>, else built in a temporary git
#                         worktree (never in the checkout's target/); SPACEPORT_JAR overrides
# bench_cluster           its own local cluster (SPACEPORT_CLUSTER_NAME=gwbench), CRDs and flavors
# bench_app ARGS...       the application (operator + gateway) on 127.0.0.1:$GW_PORT, management $MGMT_PORT
# bench_track PID NAME    a process to stop at the end
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export SPACEPORT_CLUSTER_NAME=gwbench
unset KUBECONFIG
GW_PORT=${GW_PORT:-18080}
MGMT_PORT=${MGMT_PORT:-18081}
tracked_pids=() tracked_names=() worktree= cluster_started= watchdog_pid= app_pid= summary=

say() { echo "bench: $*" >&2; }
left() { local l=$((DEADLINE - (SECONDS - bench_start))); (( l > 5 )) || { say "deadline of ${DEADLINE}s reached"; exit 1; }; echo "$l"; }
bench_track() { tracked_pids+=("$1"); tracked_names+=("$2"); }

stop_pid() {
  local pid=$1 what=$2 i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  say "$what (pid $pid) did not stop in 20s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  for ((i = ${#tracked_pids[@]} - 1; i >= 0; i--)); do stop_pid "${tracked_pids[i]}" "${tracked_names[i]}"; done
  [[ -n "$watchdog_pid" ]] && kill "$watchdog_pid" 2>/dev/null || true
  if [[ -n "$worktree" ]]; then git -C "$repo" worktree remove --force "$worktree" >/dev/null 2>&1 || true; fi
  if [[ -n "$cluster_started" ]]; then "$repo/cluster/local-cluster" down >&2 || true; fi
  say "logs in $work; took $((SECONDS - bench_start))s"
  [[ -n "$summary" ]] && echo "$summary"
  exit "$rc"
}

bench_init() {
  DEADLINE=$1
  bench_start=$SECONDS
  work=$(mktemp -d /tmp/spaceport-gwbench.XXXXXX)
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  # Every long step also runs under `timeout`: bash runs the trap only once a foreground step ends.
  ( sleep "$DEADLINE"; echo "bench: deadline of ${DEADLINE}s reached; stopping" >&2; kill -TERM $$ ) &
  watchdog_pid=$!
}

bench_jar() {
  local commit cache t
  if [[ -n "${SPACEPORT_JAR:-}" ]]; then jar=$SPACEPORT_JAR; build="given: $jar"; return; fi
  commit=$(git -C "$repo" rev-parse HEAD)
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/spaceport/bench-build/$commit"
  jar="$cache/quarkus-app/quarkus-run.jar"
  if [[ -n "$(git -C "$repo" status --porcelain -- src pom.xml)" ]]; then
    say "note: uncommitted changes under src/ or pom.xml are NOT measured; this builds HEAD $commit"
  fi
  if [[ -f "$jar" ]]; then build="cached build of $commit"; return; fi
  worktree=/tmp/gw-bench-wt.$$
  say "building HEAD ${commit:0:7} in a temporary worktree $worktree"
  git -C "$repo" worktree add --detach "$worktree" "$commit" >/dev/null 2>&1
  t=$SECONDS
  (cd "$worktree" && timeout "$(left)" mvn -B -ntp -q package -DskipTests) >"$work/build.log" 2>&1 \
    || { say "build failed; see $work/build.log"; tail -30 "$work/build.log" >&2; exit 1; }
  mkdir -p "$cache.tmp" && rm -rf "$cache.tmp/quarkus-app" && cp -r "$worktree/target/quarkus-app" "$cache.tmp/"
  rm -rf "$cache" && mv "$cache.tmp" "$cache"
  git -C "$repo" worktree remove --force "$worktree" && worktree=
  build="built $commit in $((SECONDS - t))s"
}

bench_cluster() {
  local up_out
  if "$repo/cluster/local-cluster" status >/dev/null 2>&1; then
    say "a cluster named gwbench is already running (another run?); stop it with:"
    say "  SPACEPORT_CLUSTER_NAME=gwbench cluster/local-cluster down"
    exit 1
  fi
  cluster_started=1
  up_out=$(timeout "$(left)" "$repo/cluster/local-cluster" up)
  eval "$(grep '^export KUBECONFIG=' <<<"$up_out")"
  [[ "${KUBECONFIG:-}" == */spaceport/gwbench/kubeconfig ]] || { say "no kubeconfig for the gwbench cluster"; exit 1; }
  kubectl apply --server-side --force-conflicts -f "$repo/crds/" >/dev/null
  kubectl wait --for=condition=Established crd/spaces.spaceport.dev crd/hardwareflavors.spaceport.dev --timeout=60s >/dev/null
  kubectl apply --server-side --force-conflicts -f "$repo/deploy/hardware-flavors.yaml" >/dev/null
  say "cluster gwbench up: $(kubectl get nodes --no-headers | wc -l) nodes"
}

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }

bench_app() {
  local p t
  for p in "$GW_PORT" "$MGMT_PORT"; do port_free "$p" || { say "port $p is in use; set GW_PORT/MGMT_PORT"; exit 1; }; done
  app_opts=(-Xmx512m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$MGMT_PORT"
    -Dspaceport.gateway.port="$GW_PORT" -Dspaceport.public-port="$GW_PORT" "$@")
  java "${app_opts[@]}" -jar "$jar" >"$work/app.log" 2>&1 &
  app_pid=$!
  bench_track "$app_pid" "spaceport (operator + gateway)"
  t=$SECONDS
  until curl -fs "http://127.0.0.1:$MGMT_PORT/q/health/ready" >/dev/null 2>&1 && ! port_free "$GW_PORT"; do
    kill -0 "$app_pid" 2>/dev/null || { say "the application exited; see $work/app.log"; tail -30 "$work/app.log" >&2; exit 1; }
    (( SECONDS - t > 90 )) && { say "the application is not ready in 90s; see $work/app.log"; exit 1; }
    sleep 0.5
  done
  say "spaceport ready in $((SECONDS - t))s (pid $app_pid; $build): java ${app_opts[*]}"
}

# A Space in its own namespace; waits for its pod's IP and prints it.
bench_space() {
  local ns=$1 name=$2 extra=${3:-} ip i
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
  for i in $(seq 300); do
    ip=$(kubectl get pods -n "$ns" -l "spaceport.dev/space=$name" -o jsonpath='{.items[0].status.podIP}' 2>/dev/null || true)
    [[ -n "$ip" ]] && { echo "$ip"; return; }
    sleep 0.2
  done
  say "Space $ns/$name has no pod IP after 60s"; kubectl get spaces,deploy,pods -n "$ns" >&2; exit 1
}

machine() {
  echo "$(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/{print $2}') GiB, $(uname -m)"
}
