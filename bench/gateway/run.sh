#!/usr/bin/env bash
# Benchmark (not a test) of the Spaceport gateway's proxy path, issue 5 item 9:
# wrk, in one run, against the same backend (nginx serving a small file and a 64 KiB file at a
# Space's pod IP:7860):
#   direct   wrk → pod IP:7860
#   nginx    wrk → nginx reverse proxy on 127.0.0.1 (upstream keepalive, proxy_http_version 1.1,
#            proxy_buffering off, X-Forwarded-* set, as the gateway does) → pod IP:7860
#   gateway  wrk → Spaceport gateway 127.0.0.1:$GW_PORT with the Space's Host header → pod IP:7860
# Same wrk settings for all (WRK_THREADS 2, WRK_CONNECTIONS 50, WRK_DURATION 10s). Each target
# first gets a WARMUP 30s run that is not counted: the gateway's JVM needs about 20 s of load before
# its JIT has compiled the request path (5 s runs in a row: 16k, 32k, 39k, 44k, 43k, 45k req/s).
# Then ROUNDS (3) rounds, each measuring direct, nginx and gateway one after another, so a
# disturbance on the machine hits every target alike; figures are the median of the rounds.
# The gateway runs with the chart's gateway.javaOpts (helm/spaceport/values.yaml), as it is shipped.
# Goals: gateway >= 0.9x nginx req/s, gateway p99 <= 1.5x nginx p99. The last line gives the ratios.
#
#   bench/gateway/run.sh            # from anywhere; builds, starts and stops everything itself
#   bench/gateway/run.sh --help     # this text
#
# It uses the committed HEAD's build (cached in ~/.cache/spaceport/bench-build/<commit>, else built
# in a temporary git worktree), its own local cluster (SPACEPORT_CLUSTER_NAME=gwbench), the app on
# 127.0.0.1:18080 (gateway) and :18081 (management), nginx on 127.0.0.1:18090; all stopped at the
# end. Only loopback traffic. Installs wrk and nginx with apt-get when missing.
# Environment: WRK_THREADS, WRK_CONNECTIONS, WRK_DURATION, WARMUP, ROUNDS, NGINX_PROXY_WORKERS (auto),
# GW_PORT, MGMT_PORT, NGINX_PORT, SPACEPORT_JAR, GATEWAY_JAVA_OPTS, BENCH_JFR=1 (profile the app during the gateway
# runs; the hottest frames are printed).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_args "$@"
THREADS=${WRK_THREADS:-2}
CONNS=${WRK_CONNECTIONS:-50}
DURATION=${WRK_DURATION:-10s}
WARMUP=${WARMUP:-30s}
ROUNDS=${ROUNDS:-3}
NGINX_PORT=${NGINX_PORT:-18090}
PROXY_WORKERS=${NGINX_PROXY_WORKERS:-auto}

bench_init gwbench "${BENCH_DEADLINE_S:-720}"

for tool in wrk nginx; do
  if ! command -v "$tool" >/dev/null && [[ ! -x /usr/sbin/$tool ]]; then
    say "installing $tool (apt-get)"
    timeout 300 apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq "$tool" >/dev/null
  fi
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
port_free "$NGINX_PORT" || { say "port $NGINX_PORT is in use; set NGINX_PORT"; exit 1; }

bench_jar
bench_cluster
jfr_opt=()
[[ -n "${BENCH_JFR:-}" ]] && jfr_opt=("-XX:StartFlightRecording=filename=$work/app.jfr,settings=profile")
# The chart's JVM options for the gateway (its -XX:MaxRAMPercentage yields to the bench's -Xmx), then
# GATEWAY_JAVA_OPTS, e.g. a GC to compare (both word-split on purpose).
chart_opts=$(awk '/^gateway:/ {g = 1} g && /^  javaOpts:/ {sub(/^  javaOpts: */, ""); gsub(/"/, ""); print; exit}' "$repo/helm/spaceport/values.yaml")
[[ -n "$chart_opts" ]] || { say "no gateway.javaOpts in helm/spaceport/values.yaml"; exit 1; }
# shellcheck disable=SC2086
bench_app "${jfr_opt[@]}" $chart_opts ${GATEWAY_JAVA_OPTS:-}

