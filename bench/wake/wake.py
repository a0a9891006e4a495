#!/usr/bin/env python3
"""Wake benchmark driver (bench/wake/run.sh starts it; stdlib only).

- A pod watcher (`kubectl get pods -w --output-watch-events`, i.e. the API watch) starts a tiny
  HTTP/1.1 keep-alive server at the pod's IP:appPort the moment the pod has an IP (kwok's pod-create
  stage; Ready comes in a separate, later pod-ready stage), and stops it when the pod goes. So the
  app is listening before the pod is Ready, as a real app that passes its readiness probe would be.
  It records, per pod, when its IP and its Readiness were seen and when the server listened.
- WAKES times: wait until the Space is SLEEPING with no pod (plus SETTLE s), then one
  `curl` through the gateway (Accept: */*, so the request is held, not given the waking page),
  timed by curl's time_total until the 200 response is read.
- Then once more asleep, CONCURRENT requests at once (asyncio, raw HTTP/1.1, one connection each,
  all connected first, then all sent), counted by status code.
Writes result JSON to --out and prints a summary.
"""
import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import threading
import time

p = argparse.ArgumentParser()
p.add_argument("--namespace", required=True)
p.add_argument("--space", required=True)
p.add_argument("--gateway", required=True, help="host:port")
p.add_argument("--wakes", type=int, default=50)
p.add_argument("--concurrent", type=int, default=1000)
p.add_argument("--settle", type=float, default=0.5)
p.add_argument("--sleep-wait", type=float, default=60)
p.add_argument("--out", required=True)
args = p.parse_args()
host = f"{args.namespace}-{args.space}.spaces.localhost"
gw_host, gw_port = args.gateway.rsplit(":", 1)


def log(msg):
    print(f"wake: {msg}", file=sys.stderr, flush=True)


# --- the stand-in app, one per pod ---------------------------------------------------------------
BODY = b"hello from the wake bench\n"
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + str(len(BODY)).encode()
            + b"\r\n\r\n" + BODY)


