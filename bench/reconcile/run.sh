#!/usr/bin/env bash
# Benchmark (not a test) of the Spaceport operator at scale, issue 4 item 8:
#   - apply 1,000 Spaces over 20 namespaces and a mix of hardware flavors; time until every Space
#     has status.stage and its Deployment, Service and Ingress exist (goal <= 30 s);
#   - then, once everything has settled (every Deployment has its pod, and for 15 s neither the
#     operator wrote nor a pod or Deployment changed), count the operator's writes for one minute
#     (goal 0): watch events on Spaces, Deployments, Services, Ingresses and its Events, and the
#     apiserver's write-request counters (which also count no-op and failed writes);
#   - then the operator's heap after a full GC (goal <= 256 MiB) and its RSS.
#
#   bench/reconcile/run.sh            # from anywhere; everything below is done here
#
# It builds the operator from the committed HEAD if that build is not cached yet (in a temporary
# git worktree, never in target/; cached under ~/.cache/spaceport/bench-build/<commit>), starts its
# own local cluster (name `bench`, never the default one), installs crds/ and
# deploy/hardware-flavors.yaml, starts the operator (java -Xmx512m), measures with bench.py (stdlib
# Python, through kubectl proxy on 127.0.0.1), stops the operator and brings the cluster down. It
# stops itself after BENCH_DEADLINE_S (600) seconds. The last line is a one-line summary.
#
# Environment:
#   SPACES (1000), NAMESPACES (20), BENCH_DEADLINE_S (600)
#   SPACEPORT_JAR             use this quarkus-run.jar instead of building HEAD
#   BENCH_EXTRA_SERVICE_CIDR  10.1.0.0/20; empty: none (see below)
#   BENCH_WARMUP              0; N: first create N unmeasured Spaces in namespace bench-warmup, so
#                             the operator's JIT is warm when the 1,000 come
#   BENCH_JFR                 1: profile the operator with JDK Flight Recorder (work dir, operator.jfr)
# The work dir (operator log, result.json, bench.out) is kept and its path printed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
here="$repo/bench/reconcile"
SPACES=${SPACES:-1000}
NAMESPACES=${NAMESPACES:-20}
DEADLINE=${BENCH_DEADLINE_S:-600}
extra_cidr=${BENCH_EXTRA_SERVICE_CIDR-10.1.0.0/20}
# Always our own cluster: never the lead's (SPACEPORT_CLUSTER_NAME from the caller is ignored).
export SPACEPORT_CLUSTER_NAME=bench
unset KUBECONFIG
start=$SECONDS
work=$(mktemp -d /tmp/spaceport-bench.XXXXXX)
operator_pid= proxy_pid= worktree= cluster_started= summary="SUMMARY: benchmark did not finish (see $work)"

say() { echo "bench: $*" >&2; }
left() { local l=$((DEADLINE - (SECONDS - start))); (( l > 5 )) || { say "deadline of ${DEADLINE}s reached"; exit 1; }; echo "$l"; }

stop_pid() {
  local pid=$1 what=$2 i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  say "$what (pid $pid) did not stop in 20s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$operator_pid" operator
  stop_pid "$proxy_pid" "kubectl proxy"
  [[ -n "$watchdog_pid" ]] && kill "$watchdog_pid" 2>/dev/null || true
  if [[ -n "$worktree" ]]; then git -C "$repo" worktree remove --force "$worktree" >/dev/null 2>&1 || true; fi
  if [[ -n "$cluster_started" ]]; then "$repo/cluster/local-cluster" down || true; fi
  say "logs and results in $work; took $((SECONDS - start))s"
  echo "$summary"
  exit "$rc"
}
watchdog_pid=
trap cleanup EXIT
trap 'exit 130' INT TERM
# The watchdog ends the run at the deadline even if a step hangs (cleanup still runs).
# Every long step also runs under `timeout`, since bash runs the trap only once a foreground step ends.
( sleep "$DEADLINE"; echo "bench: deadline of ${DEADLINE}s reached; stopping" >&2; kill -TERM $$ ) &
watchdog_pid=$!

# --- build -------------------------------------------------------------------------------------
commit=$(git -C "$repo" rev-parse HEAD)
if [[ -n "${SPACEPORT_JAR:-}" ]]; then
  jar=$SPACEPORT_JAR
  build="given: $jar"
