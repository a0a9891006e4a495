#!/usr/bin/env bash
# Benchmark (not a test) of waking a sleeping Space through the Spaceport gateway, issue 5 item 9:
#   - WAKES (50) times: wait until the Space is SLEEPING with no pod, then time one curl through the
#     gateway until its 200 (curl's time_total); p50/p99 over the wakes. Goals p50 <= 0.3 s, p99 <= 1 s.
#   - then, asleep again, CONCURRENT (1000) requests at once: all must be 200, none lost.
# kwok's pod stages have zero delay (cluster/local-cluster); the Space sleeps after SLEEP_TIME (3s)
# and the gateway flushes activity every second. bench/wake/wake.py serves a stand-in app at the
# pod's IP:7860 from the moment the pod has an IP (API watch), before kwok marks it Ready.
#
#   bench/wake/run.sh            # from anywhere; builds, starts and stops everything itself
#   bench/wake/run.sh --help     # this text
#
# Committed HEAD's build (cached in ~/.cache/spaceport/bench-build/<commit>, else built in a
# temporary git worktree), its own local cluster (SPACEPORT_CLUSTER_NAME=gwbench), the app on
# 127.0.0.1:18080 (gateway) and :18081 (management); all stopped at the end. Only loopback traffic.
# Environment: WAKES, CONCURRENT, SLEEP_TIME, BENCH_DEADLINE_S (900), GW_PORT, MGMT_PORT, SPACEPORT_JAR.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_args "$@"
WAKES=${WAKES:-50}
CONCURRENT=${CONCURRENT:-1000}
SLEEP_TIME=${SLEEP_TIME:-3s}

bench_init gwbench "${BENCH_DEADLINE_S:-900}"
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
bench_jar
bench_cluster
bench_app -Dspaceport.gateway.activity-flush-interval=1s

ns=wakebench name=sleepy
bench_space "$ns" "$name" "  sleepTime: $SLEEP_TIME" >/dev/null

timeout -k 10 "$(( $(left) - 30 ))" python3 "$repo/bench/wake/wake.py" --namespace "$ns" --space "$name" \
  --gateway "127.0.0.1:$GW_PORT" --wakes "$WAKES" --concurrent "$CONCURRENT" --out "$work/result.json" &
driver=$!
bench_track "$driver" "wake.py"
wait "$driver"

# The gateway's own wake-duration timer (wake request → Ready pod seen by its informer).
curl -fs "http://127.0.0.1:$MGMT_PORT/q/metrics" | grep -E '^spaceport_gateway_(wake_duration_seconds_(count|sum|max)|wakes_total|requests_seconds_count)' >"$work/metrics.txt" || true

echo "Wake benchmark: $WAKES wakes of $ns/$name (sleepTime $SLEEP_TIME, activity flush 1s, kwok stages 0 delay), then $CONCURRENT concurrent requests at it asleep"
echo "machine: $(machine); gateway: java ${app_opts[*]}"
sed 's/^/  /' "$work/metrics.txt"
summary=$(python3 - "$work/result.json" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))
w = r["wakes"]
def pct(values, q):
    s = sorted(values)
    return s[max(0, min(len(s) - 1, -(-q * len(s) // 100) - 1))]
ok = [x for x in w if x["code"] == 200]
secs = [x["seconds"] for x in ok]
def row(name, key):
    v = [x[key] for x in ok if x.get(key) is not None]
    if not v:
        return f"  {name:44} n/a"
    return f"  {name:44} p50 {pct(v, 50):6.3f}  p99 {pct(v, 99):6.3f}  min {min(v):6.3f}  max {max(v):6.3f}  (n={len(v)})"
print(f"wakes: {len(w)}, answered 200: {len(ok)}, other: {sorted(set(x['code'] for x in w if x['code'] != 200))}")
print("seconds after the request was sent:")
print(row("pod IP seen by the bench's watch", "ip_after"))
print(row("stand-in app listening at the pod IP", "listening_after"))
print(row("pod Ready seen by the bench's watch", "ready_after"))
print(row("200 response read (curl time_total)", "seconds"))
print(row("status.lastWake.seconds (operator)", "lastWake_seconds"))
late = sum(1 for x in ok if x["listening_after"] is None or (x["ready_after"] is not None and x["listening_after"] > x["ready_after"]))
print(f"app listening only after Ready was seen: {late} of {len(ok)}; bind errors: {r.get('bind_errors')}")
c = r.get("concurrent") or {}
if c:
    print(f"{c['n']} concurrent requests at the sleeping Space: by status {c['counts']}, all answered in {c['wall_s']:.2f}s "
          f"(median {c['p50_s']:.3f}s, max {c['max_s']:.3f}s), pods started {c['pods_started']}, status.lastWake.seconds {c['lastWake_seconds']}")
p50, p99 = (pct(secs, 50), pct(secs, 99)) if secs else (float("nan"), float("nan"))
good = c.get("counts", {}).get("200", 0)
all_ok = len(ok) == len(w)
print(f"RATIOS wake p50 {p50:.3f}s / 0.3 s = {p50/0.3:.2f}x {'met' if p50 <= 0.3 and all_ok else 'MISSED'}"
      f" | p99 {p99:.3f}s / 1 s = {p99:.2f}x {'met' if p99 <= 1 and all_ok else 'MISSED'}"
      f" ({len(ok)}/{len(w)} wakes 200)"
      f" | concurrent {good}/{c.get('n', 0)} OK {'met' if c and good == c['n'] else 'MISSED'}")
PY
)