async def serve_conn(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


loop = asyncio.new_event_loop()
threading.Thread(target=loop.run_forever, daemon=True).start()
servers = {}   # pod -> asyncio server
pods = {}      # pod -> {"ip", "ip_seen", "listening", "ready_seen", "deleted_seen"}
pods_lock = threading.Lock()
bind_errors = []


def start_server(pod, ip, port):
    async def go():
        return await asyncio.start_server(serve_conn, ip, port, reuse_address=True, backlog=2048)
    try:
        servers[pod] = asyncio.run_coroutine_threadsafe(go(), loop).result(5)
        return time.time()
    except Exception as e:  # noqa: BLE001
        bind_errors.append(f"{pod} {ip}:{port}: {e}")
        log(f"could not serve {pod} at {ip}:{port}: {e}")
        return None


def stop_server(pod):
    server = servers.pop(pod, None)
    if server:
        loop.call_soon_threadsafe(server.close)


def watch():
    template = ('{.type}{" "}{.object.metadata.name}{" "}{.object.status.podIP}{" "}'
                '{.object.metadata.deletionTimestamp}{" "}'
                '{.object.status.conditions[?(@.type=="Ready")].status}{" "}'
                '{.object.spec.containers[0].ports[0].containerPort}{"\\n"}')
    while True:
        proc = subprocess.Popen(["kubectl", "get", "pods", "-n", args.namespace, "-l", f"spaceport.dev/space={args.space}",
                                 "-w", "--output-watch-events", "-o", f"jsonpath={template}"],
                                stdout=subprocess.PIPE, text=True, bufsize=1)
        for line in proc.stdout:
            now = time.time()
            f = line.split(" ")
            if len(f) < 6:
                continue
            kind, pod, ip, deleting, ready, port = (x.strip() for x in f[:6])
            with pods_lock:
                rec = pods.setdefault(pod, {"ip": None, "ip_seen": None, "listening": None, "ready_seen": None,
                                            "deleted_seen": None})
                if kind == "DELETED" or deleting:
                    if rec["deleted_seen"] is None:
                        rec["deleted_seen"] = now
                    stop_server(pod)
                    continue
                if ip and rec["ip"] is None and ip.startswith("127."):
                    rec["ip"], rec["ip_seen"] = ip, now
                    rec["listening"] = start_server(pod, ip, int(port or 7860))
                if ready == "True" and rec["ready_seen"] is None:
                    rec["ready_seen"] = now
        proc.wait()
        log("kubectl watch ended; restarting it")


threading.Thread(target=watch, daemon=True).start()


def kubectl(*a):
    return subprocess.run(["kubectl", *a], capture_output=True, text=True, timeout=30).stdout


def space_status():
    out = kubectl("get", "space", "-n", args.namespace, args.space, "-o", "json")
    return json.loads(out).get("status", {}) if out else {}


def live_pods():
    with pods_lock:
        return [n for n, r in pods.items() if r["deleted_seen"] is None and r["ip"]]


def wait_asleep():
    deadline = time.time() + args.sleep_wait
    while time.time() < deadline:
        st = space_status()
        if st.get("stage") == "SLEEPING" and not live_pods() and not kubectl(
                "get", "pods", "-n", args.namespace, "-l", f"spaceport.dev/space={args.space}", "-o", "name").strip():
            time.sleep(args.settle)
            return st
        time.sleep(0.2)
    raise SystemExit(f"the Space did not fall asleep within {args.sleep_wait}s: {space_status()}")


def pct(values, q):
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, min(len(s) - 1, -(-q * len(s) // 100) - 1))]


results = {"wakes": [], "host": host}
for i in range(args.wakes):
    wait_asleep()
    before = set(pods)
    t0 = time.time()
    cp = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "--max-time", "60",
                         "-H", f"Host: {host}", "-H", "Accept: */*", f"http://{args.gateway}/"],
                        capture_output=True, text=True)
    code, total = cp.stdout.split()
    new = [n for n in pods if n not in before]
    rec = dict(pods[new[0]]) if new else {}
    lw = (space_status().get("lastWake") or {})
    w = {"i": i, "code": int(code), "seconds": float(total), "t0": t0, "pod": new[0] if new else None,
         "ip_after": (rec["ip_seen"] - t0) if rec.get("ip_seen") else None,
         "listening_after": (rec["listening"] - t0) if rec.get("listening") else None,
         "ready_after": (rec["ready_seen"] - t0) if rec.get("ready_seen") else None,
         "lastWake_seconds": lw.get("seconds")}
    results["wakes"].append(w)
    late = w["listening_after"] is None or (w["ready_after"] is not None and w["listening_after"] > w["ready_after"])
    log(f"wake {i + 1}/{args.wakes}: {code} in {float(total):.3f}s (pod IP seen +{w['ip_after'] or float('nan'):.3f}s, "
        f"Ready seen +{w['ready_after'] or float('nan'):.3f}s, app listening "
        f"{'LATE ' if late else ''}+{w['listening_after'] or float('nan'):.3f}s; status.lastWake.seconds {w['lastWake_seconds']})")


# --- concurrent requests at a sleeping Space ----------------------------------------------------
async def one(i, go, state, counts, timings):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(gw_host, int(gw_port)), 30)
    except Exception as e:  # noqa: BLE001
        key = f"connect-error:{type(e).__name__}"
        counts[key] = counts.get(key, 0) + 1
        state["settled"] += 1
        return
    state["settled"] += 1
    await go
    t = time.time()
    try:
        writer.write(f"GET /?n={i} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), 90)
        body = await asyncio.wait_for(reader.read(), 30)
        parts = status.split()
        key = parts[1].decode() if len(parts) > 1 else "no-status"
        if key == "200" and BODY not in body:
            key = "200-wrong-body"
    except Exception as e:  # noqa: BLE001
        key = f"error:{type(e).__name__}"
    finally:
        writer.close()
    counts[key] = counts.get(key, 0) + 1
    timings.append(time.time() - t)


async def burst(n):
    """n connections first (all of them, or 20 s), then n requests sent at once."""
    counts, timings, state = {}, [], {"settled": 0}
    go = asyncio.get_running_loop().create_future()
    tasks = [asyncio.create_task(one(i, go, state, counts, timings)) for i in range(n)]
    t = time.time()
    while state["settled"] < n and time.time() - t < 20:
        await asyncio.sleep(0.02)
    go.set_result(None)
    t0 = time.time()
    await asyncio.wait_for(asyncio.gather(*tasks), 150)
    return counts, timings, time.time() - t0


if args.concurrent:
    wait_asleep()
    before = set(pods)
    counts, timings, wall = asyncio.run(burst(args.concurrent))
    new = [n for n in pods if n not in before]
    results["concurrent"] = {"n": args.concurrent, "counts": counts, "wall_s": wall,
                             "p50_s": pct(timings, 50) if timings else None,
                             "max_s": max(timings) if timings else None,
                             "pods_started": len(new), "lastWake_seconds": (space_status().get("lastWake") or {}).get("seconds")}
    log(f"{args.concurrent} concurrent: {counts} in {wall:.2f}s; pods started: {len(new)}")

results["bind_errors"] = bind_errors
json.dump(results, open(args.out, "w"), indent=1)