ns=gwbench host="gwbench-echo.spaces.localhost"
ip=$(bench_space "$ns" echo "  sleepTime: never")
[[ "$ip" == 127.* ]] || { say "pod IP $ip is not loopback"; exit 1; }
ss -Hltn "src $ip and sport = :7860" | grep -q . && { say "$ip:7860 is already bound (another cluster's pod app?)"; exit 1; }

# --- nginx: the backend at the pod's IP, and the reverse proxy ----------------------------------
mkdir -p "$work/www" "$work/nginx-backend" "$work/nginx-proxy"
chmod 755 "$work" "$work/www"  # nginx workers run as nobody when started by root
printf 'hello from the bench backend\n' >"$work/www/small.txt"
python3 -c 'import sys; sys.stdout.write(("".join(chr(97 + (i * 7) % 26) for i in range(63)) + "\n") * 1024)' >"$work/www/64k.txt"
common="pid PID; error_log ERR warn; daemon off; events { worker_connections 4096; }"
cat >"$work/nginx-backend/nginx.conf" <<EOF
${common//PID/$work/nginx-backend/nginx.pid}
worker_processes 1;
http {
  client_body_temp_path $work/nginx-backend; proxy_temp_path $work/nginx-backend;
  fastcgi_temp_path $work/nginx-backend; uwsgi_temp_path $work/nginx-backend; scgi_temp_path $work/nginx-backend;
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000; keepalive_timeout 75s;
  default_type text/plain;
  server { listen $ip:7860; root $work/www; }
}
EOF
sed -i "s#ERR#$work/nginx-backend/error.log#" "$work/nginx-backend/nginx.conf"
cat >"$work/nginx-proxy/nginx.conf" <<EOF
${common//PID/$work/nginx-proxy/nginx.pid}
worker_processes $PROXY_WORKERS;
http {
  client_body_temp_path $work/nginx-proxy; proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-proxy; uwsgi_temp_path $work/nginx-proxy; scgi_temp_path $work/nginx-proxy;
  access_log off; keepalive_requests 1000000; keepalive_timeout 75s;
  upstream space { server $ip:7860; keepalive 256; keepalive_requests 1000000; keepalive_timeout 60s; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://space;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-Host \$host;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_buffering off;
      proxy_read_timeout 3600s; proxy_send_timeout 3600s;
    }
  }
}
EOF
sed -i "s#ERR#$work/nginx-proxy/error.log#" "$work/nginx-proxy/nginx.conf"
for n in backend proxy; do
  "$NGINX" -p "$work/nginx-$n" -c "$work/nginx-$n/nginx.conf" -e "$work/nginx-$n/error.log" >"$work/nginx-$n/out.log" 2>&1 &
  bench_track $! "nginx $n"
done
for url in "http://$ip:7860/small.txt" "http://127.0.0.1:$NGINX_PORT/small.txt" "http://127.0.0.1:$GW_PORT/small.txt"; do
  for i in $(seq 50); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $host" "$url" || true)" == 200 ]] && break
    (( i == 50 )) && { say "$url does not answer 200"; cat "$work"/nginx-*/error.log >&2; exit 1; }
    sleep 0.2
  done
