#!/usr/bin/env python3
"""Measures the Spaceport operator at scale; started by bench/reconcile/run.sh, which owns the
cluster and the operator process. Standard library only; every request goes to kubectl proxy on
127.0.0.1.

Phases:
  1. converge: watch Spaces, Deployments, Services, Ingresses (label managed-by=spaceport), pods and
     Events; create N Spaces over the namespaces and a mix of flavors; time from the first create
     until every Space has status.stage and its Deployment, Service and Ingress (same name and
     namespace) exist.
  2. settle: wait until no operator write has been seen for --quiet seconds (bounded).
  3. idle: for --idle seconds count the operator's writes as watch events, and the apiserver's
     write-request counters (POST, PUT, PATCH, DELETE, APPLY) before and after as a cross-check.
  4. heap: jcmd GC.run, then GC.heap_info; the process RSS.
Writes the figures as JSON to --out and prints them readably.
"""
import argparse
import collections
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

OPERATOR = "spaceport-operator"
MANAGED = "app.kubernetes.io/managed-by=spaceport"
WRITE_VERBS = ("POST", "PUT", "PATCH", "DELETE", "APPLY")
CONTROLLER_MANAGER = "kube-controller-manager"

# The flavor mix, weights out of 100: mostly CPU Spaces, as on the Hub; every GPU family the local
# cluster has, and one it lacks (l4x1: waits for capacity forever). None = no spec.hardware (default).
FLAVORS = [(None, 30), ("cpu-basic", 10), ("cpu-upgrade", 15), ("t4-small", 10), ("t4-medium", 5),
           ("a10g-small", 10), ("a10g-large", 6), ("a10g-largex2", 2), ("a100-large", 5), ("h100", 2),
           ("l4x1", 5)]
SDKS = ["gradio", "gradio", "gradio", "streamlit", "docker", "static"]


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def flavor_for(i):
    slot = (i * 37) % 100  # spreads each flavor over the namespaces
    for name, weight in FLAVORS:
        if slot < weight:
            return name
        slot -= weight
    raise AssertionError


WARMUP_NS = "bench-warmup"


def space_manifest(i, namespaces, secret_every, ns=None):
    ns = ns or f"bench-{i % namespaces:02d}"
    sdk = SDKS[i % len(SDKS)]
    spec = {"sdk": sdk, "title": f"Bench space {i}",
            "variables": {"MODEL_ID": f"bench/model-{i % 17}", "MAX_TOKENS": "256"}}
    if i % 10 == 9 and sdk != "docker":
        spec["source"] = {"git": {"url": f"https://git.example.test/bench/space-{i}.git", "revision": "main"}}
    else:
        spec["source"] = {"image": f"registry.spaceport.test/bench/app-{i % 23}:1.0"}
    flavor = flavor_for(i)
    if flavor:
        spec["hardware"] = flavor
    if secret_every and i % secret_every == 0:
        spec["secrets"] = [{"name": "HF_TOKEN", "secretRef": {"name": "bench-token", "key": "token"}}]
    return ns, {"apiVersion": "spaceport.dev/v1alpha1", "kind": "Space",
                "metadata": {"name": f"space-{i:04d}", "namespace": ns,
                             "labels": {"bench.spaceport.dev/run": "reconcile"}},
                "spec": spec}