else
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/spaceport/bench-build/$commit"
  jar="$cache/quarkus-app/quarkus-run.jar"
  if [[ -n "$(git -C "$repo" status --porcelain -- src pom.xml)" ]]; then
    say "note: uncommitted changes under src/ or pom.xml are NOT measured; this builds HEAD $commit"
  fi
  if [[ -f "$jar" ]]; then
    build="cached build of $commit"
  else
    worktree="$work/src"
    say "building HEAD ${commit:0:7} in a temporary worktree"
    git -C "$repo" worktree add --detach "$worktree" "$commit" >/dev/null 2>&1
    t=$SECONDS
    (cd "$worktree" && timeout "$(left)" mvn -B -ntp -q package -DskipTests) >"$work/build.log" 2>&1 \
      || { say "build failed; see $work/build.log"; tail -30 "$work/build.log" >&2; exit 1; }
    mkdir -p "$cache.tmp" && rm -rf "$cache.tmp/quarkus-app" && cp -r "$worktree/target/quarkus-app" "$cache.tmp/"
    rm -rf "$cache" && mv "$cache.tmp" "$cache"
    # One cached build is enough (about 40 MB each): drop the other commits'.
    find "$(dirname "$cache")" -mindepth 1 -maxdepth 1 -type d ! -name "$commit" -exec rm -rf {} +
    git -C "$repo" worktree remove --force "$worktree" && worktree=
    build="built $commit in $((SECONDS - t))s"
  fi
fi
say "operator: $build"

# --- cluster -----------------------------------------------------------------------------------
if "$repo/cluster/local-cluster" status >/dev/null 2>&1; then
  say "a cluster named bench is already running (another run?); stop it with:"
  say "  SPACEPORT_CLUSTER_NAME=bench cluster/local-cluster down"
  exit 1
fi
cluster_started=1
up_out=$(timeout "$(left)" "$repo/cluster/local-cluster" up)
eval "$(grep '^export KUBECONFIG=' <<<"$up_out")"
[[ "${KUBECONFIG:-}" == */spaceport/bench/kubeconfig ]] || { say "no kubeconfig for the bench cluster"; exit 1; }
# The local cluster's Service range is kube-apiserver's default 10.0.0.0/24: 253 ClusterIPs, so
# Services 254..1000 fail with "failed to allocate a serviceIP ... range is full". A second
# ServiceCIDR (networking.k8s.io/v1, Kubernetes >= 1.33) adds room without touching cluster/.
# BENCH_EXTRA_SERVICE_CIDR= (empty) measures the cluster as it is.
if [[ -n "$extra_cidr" ]]; then
  kubectl apply --server-side -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: ServiceCIDR
metadata:
  name: bench-extra
spec:
  cidrs: ["$extra_cidr"]
YAML
  kubectl wait --for=condition=Ready servicecidr/bench-extra --timeout=30s >/dev/null
fi
kubectl apply --server-side -f "$repo/crds/" >/dev/null
kubectl wait --for=condition=Established crd/spaces.spaceport.dev crd/hardwareflavors.spaceport.dev --timeout=60s >/dev/null
kubectl apply --server-side -f "$repo/deploy/hardware-flavors.yaml" >/dev/null
say "cluster up: $(kubectl get nodes --no-headers | wc -l) nodes, $(kubectl get hardwareflavors.spaceport.dev --no-headers | wc -l) flavors, Service CIDRs: $(kubectl get servicecidrs -o jsonpath='{.items[*].spec.cidrs[*]}')"

# --- operator ----------------------------------------------------------------------------------
java_opts=(-Xmx512m -Dquarkus.http.host=127.0.0.1)
# Since the gateway came (481708a) one process runs both roles by default; measure the operator alone.
if git -C "$repo" show "$commit:src/main/java/dev/spaceport/config/SpaceportConfig.java" 2>/dev/null | grep -q 'List<Role> roles()'; then
  java_opts+=(-Dspaceport.roles=operator)
