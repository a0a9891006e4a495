#!/usr/bin/env bash
# `make demo`: Spaceport's world on this machine. Today: the local control plane with its fake
# GPU nodes, and a GPU pod placed by the real scheduler. Later issues add the operator, the
# gateway and the example Spaces.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Building the control plane binaries (cached in ~/.cache/spaceport; the first time takes ~6 minutes)"
cluster/build-binaries

step "Starting the local control plane: etcd, kube-apiserver, controller-manager, scheduler, kwok (all on 127.0.0.1)"
eval "$(cluster/local-cluster up | grep '^export KUBECONFIG=')"

step "The nodes: two CPU nodes and six fake GPU nodes labelled as NVIDIA GPU feature discovery labels real ones"
kubectl get nodes -L nvidia.com/gpu.product,nvidia.com/gpu.count \
  -o custom-columns='NAME:.metadata.name,CPU:.status.allocatable.cpu,MEMORY:.status.allocatable.memory,GPUS:.status.allocatable.nvidia\.com/gpu,PRODUCT:.metadata.labels.nvidia\.com/gpu\.product,STATUS:.status.conditions[-1].type'

step "A pod asking for one A10G GPU, placed by the real scheduler and run by kwok"
kubectl create namespace spaceport-demo --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl -n spaceport-demo delete pod gpu-demo --ignore-not-found --wait=true >/dev/null
kubectl -n spaceport-demo apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: gpu-demo
spec:
  nodeSelector:
    nvidia.com/gpu.product: NVIDIA-A10G
  tolerations:
  - key: nvidia.com/gpu
    operator: Exists
    effect: NoSchedule
  containers:
  - name: app
    image: registry.spaceport.test/app:1.0
    resources:
      limits:
        nvidia.com/gpu: "1"
YAML
kubectl -n spaceport-demo wait --for=condition=Ready pod/gpu-demo --timeout=60s >/dev/null
kubectl -n spaceport-demo get pod gpu-demo -o wide

step "Done. The cluster stays up; use it with kubectl:"
echo "  $(cluster/local-cluster env)"
echo "  kubectl get nodes"
echo "  make test            # every test, on this cluster"
echo "  make cluster-down    # stop it"
