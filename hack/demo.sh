#!/usr/bin/env bash
# `make demo`: Spaceport on this machine. Builds what is missing, starts the local control plane
# (fake GPU nodes), installs the CRDs and the flavor catalog, starts the operator and the gateway,
# applies the example Spaces (ARR-COC on cpu-basic and on a10g-small, a plain gradio Space), runs the
# real ARR-COC app at its pods' addresses (cluster/pod-apps: kwok runs no containers), asks it a
# question through the gateway, shows a Space sleeping and waking, the Hub's client and git, a
# fallback flavor and a Space making room on a full A100 node, and GPU-hours. Stays up until Ctrl-C, then
# stops what it started. `hack/demo.sh --no-wait` ends after showing everything.
set -euo pipefail
cd "$(dirname "$0")/.."
wait_for_ctrl_c=true
[[ "${1:-}" == "--no-wait" ]] && wait_for_ctrl_c=false

namespace=spaceport-demo
gpus_namespace=spaceport-demo-gpus
state="${XDG_STATE_HOME:-$HOME/.local/state}/spaceport"
mkdir -p "$state"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

started_cluster=false
operator_pid=
pod_apps_pid=
cleanup() {
  step "Cleaning up what the demo started"
  [[ -n "$pod_apps_pid" ]] && kill "$pod_apps_pid" 2>/dev/null && wait "$pod_apps_pid" 2>/dev/null || true
  [[ -n "$operator_pid" ]] && kill "$operator_pid" 2>/dev/null && wait "$operator_pid" 2>/dev/null || true
  # The demo's Spaces (A100s held among them) must not outlive it on a cluster that make test may
  # use next, even if stopping the cluster fails.
  if $started_cluster; then
    kubectl delete namespace "$namespace" "$gpus_namespace" --wait=true --timeout=60s >/dev/null 2>&1 || true
    cluster/local-cluster down
  else
    kubectl delete namespace "$namespace" "$gpus_namespace" --wait=false >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
# make passes a SIGTERM on to this script after the one sent to the whole group, and a user may press
# Ctrl-C twice: the first signal starts the cleanup, and no later one may cut it short.
trap 'trap "" INT TERM; exit 130' INT TERM

step "Building the control plane binaries (cached in ~/.cache/spaceport; the first time takes ~6 minutes)"
cluster/build-binaries

step "Starting the local control plane: etcd, kube-apiserver, controller-manager, scheduler, kwok (all on 127.0.0.1)"
cluster/local-cluster status >/dev/null 2>&1 || started_cluster=true
eval "$(cluster/local-cluster up | grep '^export KUBECONFIG=')"
kubectl get nodes -L nvidia.com/gpu.product,nvidia.com/gpu.count

step "Building Spaceport (Maven; the first time downloads its dependencies)"
mvn -B -ntp -q package -DskipTests

step "The ARR-COC app's Python environment (cached in ~/.cache/spaceport/venv; the first time takes ~30 s)"
venv=$(workloads/arr-coc/venv.sh)
echo "  $venv"

step "Installing the CRDs and the hardware flavor catalog (deploy/hardware-flavors.yaml)"
make -s apply-crds >/dev/null
kubectl get hardwareflavors

step "Starting Spaceport: the operator, the gateway on 127.0.0.1:8080 and the hub on 127.0.0.1:8090 (log: $state/operator.log); making room on, and GPU timings at the demo's pace"
java -Dquarkus.http.host=127.0.0.1 -Dquarkus.management.host=127.0.0.1 -Dspaceport.public-port=8080 \
  -Dspaceport.gpus.making-room.enabled=true -Dspaceport.gpus.making-room.min-idle=5s \
  -Dspaceport.gpus.fallback-after=10s \
  -Dspaceport.pod-annotations-from-space=spaceport.dev/test-behaviour,pod-ready.stage.kwok.x-k8s.io/delay \
  -Dspaceport.hub.repositories="$state/hub-repositories" \
  -jar target/quarkus-app/quarkus-run.jar >"$state/operator.log" 2>&1 &
operator_pid=$!
until curl -fs http://127.0.0.1:8081/q/health/ready >/dev/null; do
  kill -0 "$operator_pid" 2>/dev/null || { tail -20 "$state/operator.log"; exit 1; }
  sleep 0.5
done

step "A bad Space is refused by the API server, naming the field"
kubectl apply --dry-run=server -n default -f src/test/resources/invalid-spaces/app-port-zero.yaml 2>&1 | sed 's/^/  /' || true

# A fresh namespace: one left by an earlier demo on a cluster the demo did not start may still hold
# its Spaces (their deletion is not waited for at exit), and a Space edited there would not start over.
for ns in "$namespace" "$gpus_namespace"; do
  if kubectl get namespace "$ns" >/dev/null 2>&1; then
    echo "  removing namespace $ns, left by an earlier run"
    kubectl delete namespace "$ns" --wait=true --timeout=120s >/dev/null
  fi
done
kubectl create namespace "$namespace" >/dev/null
step "Starting cluster/pod-apps: the real ARR-COC app at each ARR-COC pod's loopback IP and port, with the pod's env (kwok runs no containers; other pods get a stand-in page; logs in $state/pod-apps)"
cluster/pod-apps "$namespace" --logs "$state/pod-apps" 2> >(sed -u 's/^/  /' >&2) &
pod_apps_pid=$!

step "Applying the examples into namespace $namespace: $(ls examples/*.yaml | xargs -n1 basename | tr '\n' ' ')"
# kwok marks a pod Ready by its own clock, not by probing the app: the ARR-COC pods turn Ready after
# 20 s, once the real app listens (3-7 s here), as a readiness probe would; the stand-in after 2 s.
kubectl annotate --local -o yaml -f examples/arr-coc-cpu-space.yaml -f examples/arr-coc-space.yaml \
  pod-ready.stage.kwok.x-k8s.io/delay=20s | kubectl apply -n "$namespace" -f -
kubectl annotate --local -o yaml -f examples/hello-gradio-space.yaml pod-ready.stage.kwok.x-k8s.io/delay=2s \
  | kubectl apply -n "$namespace" -f -
kubectl get spaces -n "$namespace"
echo "  ... waiting for RUNNING"
kubectl wait -n "$namespace" --for=jsonpath='{.status.stage}'=RUNNING space --all --timeout=180s >/dev/null
kubectl get spaces -n "$namespace"

step "Each Space's pod, on a node with the right hardware"
kubectl get pods -n "$namespace" -o custom-columns='POD:.metadata.name,SPACE:.metadata.labels.spaceport\.dev/space,FLAVOR:.metadata.labels.spaceport\.dev/hardware,NODE:.spec.nodeName,GPUS:.spec.containers[0].resources.limits.nvidia\.com/gpu,IP:.status.podIP,READY:.status.conditions[?(@.type=="Ready")].status'

step "The ARR-COC app through the gateway (curl resolves *.localhost to 127.0.0.1 itself)"
arr_url="http://$namespace-arr-coc-cpu.spaces.localhost:8080/"
until curl -fs "$arr_url" >/dev/null; do sleep 0.5; done
echo "\$ curl $arr_url"
page=$(curl -s -w '\n%{http_code} %{size_download}' "$arr_url")
echo "  HTTP ${page##*$'\n'} bytes: the Gradio page of the app titled $(grep -o '"title":"[^"]*"' <<<"$page" | head -1 | cut -d'"' -f4)"


step "A visitor asks ARR-COC a question with the Hub's own Python client (gradio_client), through the gateway"
"$venv/bin/python" hack/ask-arr-coc.py "$arr_url"

url="http://$namespace-hello-gradio.spaces.localhost:8080/"
step "Sleep: hello-gradio with sleepTime 10s goes to sleep without visitors; its pod is released"
kubectl patch space hello-gradio -n "$namespace" --type merge -p '{"spec":{"sleepTime":"10s"}}' >/dev/null
kubectl wait -n "$namespace" --for=jsonpath='{.status.stage}'=SLEEPING space/hello-gradio --timeout=60s >/dev/null
kubectl get space hello-gradio -n "$namespace"
kubectl wait -n "$namespace" --for=delete pod -l spaceport.dev/space=hello-gradio --timeout=60s >/dev/null 2>&1 || true
echo "  pods of hello-gradio: $(kubectl get pods -n "$namespace" -l spaceport.dev/space=hello-gradio --no-headers 2>/dev/null | wc -l)"

step "Wake: the next request wakes it and gets the answer, not an error"
echo "\$ curl $url"
curl -s -o /dev/null -w "  HTTP %{http_code} after %{time_total}s\n" "$url"
kubectl get space hello-gradio -n "$namespace" -o jsonpath='  status.lastWake: {.status.lastWake}{"\n"}'
kubectl patch space hello-gradio -n "$namespace" --type merge -p '{"spec":{"sleepTime":"never"}}' >/dev/null

step "Pausing hello-gradio: zero replicas, stage PAUSED"
kubectl patch space hello-gradio -n "$namespace" --type merge -p '{"spec":{"paused":true}}' >/dev/null
kubectl wait -n "$namespace" --for=jsonpath='{.status.stage}'=PAUSED space/hello-gradio --timeout=60s >/dev/null
kubectl get space hello-gradio -n "$namespace"

step "Asking for a flavor that does not exist: CONFIG_ERROR, listing the ones that do"
kubectl patch space hello-gradio -n "$namespace" --type merge -p '{"spec":{"hardware":"tpu-v9","paused":false}}' >/dev/null
kubectl wait -n "$namespace" --for=jsonpath='{.status.stage}'=CONFIG_ERROR space/hello-gradio --timeout=60s >/dev/null
kubectl get space hello-gradio -n "$namespace" -o jsonpath='  {.status.stage}: {.status.message}{"\n"}'

step "How Flux's wait and kpt judge these Spaces: kstatus itself (sigs.k8s.io/cli-utils), over kubectl get -o json"
eval "$(cluster/build-binaries --print-dirs)"
kubectl get spaces -n "$namespace" -o json | "$KSTATUS_BIN/kstatus" | sed 's/^/  /'

step "The Hub's own client and git against this cluster (the hub role: HF_ENDPOINT=http://127.0.0.1:8090)"
# A user as a cluster has them: a service account whose Role lets it edit Spaces in the namespace.
kubectl create serviceaccount demo-user -n "$namespace" >/dev/null
kubectl create role spaces-edit -n "$namespace" --verb=get,list,watch,create,update,patch,delete \
  --resource=spaces.spaceport.dev >/dev/null
kubectl create rolebinding demo-user-spaces -n "$namespace" --role=spaces-edit \
  --serviceaccount="$namespace:demo-user" >/dev/null
echo "  \$ export HF_ENDPOINT=http://127.0.0.1:8090 HF_TOKEN=\$(kubectl create token demo-user -n $namespace)"
export HF_ENDPOINT=http://127.0.0.1:8090 HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_DISABLE_PROGRESS_BARS=1
HF_TOKEN=$(kubectl create token demo-user -n "$namespace" --duration 2h)
export HF_TOKEN
hub_venv=$(src/test/python/hub_client/venv.sh 2)
app_dir=$(mktemp -d)
cat >"$app_dir/README.md" <<'MD'
---
title: Hello from the Hub's client
sdk: gradio
app_file: app.py
---
MD
cat >"$app_dir/app.py" <<'PY'
import gradio as gr

with gr.Blocks(title="hub-hello") as demo:
    gr.Markdown("Hello from a Space made with huggingface_hub, version 1")
demo.launch()
PY
HF_HOME="$app_dir/.hf" "$hub_venv/bin/python" hack/hub-demo.py "$namespace" hub-hello "$app_dir"
hub_url="http://$namespace-hub-hello.spaces.localhost:8080/"
page_says() { # the app's page through the gateway, bounded: a cold venv for gradio takes ~50 s
  local want=$1 i
  for i in $(seq 240); do
    curl -s --max-time 5 -H "Authorization: Bearer $HF_TOKEN" "$hub_url" | grep -q "$want" && return 0
    sleep 1
  done
  echo "  the page never said: $want" >&2
  return 1
}
page_says "version 1"
echo "  \$ curl $hub_url  ->  the app's page says: Hello from a Space made with huggingface_hub, version 1"

step "git push of a change rolls the Space to the new revision"
git_dir="$app_dir/clone"
git_auth=(-c credential.helper= -c 'credential.helper=!f() { echo username=demo; echo "password=$HF_TOKEN"; }; f')
GIT_TERMINAL_PROMPT=0 git "${git_auth[@]}" clone -q "$HF_ENDPOINT/spaces/$namespace/hub-hello" "$git_dir"
sed -i 's/version 1/version 2, pushed with git/' "$git_dir/app.py"
git -C "$git_dir" -c user.name=demo -c user.email=demo@example.com commit -qam "Version 2"
GIT_TERMINAL_PROMPT=0 git -C "$git_dir" "${git_auth[@]}" push -q origin HEAD:main
echo "  pushed $(git -C "$git_dir" rev-parse --short HEAD); the Space's revision: $(kubectl get space hub-hello -n "$namespace" -o jsonpath='{.spec.source.git.revision}' | cut -c1-7)"
page_says "version 2"
echo "  \$ curl $hub_url  ->  the app's page says: Hello from a Space made with huggingface_hub, version 2, pushed with git"

step "A private Space: 404 (the unknown host's page) without a token, 200 with one RBAC allows"
kubectl patch space hub-hello -n "$namespace" --type merge -p '{"spec":{"visibility":"private"}}' >/dev/null
sleep 2
curl -s -o /dev/null -w "  without a token:  HTTP %{http_code}\n" "$hub_url"
curl -s -o /dev/null -w "  with the token:   HTTP %{http_code}\n" -H "Authorization: Bearer $HF_TOKEN" "$hub_url"
echo "  browsers sign in at ${hub_url%/}/.spaceport/sign-in with a token and get a cookie for this Space only"
rm -rf "$app_dir"

gpu_space() { # name, then extra spec lines
  local name=$1
  shift
  printf 'apiVersion: spaceport.dev/v1alpha1\nkind: Space\nmetadata:\n  name: %s\n  annotations:\n    pod-ready.stage.kwok.x-k8s.io/delay: 1s\nspec:\n  sdk: gradio\n  source:\n    image: ghcr.io/spaceport-dev/hello-gradio:0.1.0\n  hardware: a100-large\n  sleepTime: never\n' "$name"
  for line in "$@"; do printf '  %s\n' "$line"; done
}
gpu_columns='SPACE:.metadata.name,STAGE:.status.stage,REQUESTED:.status.hardware.requested,CURRENT:.status.hardware.current,SLEEPING:.status.conditions[?(@.type=="Sleeping")].reason'

step "Scarce GPUs: the A100 node (8 GPUs) full: other work on 6, Space idle-demo on 1, Space pinned on 1 (label spaceport.dev/yield-gpu=false: never made to yield)"
kubectl create namespace "$gpus_namespace" >/dev/null
kubectl apply -n "$gpus_namespace" -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: other-work
spec:
  nodeSelector: {nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB}
  tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
  containers:
  - name: train
    image: registry.example/train:1
    resources: {limits: {nvidia.com/gpu: "6"}}
YAML
{ gpu_space idle-demo; echo ---; gpu_space pinned | sed 's/^  name: pinned/  name: pinned\n  labels: {spaceport.dev\/yield-gpu: "false"}/'; } \
  | kubectl apply -n "$gpus_namespace" -f - >/dev/null
kubectl wait -n "$gpus_namespace" --for=jsonpath='{.status.stage}'=RUNNING space --all --timeout=120s >/dev/null
kubectl get pods -n "$gpus_namespace" -o custom-columns='POD:.metadata.name,NODE:.spec.nodeName,GPUS:.spec.containers[0].resources.limits.nvidia\.com/gpu'
sleep 6 # idle for the demo's minimum (making-room.min-idle=5s; 15m by default)

step "Making room: Space urgent wants an A100; the least recently visited idle Space on one (idle-demo) sleeps for it, pinned does not"
gpu_space urgent | kubectl apply -n "$gpus_namespace" -f - >/dev/null
kubectl wait -n "$gpus_namespace" --for=jsonpath='{.status.stage}'=RUNNING space/urgent --timeout=120s >/dev/null
kubectl get spaces -n "$gpus_namespace" -o custom-columns="$gpu_columns"
kubectl get space idle-demo -n "$gpus_namespace" -o jsonpath='  idle-demo: {.status.message}{"\n"}'
kubectl get events -n "$gpus_namespace" --field-selector reason=YieldedGpu -o custom-columns='  EVENT:.reason,SPACE:.involvedObject.name,MESSAGE:.message' --no-headers

step "A fallback flavor: Space vision asks for an A100 (all taken; this namespace now opts out of making room) with hardwareFallback [a10g-large]"
kubectl label namespace "$gpus_namespace" spaceport.dev/yield-gpu=false >/dev/null
gpu_space vision "hardwareFallback: [a10g-large]" | kubectl apply -n "$gpus_namespace" -f - >/dev/null
kubectl wait -n "$gpus_namespace" --for=jsonpath='{.status.hardware.waitingFor}'=NVIDIA-A100-SXM4-80GB space/vision --timeout=60s >/dev/null
kubectl get space vision -n "$gpus_namespace" -o jsonpath='  {.status.stage}: {.status.message}{"\n"}' | cut -c1-160
echo "  the waking page says: $(curl -s "http://$gpus_namespace-vision.spaces.localhost:8080/.spaceport/status")"
echo "  ... after 10 s (gpus.fallbackAfter; 2m by default) it runs on the first fallback with room"
kubectl wait -n "$gpus_namespace" --for=jsonpath='{.status.hardware.current}'=a10g-large space/vision --timeout=120s >/dev/null
kubectl get space vision -n "$gpus_namespace" -o custom-columns="$gpu_columns"
kubectl get space vision -n "$gpus_namespace" -o jsonpath='  HardwareFallback: {.status.conditions[?(@.type=="HardwareFallback")].message}{"\n"}' | cut -c1-200
echo "  the app sees ACCELERATOR=$(kubectl get pods -n "$gpus_namespace" -l spaceport.dev/space=vision -o jsonpath='{.items[0].spec.containers[0].env[?(@.name=="ACCELERATOR")].value}')"

step "The other work ends: vision moves back to the A100, the A10G pod serving until the new one is Ready"
kubectl delete pod other-work -n "$gpus_namespace" --grace-period=0 >/dev/null
kubectl wait -n "$gpus_namespace" --for=jsonpath='{.status.hardware.current}'=a100-large space/vision --timeout=120s >/dev/null
kubectl get space vision -n "$gpus_namespace" -o custom-columns="$gpu_columns"
kubectl get events -n "$gpus_namespace" --field-selector involvedObject.name=vision -o custom-columns='  EVENT:.reason,MESSAGE:.message' --no-headers \
  | grep -E 'HardwareFallback|HardwareReturn' | cut -c1-160

step "GPU-hours and cost per Space (status.usage; make report, docs/metrics-and-alerts.md)"
hack/usage-report | sed 's/^/  /'
kubectl get space vision -n "$gpus_namespace" -o jsonpath='  vision status.usage.flavors: {.status.usage.flavors}{"\n"}'
curl -s http://127.0.0.1:8081/q/metrics | grep -E '^spaceport_space_(gpu_seconds|flavor_seconds|cost)_total' \
  | grep 'space="vision"' | grep 'a100-large' | sed 's/^/  /'

echo
echo "Try it yourself:  $(cluster/local-cluster env)"
echo "                  kubectl get spaces -A;  kubectl describe space arr-coc -n $namespace"
echo "                  open $arr_url in a browser (the real ARR-COC app, through the gateway)"
echo "                  curl http://127.0.0.1:8081/q/metrics | grep spaceport_gateway   (the gateway's metrics)"
echo "                  make report   (GPU-hours and cost per namespace and Space)"
if $wait_for_ctrl_c; then
  echo "The demo stays up until Ctrl-C."
  wait "$operator_pid"
fi