class Proxy:
    def __init__(self, port):
        self.port = port
        self.local = threading.local()

    def conn(self):
        c = getattr(self.local, "c", None)
        if c is None:
            c = self.local.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return c

    def request(self, method, path, body=None):
        for attempt in range(3):
            c = self.conn()
            try:
                data = None if body is None else json.dumps(body).encode()
                c.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
                r = c.getresponse()
                payload = r.read()
                return r.status, payload
            except (http.client.HTTPException, OSError):
                c.close()
                self.local.c = None
                if attempt == 2:
                    raise
                time.sleep(0.2)

    def json(self, method, path, body=None, ok=(200, 201)):
        status, payload = self.request(method, path, body)
        if status not in ok:
            raise RuntimeError(f"{method} {path}: HTTP {status}: {payload[:300]!r}")
        return json.loads(payload) if payload else None

    def write_counters(self):
        """apiserver_request_total for write verbs, keyed by (group/resource[/subresource], verb, code)."""
        status, payload = self.request("GET", "/metrics")
        if status != 200:
            raise RuntimeError(f"/metrics: HTTP {status}")
        counts = collections.Counter()
        for line in payload.decode().splitlines():
            if not line.startswith("apiserver_request_total{"):
                continue
            labels = dict(re.findall(r'(\w+)="([^"]*)"', line[: line.rindex("}")]))
            if labels.get("verb") not in WRITE_VERBS:
                continue
            res = "/".join(x for x in (labels.get("group") or "core", labels.get("resource"), labels.get("subresource")) if x)
            counts[(res, labels["verb"], labels.get("code", ""))] += float(line.rsplit(" ", 1)[1])
        return counts


def operator_requests(counts):
    """The write requests only the operator makes (whatever their outcome, no-ops and failures too): any
    write to Spaces, Services and Ingresses; applies and patches of Deployments (the deployment controller
    PUTs them and their status) and of EndpointSlices (the endpoint-slice controllers create, update and
    delete theirs). Events are left out: the controller-manager posts them too."""
    total = 0
    for (res, verb, _code), n in counts.items():
        if (res.startswith("spaceport.dev/spaces") or res in ("core/services", "networking.k8s.io/ingresses")
                or (res == "apps/deployments" and verb in ("APPLY", "PATCH", "POST", "DELETE"))
                or (res == "discovery.k8s.io/endpointslices" and verb in ("APPLY", "PATCH"))):
            total += n
    return int(total)


class Watch(threading.Thread):
    """One watch, listed first for its resourceVersion; events go to the Recorder."""

    def __init__(self, proxy, kind, path, selector, recorder):
        super().__init__(daemon=True, name=f"watch-{kind}")
        self.proxy, self.kind, self.path, self.selector, self.recorder = proxy, kind, path, selector, recorder
        sel = f"&labelSelector={selector}" if selector else ""
        listed = proxy.json("GET", f"{path}?limit=1{sel}")
        self.rv = listed["metadata"]["resourceVersion"]
        self.ready = threading.Event()
        self.error = None

    def run(self):
        while True:
            sel = f"&labelSelector={self.selector}" if self.selector else ""
            conn = http.client.HTTPConnection("127.0.0.1", self.proxy.port, timeout=None)
            try:
                conn.request("GET", f"{self.path}?watch=1&allowWatchBookmarks=true&timeoutSeconds=1800"
                                    f"&resourceVersion={self.rv}{sel}")
                r = conn.getresponse()
                if r.status != 200:
                    raise RuntimeError(f"watch {self.kind}: HTTP {r.status} {r.read()[:200]!r}")
                self.ready.set()
                while True:
                    line = r.readline()
                    if not line:
                        break
                    ev = json.loads(line)
                    if ev["type"] == "ERROR":
                        raise RuntimeError(f"watch {self.kind}: {ev['object']}")
                    self.rv = ev["object"]["metadata"].get("resourceVersion", self.rv)
                    if ev["type"] != "BOOKMARK":
                        self.recorder.record(self.kind, ev["type"], ev["object"], time.monotonic())
            except Exception as e:  # noqa: BLE001 - reported, and the measurement is marked broken
                self.error = repr(e)
                self.recorder.broken(f"watch {self.kind}: {e!r}")
                self.ready.set()
                return
            finally:
                conn.close()


