// kstatus prints how Flux's and kpt's readiness library (sigs.k8s.io/cli-utils kstatus, the one
// Flux's `wait: true` and `healthChecks` use) judges each object of a Kubernetes list read from
// standard input, e.g. `kubectl get spaces -o json | kstatus`: one line per object,
// "<namespace>/<name> <status> <message>".
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	var list unstructured.UnstructuredList
	if err := json.Unmarshal(in, &list); err != nil {
		fail(fmt.Errorf("standard input is not a Kubernetes list: %w", err))
	}
	for i := range list.Items {
		obj := &list.Items[i]
		result, err := status.Compute(obj)
		if err != nil {
			fail(fmt.Errorf("%s/%s: %w", obj.GetNamespace(), obj.GetName(), err))
		}
		fmt.Printf("%s/%s %s %s\n", obj.GetNamespace(), obj.GetName(), result.Status, result.Message)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kstatus:", err)
	os.Exit(1)
}
