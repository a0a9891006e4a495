#!/usr/bin/env bash
# `make demo`: Spaceport on this machine. Builds what is missing, starts the local control plane
# (fake GPU nodes), installs the CRDs and the flavor catalog, starts the operator, applies the
# example Spaces and shows them running on the right nodes. Stays up until Ctrl-C, then stops
# what it started. `hack/demo.sh --no-wait` ends after showing everything.
set -euo pipefail
cd "$(dirname "$0")/.."
wait_for_ctrl_c=true
[[ "${1:-}" == "--no-wait" ]] && wait_for_ctrl_c=false

namespace=spaceport-demo
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
  if $started_cluster; then
    cluster/local-cluster down
  else
    kubectl delete namespace "$namespace" --wait=false >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Building the control plane binaries (cached in ~/.cache/spaceport; the first time takes ~6 minutes)"
cluster/build-binaries

step "Starting the local control plane: etcd, kube-apiserver, controller-manager, scheduler, kwok (all on 127.0.0.1)"
cluster/local-cluster status >/dev/null 2>&1 || started_cluster=true
eval "$(cluster/local-cluster up | grep '^export KUBECONFIG=')"
kubectl get nodes -L nvidia.com/gpu.product,nvidia.com/gpu.count

step "Building Spaceport (Maven; the first time downloads its dependencies)"
mvn -B -ntp -q package -DskipTests

step "Installing the CRDs and the hardware flavor catalog (deploy/hardware-flavors.yaml)"
kubectl apply --server-side --force-conflicts -f crds/ -f deploy/hardware-flavors.yaml >/dev/null
kubectl get hardwareflavors

step "Starting Spaceport: the operator and the gateway on 127.0.0.1:8080 (log: $state/operator.log)"
java -Dquarkus.http.host=127.0.0.1 -Dspaceport.public-port=8080 \
  -Dspaceport.pod-annotations-from-space=spaceport.dev/test-behaviour,pod-ready.stage.kwok.x-k8s.io/delay \
  -jar target/quarkus-app/quarkus-run.jar >"$state/operator.log" 2>&1 &
operator_pid=$!
until curl -fs http://127.0.0.1:8081/q/health/ready >/dev/null; do
  kill -0 "$operator_pid" 2>/dev/null || { tail -20 "$state/operator.log"; exit 1; }
  sleep 0.5
done

step "A bad Space is refused by the API server, naming the field"
kubectl apply --dry-run=server -n default -f src/test/resources/invalid-spaces/app-port-zero.yaml 2>&1 | sed 's/^/  /' || true

step "Applying the examples into namespace $namespace: $(ls examples/*.yaml | xargs -n1 basename | tr '\n' ' ')"
kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl apply -n "$namespace" -f examples/
kubectl wait -n "$namespace" --for=jsonpath='{.status.stage}'=RUNNING space --all --timeout=120s >/dev/null
kubectl get spaces -n "$namespace"

step "Each Space's pod, on a node with the right hardware"
kubectl get pods -n "$namespace" -o custom-columns='POD:.metadata.name,SPACE:.metadata.labels.spaceport\.dev/space,FLAVOR:.metadata.labels.spaceport\.dev/hardware,NODE:.spec.nodeName,GPUS:.spec.containers[0].resources.limits.nvidia\.com/gpu,IP:.status.podIP,READY:.status.conditions[?(@.type=="Ready")].status'

step "Through the gateway: cluster/pod-apps serves a stand-in page at each pod's loopback IP (kwok runs no containers)"
cluster/pod-apps "$namespace" &
pod_apps_pid=$!
url="http://$namespace-hello-gradio.spaces.localhost:8080/"
until curl -fs --resolve "$namespace-hello-gradio.spaces.localhost:8080:127.0.0.1" "$url" >/dev/null; do sleep 0.5; done
echo "\$ curl $url"
curl -s --resolve "$namespace-hello-gradio.spaces.localhost:8080:127.0.0.1" "$url" | sed 's/^/  /'

step "Sleep: hello-gradio with sleepTime 10s goes to sleep without visitors; its pod is released"
# The stand-in app takes up to half a second to appear at a new pod's IP: the pod is Ready after 2 s,
# as a real app's readiness probe would pass only once it listens.
kubectl annotate space hello-gradio -n "$namespace" pod-ready.stage.kwok.x-k8s.io/delay=2s >/dev/null
kubectl wait -n "$namespace" --for=jsonpath='{.status.stage}'=RUNNING space/hello-gradio --timeout=60s >/dev/null
kubectl patch space hello-gradio -n "$namespace" --type merge -p '{"spec":{"sleepTime":"10s"}}' >/dev/null
kubectl wait -n "$namespace" --for=jsonpath='{.status.stage}'=SLEEPING space/hello-gradio --timeout=60s >/dev/null
kubectl get space hello-gradio -n "$namespace"
kubectl wait -n "$namespace" --for=delete pod -l spaceport.dev/space=hello-gradio --timeout=60s >/dev/null 2>&1 || true
echo "  pods of hello-gradio: $(kubectl get pods -n "$namespace" -l spaceport.dev/space=hello-gradio --no-headers 2>/dev/null | wc -l)"

step "Wake: the next request wakes it and gets the answer, not an error"
curl -s -o /dev/null -w "  HTTP %{http_code} after %{time_total}s\n" --resolve "$namespace-hello-gradio.spaces.localhost:8080:127.0.0.1" "$url"
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

echo
echo "Try it yourself:  $(cluster/local-cluster env)"
echo "                  kubectl get spaces -A;  kubectl describe space arr-coc -n $namespace"
echo "                  curl http://$namespace-arr-coc-cpu.spaces.localhost:8080/   (the gateway; metrics at http://127.0.0.1:8081/q/metrics)"
if $wait_for_ctrl_c; then
  echo "The demo stays up until Ctrl-C."
  wait "$operator_pid"
fi
