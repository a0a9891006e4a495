package dev.spaceport.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts (or finds) the {@link TestCluster} before Quarkus boots the operator in a test, so the
 * operator's client reads the same kubeconfig, and installs the CRDs and the flavor catalog.
 */
public class LocalClusterResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    TestCluster cluster = TestCluster.get();
    cluster.installCrds();
    cluster.installFlavors();
    // TestCluster has set the kubeconfig system property, which the operator's client reads.
    return Map.of();
  }

  @Override
  public void stop() {
    // The cluster outlives the test class; TestCluster takes it down when the JVM exits.
  }
}