fi
# BENCH_JFR=1 records a CPU profile of the operator (work dir, operator.jfr; `jfr print` reads it).
if [[ -n "${BENCH_JFR:-}" ]]; then java_opts+=("-XX:StartFlightRecording=filename=$work/operator.jfr,settings=profile"); fi
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java "${java_opts[@]}" -Dquarkus.http.port="$http_port" -jar "$jar" >"$work/operator.log" 2>&1 &
operator_pid=$!
t=$SECONDS
until curl -fs "http://127.0.0.1:$http_port/q/health/ready" >/dev/null 2>&1; do
  kill -0 "$operator_pid" 2>/dev/null || { say "operator exited; see $work/operator.log"; tail -30 "$work/operator.log" >&2; exit 1; }
  (( SECONDS - t > 90 )) && { say "operator not ready in 90s; see $work/operator.log"; exit 1; }
  sleep 0.5
done
say "operator ready in $((SECONDS - t))s (pid $operator_pid): java ${java_opts[*]}"

kubectl proxy --address=127.0.0.1 --port=0 >"$work/proxy.log" 2>&1 &
proxy_pid=$!
until proxy_port=$(sed -n 's/^Starting to serve on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/proxy.log") && [[ -n "$proxy_port" ]]; do
  kill -0 "$proxy_pid" 2>/dev/null || { say "kubectl proxy exited: $(cat "$work/proxy.log")"; exit 1; }
  sleep 0.2
done

# --- measure -----------------------------------------------------------------------------------
# Since fdfc924 a Space also owns an EndpointSlice (<space>-gateway); count it where the build has it.
owned=deployment,service,ingress
if git -C "$repo" cat-file -e "$commit:src/main/java/dev/spaceport/operator/SpaceEndpointSliceDependent.java" 2>/dev/null; then
  owned+=,endpointslice
fi
procs=(--proc "kubectl proxy=$proxy_pid")
for f in "${XDG_STATE_HOME:-$HOME/.local/state}/spaceport/bench/kwok/clusters/bench/pids/"*.pid; do
  if [[ -f "$f" ]]; then procs+=(--proc "$(basename "$f" .pid)=$(cat "$f")"); fi
done
# Leaves a minute of the deadline for stopping the operator and the cluster.
timeout -k 10 "$(( $(left) - 60 ))" python3 "$here/bench.py" --proxy-port "$proxy_port" --operator-pid "$operator_pid" \
  --spaces "$SPACES" --namespaces "$NAMESPACES" --warmup "${BENCH_WARMUP:-0}" --owned "$owned" "${procs[@]}" --out "$work/result.json" | tee "$work/bench.out"

# The operator's own complaints while under load.
say "operator log: $(grep -c . "$work/operator.log") lines, $(grep -cE '^\S+ \S+ (ERROR|WARN)' "$work/operator.log" || true) WARN/ERROR"
grep -E '^\S+ \S+ (ERROR|WARN)' "$work/operator.log" | sed -E 's/^\S+ \S+ //; s/[0-9a-f]{8,}/…/g' | cut -c1-220 \
  | sort | uniq -c | sort -rn | head -10 >&2 || true

summary=$(extra_cidr="$extra_cidr" python3 - "$work/result.json" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
def verdict(ok): return "met" if ok else "MISSED"
c = r.get("converge_s")
conv = (f"converge {c:.1f}s / 30s goal = {c/30:.2f}x {verdict(c <= 30)}" if c is not None
        else f"converge: NOT converged (still missing {r.get('converge_missing')})")
w = r["idle_writes_per_min"]
q = r["idle_apiserver_operator_requests"]  # in the idle window, one minute
h = r.get("heap_used_mib")
cidr = os.environ.get("extra_cidr") or "none"
warm = f" after a {r['warmup']['spaces']}-Space warm-up" if r.get("warmup") else " (cold operator)"
print(f"SUMMARY {r['spaces']} Spaces{warm}: {conv} | idle operator writes {w:g}/min seen in watches,"
      f" {q:g}/min operator write requests at the apiserver / 0 goal {verdict(w == 0 and q == 0)}"
      f" | heap after GC {h:.0f} MiB / 256 MiB goal = {h/256:.2f}x {verdict(h <= 256)} (RSS {r['rss_mib']:.0f} MiB)"
      f" | extra ServiceCIDR: {cidr}")
PY
)