def managers_changed(old, new):
    """Field managers whose managedFields entry (fields or time) differs between two versions."""
    def entries(obj):
        out = {}
        for m in (obj or {}).get("metadata", {}).get("managedFields") or []:
            key = (m.get("manager"), m.get("operation"), m.get("subresource", ""))
            out[key] = (m.get("time"), json.dumps(m.get("fieldsV1"), sort_keys=True))
        return out
    a, b = entries(old), entries(new)
    return sorted({k[0] + ("/" + k[2] if k[2] else "") for k in set(a) | set(b) if a.get(k) != b.get(k)})


def changed_paths(old, new, prefix=""):
    """Leaf paths that differ, ignoring resourceVersion and managedFields; for describing a write."""
    skip = {"metadata.resourceVersion", "metadata.managedFields"}
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in sorted(set(old) | set(new)):
            p = f"{prefix}.{k}" if prefix else k
            if p in skip:
                continue
            out += changed_paths(old.get(k), new.get(k), p)
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (x, y) in enumerate(zip(old, new)):
            out += changed_paths(x, y, f"{prefix}[{i}]")
        return out
    return [] if old == new else [prefix]


def _get(obj, path):
    """The value at a path like status.conditions[1].reason."""
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            obj = obj[int(part[1:-1])] if isinstance(obj, list) and int(part[1:-1]) < len(obj) else None
        else:
            obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


