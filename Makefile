# Spaceport. `make demo` shows it working; `make test` runs every test.
# Cluster tests use the cluster in $KUBECONFIG, or bring the local control plane up (and down) themselves.

MVN ?= mvn -B -ntp
SHELL := /usr/bin/env bash

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.PHONY: build
build: cluster-binaries ## Build the control plane binaries and the Spaceport application
	$(MVN) package -DskipTests

.PHONY: crds
crds: ## Regenerate crds/ from the Java API types (dev.spaceport.api)
	$(MVN) -q package -DskipTests
	cp target/kubernetes/spaces.spaceport.dev-v1.yml crds/spaces.spaceport.dev.yaml
	cp target/kubernetes/hardwareflavors.spaceport.dev-v1.yml crds/hardwareflavors.spaceport.dev.yaml

.PHONY: cluster-binaries
cluster-binaries: ## Build (or reuse from ~/.cache/spaceport) etcd, Kubernetes, kwok and helm
	cluster/build-binaries

.PHONY: test
test: test-java test-workloads ## Unit and cluster tests, and the workloads' tests

.PHONY: test-java
test-java: cluster-binaries ## Java unit tests (*Test) and cluster tests (*IT)
	$(MVN) verify

.PHONY: test-workloads
test-workloads: ## The reference workloads' tests (pytest)
	@for t in workloads/*/test.sh; do [[ -e "$$t" ]] || continue; echo "== $$t"; bash "$$t" || exit 1; done

.PHONY: run
run: ## Run the operator and the gateway (127.0.0.1:8080) from the build against $KUBECONFIG
	@[ -n "$$KUBECONFIG" ] || { echo 'KUBECONFIG is not set: `make cluster-up`, then `eval "$$(cluster/local-cluster env)"`' >&2; exit 1; }
	$(MVN) -q package -DskipTests
	kubectl apply --server-side --force-conflicts -f crds/ -f deploy/hardware-flavors.yaml
	java -Dquarkus.http.host=127.0.0.1 -Dspaceport.public-port=8080 -jar target/quarkus-app/quarkus-run.jar

.PHONY: cluster-up
cluster-up: ## Start the local control plane with its fake GPU nodes
	cluster/local-cluster up

.PHONY: cluster-down
cluster-down: ## Stop the local control plane
	cluster/local-cluster down

.PHONY: cluster-status
cluster-status: ## Is the local control plane answering?
	cluster/local-cluster status

.PHONY: demo
demo: ## The local cluster, the operator and the example Spaces, until Ctrl-C
	@bash hack/demo.sh