done
[[ "$(curl -s -H "Host: $host" "http://127.0.0.1:$GW_PORT/64k.txt" | wc -c)" == 65536 ]] || { say "64k.txt through the gateway is not 65536 bytes"; exit 1; }
say "backend nginx at $ip:7860, proxy nginx at 127.0.0.1:$NGINX_PORT (worker_processes $PROXY_WORKERS), gateway at 127.0.0.1:$GW_PORT"

# --- wrk ---------------------------------------------------------------------------------------
run_wrk() { # label size url seconds
  local out="$work/wrk-$1-$2.txt"
  timeout $(( $(left) < 60 ? $(left) : 60 )) wrk -t"$THREADS" -c"$CONNS" -d"$4" --latency -H "Host: $host" "$3" >"$out" 2>&1
  echo "$out"
}
declare -A url=([direct]="http://$ip:7860" [nginx]="http://127.0.0.1:$NGINX_PORT" [gateway]="http://127.0.0.1:$GW_PORT")
results="$work/results.tsv"
: >"$results"
for size in small 64k; do
  for target in direct nginx gateway; do
    run_wrk "$target-warmup" "$size" "${url[$target]}/$size.txt" "$WARMUP" >/dev/null
  done
  for round in $(seq "$ROUNDS"); do
    for target in direct nginx gateway; do
      f=$(run_wrk "$target-$round" "$size" "${url[$target]}/$size.txt" "$DURATION")
      python3 - "$target" "$size" "$round" "$f" >>"$results" <<'PY'
import re, sys
target, size, round_, path = sys.argv[1:]
text = open(path).read()
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
def pct(p):
    m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    return ms(*m.groups()) if m else float("nan")
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors = re.search(r"Socket errors: (.*)", text)
print("\t".join([target, size, round_, rps.group(1) if rps else "nan", f"{pct(50):.3f}", f"{pct(99):.3f}",
                 non2xx.group(1) if non2xx else "0", (errors.group(1).strip() if errors else "none")]))
PY
      say "$(tail -1 "$results")"
    done
  done
done

# The gateway's own view: 5xx it answered, and the process's CPU time.
app_cpu=$(awk '{print ($14+$15)/100}' "/proc/$app_pid/stat")
say "gateway JVM CPU time so far: ${app_cpu}s; app log WARN/ERROR lines: $(grep -cE ' (WARN|ERROR) ' "$work/app.log" || true)"

echo "Gateway benchmark: wrk -t$THREADS -c$CONNS -d$DURATION --latency, $ROUNDS rounds after a $WARMUP warm-up per target, medians; Host: $host"
echo "machine: $(machine); backend nginx worker_processes 1, proxy nginx worker_processes $PROXY_WORKERS; gateway: java ${app_opts[*]}"
summary=$(python3 - "$results" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
runs = {}
for t, s, rnd, rps, p50, p99, n, err in rows:
    runs.setdefault((t, s), []).append((float(rps), float(p50), float(p99), int(n), err))
def med(t, s, i):
    return statistics.median(r[i] for r in runs[(t, s)])
print(f"{'size':6} {'target':8} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  per round (req/s, p99 ms); socket errors")
for s in ("small", "64k"):
    for t in ("direct", "nginx", "gateway"):
        rounds = " ".join(f"{r[0]:.0f}/{r[2]:.2f}" for r in runs[(t, s)])
        errors = sorted({r[4] for r in runs[(t, s)]})
        print(f"{s:6} {t:8} {med(t, s, 0):10.0f} {med(t, s, 1):8.2f} {med(t, s, 2):8.2f} "
              f"{sum(r[3] for r in runs[(t, s)]):8d}  {rounds}; {', '.join(errors)}")
parts, ok = [], True
for s in ("small", "64k"):
    rr, pr = med("gateway", s, 0) / med("nginx", s, 0), med("gateway", s, 2) / med("nginx", s, 2)
    per_round = " ".join(f"{g[0] / n[0]:.2f}/{g[2] / n[2]:.2f}" for g, n in zip(runs[("gateway", s)], runs[("nginx", s)]))
    good = rr >= 0.9 and pr <= 1.5 and sum(r[3] for r in runs[("gateway", s)]) == 0
    ok &= good
    print(f"{s}: gateway/nginx per round (req/s, p99): {per_round}")
    parts.append(f"{s}: req/s {rr:.2f}x nginx (goal >= 0.9) p99 {pr:.2f}x nginx (goal <= 1.5) {'met' if good else 'MISSED'}")
print("RATIOS gateway vs nginx (medians): " + " | ".join(parts) + f" | overall {'met' if ok else 'MISSED'}")
PY
)
if [[ -n "${BENCH_JFR:-}" ]]; then
  jcmd "$app_pid" JFR.dump filename="$work/app.jfr" >/dev/null 2>&1 || true
  if [[ -f "$work/app.jfr" ]]; then
    say "hottest top frames in the gateway JVM (JFR execution samples):"
    jfr print --events jdk.ExecutionSample --stack-depth 1 "$work/app.jfr" \
      | sed -n 's/^\s*\([a-zA-Z].*\)line:.*/\1/p' | sort | uniq -c | sort -rn | head -25 >&2 || true
  fi
fi