class Recorder:
    def __init__(self, n, owned, sample_limit=8):
        self.lock = threading.Lock()
        self.n = n
        self.owned = owned  # the kinds every Space must own, each named like the Space
        self.objects = {k: {} for k in ("space", "deployment", "service", "ingress", "endpointslice", "pod")}
        self.staged = set()
        self.done = set()
        self.converged_at = None
        self.complete = threading.Event()
        self.t0 = None
        self.last_operator_write = time.monotonic()
        self.window = None  # Counter while counting idle writes
        self.window_samples = []
        self.sample_limit = sample_limit
        self.counts = collections.Counter()  # every event, for the record
        self.operator_writes = 0
        self.errors = []
        self.last_cluster_change = time.monotonic()  # pods and Deployments, whoever writes them
        self.spaces_with_pod = set()
        self.stage_seq = collections.defaultdict(list)  # Space -> stages in the order written
        self.space_events = collections.defaultdict(list)  # Space -> reasons of the operator's Events
        self.space_writes = collections.defaultdict(list)  # Space -> what each status write changed
        self.status_writes = 0
        self.time_only_writes = 0  # status writes that changed nothing but a condition's lastTransitionTime

    def broken(self, msg):
        with self.lock:
            self.errors.append(msg)
        self.complete.set()

    def _done(self, key):
        return key in self.staged and all(key in self.objects[k] for k in self.owned)

    def record(self, kind, typ, obj, now):
        md = obj.get("metadata", {})
        key = (md.get("namespace"), md.get("name"))
        if kind == "endpointslice":  # named <space>-gateway: keyed by its Space
            key = (key[0], (md.get("labels") or {}).get("spaceport.dev/space"))
        if key[0] == WARMUP_NS:
            return  # the warm-up's Spaces are not measured
        with self.lock:
            self.counts[(kind, typ)] += 1
            if kind == "event":
                if OPERATOR not in (obj.get("reportingComponent"), (obj.get("source") or {}).get("component")):
                    return
                operator = True
                who = [OPERATOR]
                what = [f"{obj.get('reason')}: {obj.get('message', '')[:120]}"]
                inv = obj.get("involvedObject") or {}
                if typ == "ADDED" and inv.get("kind") == "Space":
                    self.space_events[(inv.get("namespace"), inv.get("name"))].append(obj.get("reason"))
            else:
                store = self.objects[kind]
                old = store.get(key)
                if typ == "DELETED":
                    store.pop(key, None)
                else:
                    store[key] = obj
                who = managers_changed(old, obj) if typ == "MODIFIED" else []
                what = changed_paths(old, obj) if typ == "MODIFIED" else [typ]
                if kind == "pod":
                    operator = False
                elif kind == "deployment" and typ == "MODIFIED":
                    # The deployment controller writes status and the revision annotation; anyone else is us.
                    operator = any(not w.startswith(CONTROLLER_MANAGER) for w in who)
                else:
                    operator = True  # nothing but the operator (and this script, before the window) writes these
                stage = (obj.get("status") or {}).get("stage")
                if kind == "space" and stage:
                    self.staged.add(key)
                    # The operator records an Event per new stage or new Ready reason within a stage.
                    ready = [c.get("reason") for c in (obj["status"].get("conditions") or []) if c.get("type") == "Ready"]
                    step = f"{stage}/{ready[0] if ready else None}"
                    if not self.stage_seq[key] or self.stage_seq[key][-1] != step:
                        self.stage_seq[key].append(step)
                if kind in ("pod", "deployment"):
                    self.last_cluster_change = now
                if kind == "space" and typ == "MODIFIED":
                    self.status_writes += 1
                    if what and all(p.endswith(".lastTransitionTime") for p in what):
                        self.time_only_writes += 1
                if kind == "space" and typ == "MODIFIED" and len(self.space_writes[key]) < 8:
                    self.space_writes[key].append(f"{stage}: " + ", ".join(
                        f"{p}={_get(obj, p)!r}" if p.endswith(("stage", "status", "reason", "lastTransitionTime")) else p
                        for p in what[:10]))
                if kind == "pod" and typ != "DELETED":
                    self.spaces_with_pod.add((key[0], (md.get("labels") or {}).get("spaceport.dev/space")))
            if operator:
                self.operator_writes += 1
                self.last_operator_write = now
            if self.window is not None:
                label = f"{kind} {typ}" + (" (operator)" if operator else "")
                self.window[label] += 1
                if operator and len(self.window_samples) < self.sample_limit:
                    self.window_samples.append({"kind": kind, "type": typ, "object": f"{key[0]}/{key[1]}",
                                                "managers": who, "changed": what[:12]})
            if self.converged_at is None and (kind == "space" or kind in self.owned) \
                    and self._done(key):
                self.done.add(key)
                if len(self.done) >= self.n:
                    self.converged_at = now
                    self.complete.set()

    def missing(self):
        with self.lock:
            spaces = list(self.objects["space"])
            out = collections.Counter()
            for k in spaces:
                if k not in self.staged:
                    out["no stage"] += 1
                for kind in self.owned:
                    if k not in self.objects[kind]:
                        out[f"no {kind}"] += 1
            out["spaces seen"] = len(spaces)
            return dict(out)

    def events_vs_transitions(self):
        """The operator's Events on Spaces against the transitions (stage, or Ready reason within a stage)
        its status writes show: one Event each is expected."""
        with self.lock:
            transitions = sum(len(v) for v in self.stage_seq.values())
            events = sum(len(v) for v in self.space_events.values())
            extra = [k for k in self.objects["space"] if len(self.space_events.get(k, [])) > len(self.stage_seq.get(k, []))]
            fewer = [k for k in self.objects["space"] if len(self.space_events.get(k, [])) < len(self.stage_seq.get(k, []))]
            return {"transitions": transitions, "operator_events_on_spaces": events,
                    "status_writes": self.status_writes, "status_writes_changing_only_lastTransitionTime": self.time_only_writes,
                    "spaces_with_more_events_than_transitions": len(extra),
                    "spaces_with_fewer_events_than_transitions": len(fewer),
                    "examples": [{"space": f"{k[0]}/{k[1]}", "stages": self.stage_seq.get(k, []),
                                  "events": self.space_events.get(k, []), "status_writes": self.space_writes.get(k, [])}
                                 for k in (extra[:3] + fewer[:2])]}

    def stages(self):
        with self.lock:
            c = collections.Counter((s.get("status") or {}).get("stage", "-") for s in self.objects["space"].values())
            reasons = collections.Counter()
            for s in self.objects["space"].values():
                for cond in (s.get("status") or {}).get("conditions") or []:
                    if cond.get("type") == "Scheduled":
                        reasons[f"Scheduled={cond.get('status')}/{cond.get('reason')}"] += 1
            return dict(sorted(c.items())), dict(sorted(reasons.items()))


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds():
    """CPU seconds all cores spent busy (not idle or iowait), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds per named process (and the whole machine) between two marks."""

    def __init__(self, procs):
        self.procs = procs
        self.mark()

    def mark(self):
        self.t = time.monotonic()
        self.start = {n: cpu_seconds(p) for n, p in self.procs.items()}
        self.machine = machine_busy_seconds()

    def read(self):
        wall = time.monotonic() - self.t
        out = {n: round(cpu_seconds(p) - self.start[n], 1) for n, p in self.procs.items()}
        busy = machine_busy_seconds() - self.machine
        out["other (incl. other users of the machine)"] = round(busy - sum(out.values()), 1)
        out["machine busy"] = round(busy, 1)
        out["machine capacity"] = round(wall * os.cpu_count(), 1)
        return out


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def heap(pid):
    run = lambda *a: subprocess.run(["jcmd", str(pid), *a], capture_output=True, text=True, timeout=60).stdout
    run("GC.run")
    time.sleep(1)
    info = run("GC.heap_info")
    out = {"heap_info": info.strip()}
    m = re.search(r"heap\s+total (\d+)K, used (\d+)K", info)
    if m:
        out["heap_committed_mib"] = int(m.group(1)) / 1024
        out["heap_used_mib"] = int(m.group(2)) / 1024
    m = re.search(r"Metaspace\s+used (\d+)K, committed (\d+)K", info)
    if m:
        out["metaspace_used_mib"] = int(m.group(1)) / 1024
    out["rss_mib"] = rss_mib(pid)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proxy-port", type=int, required=True)
    ap.add_argument("--operator-pid", type=int, required=True)
    ap.add_argument("--spaces", type=int, default=1000)
    ap.add_argument("--namespaces", type=int, default=20)
    ap.add_argument("--secret-every", type=int, default=10, help="every k-th Space mounts a Secret (0: none)")
    ap.add_argument("--writers", type=int, default=8, help="concurrent creates")
    ap.add_argument("--warmup", type=int, default=0,
                    help="first create this many Spaces in namespace bench-warmup and wait for their stages (JIT warm-up)")
    ap.add_argument("--converge-timeout", type=float, default=180)
    ap.add_argument("--quiet", type=float, default=15, help="seconds without operator writes that count as settled")
    ap.add_argument("--settle-timeout", type=float, default=300)
    ap.add_argument("--idle", type=float, default=60)
    ap.add_argument("--owned", default="deployment,service,ingress",
                    help="kinds each Space must own before it counts (deployment,service,ingress[,endpointslice])")
    ap.add_argument("--proc", action="append", default=[], help="name=pid of a process whose CPU time to report")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    proxy = Proxy(a.proxy_port)
    pid = a.operator_pid
    result = {"spaces": a.spaces, "namespaces": a.namespaces}

    for i in range(a.namespaces):
        ns = f"bench-{i:02d}"
        proxy.json("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}},
                   ok=(201, 409))
        if a.secret_every:
            proxy.json("POST", f"/api/v1/namespaces/{ns}/secrets",
                       {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "bench-token"},
                        "stringData": {"token": "hf_bench_not_a_real_token"}}, ok=(201, 409))
    manifests = [space_manifest(i, a.namespaces, a.secret_every) for i in range(a.spaces)]
    result["flavor_mix"] = dict(sorted(collections.Counter(
        (m[1]["spec"].get("hardware") or "(default) cpu-basic") for m in manifests).items()))

    if a.warmup:
        proxy.json("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                                   "metadata": {"name": WARMUP_NS}}, ok=(201, 409))
        proxy.json("POST", f"/api/v1/namespaces/{WARMUP_NS}/secrets",
                   {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "bench-token"},
                    "stringData": {"token": "hf_bench_not_a_real_token"}}, ok=(201, 409))
        log(f"warm-up: {a.warmup} Spaces in {WARMUP_NS}")
        tw = time.monotonic()
        with ThreadPoolExecutor(a.writers) as pool:
            list(pool.map(lambda i: proxy.json("POST", f"/apis/spaceport.dev/v1alpha1/namespaces/{WARMUP_NS}/spaces",
                                               space_manifest(100000 + i, 1, a.secret_every, WARMUP_NS)[1]),
                          range(a.warmup)))
        while time.monotonic() - tw < 120:
            items = proxy.json("GET", f"/apis/spaceport.dev/v1alpha1/namespaces/{WARMUP_NS}/spaces")["items"]
            if sum(1 for s in items if (s.get("status") or {}).get("stage")) >= a.warmup:
                break
            time.sleep(1)
        result["warmup"] = {"spaces": a.warmup, "staged_after_s": round(time.monotonic() - tw, 1)}
        log(f"warm-up: staged after {result['warmup']['staged_after_s']}s; resting 20s")
        time.sleep(20)

    owned = a.owned.split(",")
    result["owned"] = owned
    rec = Recorder(a.spaces, owned)
    watches = [
        Watch(proxy, "space", "/apis/spaceport.dev/v1alpha1/spaces", None, rec),
        Watch(proxy, "deployment", "/apis/apps/v1/deployments", MANAGED, rec),
        Watch(proxy, "service", "/api/v1/services", MANAGED, rec),
        Watch(proxy, "ingress", "/apis/networking.k8s.io/v1/ingresses", MANAGED, rec),
        Watch(proxy, "endpointslice", "/apis/discovery.k8s.io/v1/endpointslices", MANAGED, rec),
        Watch(proxy, "pod", "/api/v1/pods", MANAGED, rec),
        Watch(proxy, "event", "/api/v1/events", None, rec),
    ]
    for w in watches:
        w.start()
    for w in watches:
        w.ready.wait(10)
    procs = {"operator": pid, "bench.py": os.getpid()}
    procs.update(dict((n, int(p)) for n, p in (x.split("=", 1) for x in a.proc)))
    cpu = CpuMeter(procs)
    whole_run_before = proxy.write_counters()

    # 1. converge
    log(f"creating {a.spaces} Spaces in {a.namespaces} namespaces with {a.writers} concurrent writers")
    t0 = time.monotonic()

    def create(m):
        ns, body = m
        proxy.json("POST", f"/apis/spaceport.dev/v1alpha1/namespaces/{ns}/spaces", body)

    with ThreadPoolExecutor(a.writers) as pool:
        list(pool.map(create, manifests))
    t_applied = time.monotonic() - t0
    log(f"all {a.spaces} Spaces created in {t_applied:.1f}s; waiting for stages and owned objects")
    while not rec.complete.wait(5):
        if time.monotonic() - t0 > a.converge_timeout:
            break
        log(f"  {time.monotonic() - t0:.0f}s: still missing {rec.missing()}")
    if rec.errors:
        raise SystemExit(f"measurement broken: {rec.errors}")
    result["apply_s"] = round(t_applied, 2)
    if rec.converged_at is None:
        result["converge_s"] = None
        result["converge_missing"] = rec.missing()
        log(f"NOT converged within {a.converge_timeout:.0f}s: {rec.missing()}")
    else:
        result["converge_s"] = round(rec.converged_at - t0, 2)
        result["converge_after_apply_s"] = round(rec.converged_at - t0 - t_applied, 2)
        log(f"converged: every Space has a stage and its {', '.join(owned)} after {result['converge_s']}s")
    result["cpu_s_converge"] = cpu.read()
    result["operator_writes_converge"] = rec.operator_writes
    result["stages_at_converge"], _ = rec.stages()

    # 2. settle: the operator quiet both in the watches (writes that changed something) and in the
    # apiserver's counters (which also see no-op and failed writes); and the cluster done with the
    # Deployments: every Space's Deployment has its pod (the controller-manager makes ReplicaSets and
    # pods at its client's 20 QPS, so this takes minutes) and no pod or Deployment changed lately.
    t_settle = time.monotonic()
    cpu.mark()
    last_requests, last_change = operator_requests(proxy.write_counters()), time.monotonic()
    while True:
        time.sleep(2)
        now = time.monotonic()
        requests = operator_requests(proxy.write_counters())
        if requests != last_requests:
            last_requests, last_change = requests, now
        with rec.lock:
            quiet_for = min(now - rec.last_operator_write, now - last_change, now - rec.last_cluster_change)
            pods_for = len(rec.spaces_with_pod)
        if (quiet_for >= a.quiet and pods_for >= a.spaces) or now - t_settle > a.settle_timeout:
            break
        if int(now - t_settle) % 20 < 2:
            log(f"  settling: {pods_for} Spaces have a pod; quiet for {quiet_for:.0f}s")
    settled = quiet_for >= a.quiet and pods_for >= a.spaces
    result["cpu_s_settle"] = cpu.read()
    result["settled"] = settled
    result["settle_s"] = round(time.monotonic() - t0, 1)
    result["operator_writes_until_settled"] = rec.operator_writes
    log(f"settled: every Space's Deployment has its pod; no operator write, pod or Deployment change for {a.quiet:.0f}s"
        if settled else f"NOT settled within {a.settle_timeout:.0f}s ({pods_for} Spaces have a pod; quiet for"
        f" {quiet_for:.0f}s); measuring idle anyway")
    result["stages"], result["scheduled"] = rec.stages()
    log(f"stages: {result['stages']}; {result['scheduled']}")

    # 3. idle
    before = proxy.write_counters()
    cpu.mark()
    with rec.lock:
        rec.window = collections.Counter()
        w0 = rec.operator_writes
    log(f"counting writes for {a.idle:.0f}s")
    time.sleep(a.idle)
    with rec.lock:
        window, rec.window = rec.window, None
        idle_writes = rec.operator_writes - w0
        samples = list(rec.window_samples)
    after = proxy.write_counters()
    result["idle_operator_writes"] = idle_writes
    result["idle_writes_per_min"] = round(idle_writes * 60 / a.idle, 1)
    result["idle_watch_events"] = dict(sorted(window.items()))
    result["idle_operator_write_samples"] = samples
    delta = collections.Counter({k: after[k] - before.get(k, 0) for k in after if after[k] - before.get(k, 0) > 0})
    result["idle_apiserver_writes_total"] = int(sum(delta.values()))
    result["idle_apiserver_operator_requests"] = operator_requests(delta)
    result["idle_apiserver_writes"] = {f"{r} {v} {c}": int(n) for (r, v, c), n in sorted(delta.items())}
    result["cpu_s_idle"] = cpu.read()
    whole = collections.Counter({k: after[k] - whole_run_before.get(k, 0) for k in after
                                 if after[k] - whole_run_before.get(k, 0) > 0})
    result["run_apiserver_writes"] = {f"{r} {v} {c}": int(n) for (r, v, c), n in sorted(whole.items())
                                      if not r.startswith("coordination.k8s.io")}
    result["events_vs_transitions"] = rec.events_vs_transitions()
    if rec.errors:
        raise SystemExit(f"measurement broken: {rec.errors}")

    # 4. heap
    result.update(heap(pid))
    result["event_totals"] = {f"{k} {t}": n for (k, t), n in sorted(rec.counts.items())}

    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    show = {k: v for k, v in result.items() if k not in ("heap_info",)}
    print(json.dumps(show, indent=2))
    print(result["heap_info"])


if __name__ == "__main__":
    sys.exit(main())
