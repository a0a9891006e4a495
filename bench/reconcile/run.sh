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
#   bench/reconcile/run.sh --help     # this text
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
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_args "$@"
SPACES=${SPACES:-1000}
NAMESPACES=${NAMESPACES:-20}
extra_cidr=${BENCH_EXTRA_SERVICE_CIDR-10.1.0.0/20}

# Always our own cluster: never the lead's (SPACEPORT_CLUSTER_NAME from the caller is ignored).
bench_init bench "${BENCH_DEADLINE_S:-600}"
summary="SUMMARY: benchmark did not finish (see $work)"

# --- build -------------------------------------------------------------------------------------
# One cached build is enough (about 40 MB each): --prune drops the other commits'.
bench_jar --prune
say "operator: $build"

# --- cluster -----------------------------------------------------------------------------------
bench_cluster
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
say "Service CIDRs: $(kubectl get servicecidrs -o jsonpath='{.items[*].spec.cidrs[*]}')"

# --- operator ----------------------------------------------------------------------------------
java_opts=(-Xmx512m -Dquarkus.http.host=127.0.0.1)
# Since the gateway came (481708a) one process runs both roles by default; measure the operator alone.
if git -C "$repo" show "$commit:src/main/java/dev/spaceport/config/SpaceportConfig.java" 2>/dev/null | grep -q 'List<Role> roles()'; then
  java_opts+=(-Dspaceport.roles=operator)
fi
# BENCH_JFR=1 records a CPU profile of the operator (work dir, operator.jfr; `jfr print` reads it).
if [[ -n "${BENCH_JFR:-}" ]]; then java_opts+=("-XX:StartFlightRecording=filename=$work/operator.jfr,settings=profile"); fi
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
operator_ready() { health_ready "$http_port"; }
bench_java operator "$work/operator.log" operator_ready "${java_opts[@]}" -Dquarkus.http.port="$http_port"
operator_pid=$java_pid

kubectl proxy --address=127.0.0.1 --port=0 >"$work/proxy.log" 2>&1 &
proxy_pid=$!
bench_track "$proxy_pid" "kubectl proxy"
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
for f in "${XDG_STATE_HOME:-$HOME/.local/state}/spaceport/$SPACEPORT_CLUSTER_NAME/kwok/clusters/$SPACEPORT_CLUSTER_NAME/pids/"*.pid; do
  if [[ -f "$f" ]]; then procs+=(--proc "$(basename "$f" .pid)=$(cat "$f")"); fi
done
# Leaves a minute of the deadline for stopping the operator and the cluster.
timeout -k 10 "$(( $(left) - 60 ))" python3 "$repo/bench/reconcile/bench.py" --proxy-port "$proxy_port" --operator-pid "$operator_pid" \
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
