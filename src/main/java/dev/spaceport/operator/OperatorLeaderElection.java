package dev.spaceport.operator;

import dev.spaceport.config.SpaceportConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import java.util.UUID;

/**
 * Leader election for the operator role (spaceport.leader-election): with two operator replicas one
 * reconciles and the other waits on the Lease. quarkus-operator-sdk looks this bean up by type; a
 * null (election off, the default on a developer's machine) means every replica reconciles.
 */
public class OperatorLeaderElection {

  @Produces
  @Dependent
  @Unremovable
  LeaderElectionConfiguration leaderElection(SpaceportConfig config) {
    var election = config.leaderElection();
    if (!election.enabled()) {
      return null;
    }
    var builder =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(election.leaseName());
    election.leaseNamespace().ifPresent(builder::withLeaseNamespace);
    // The pod's name says which replica leads (kubectl get lease); the suffix keeps two processes
    // on one host from sharing an identity, which would make both leaders.
    String host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("spaceport");
    builder.withIdentity(host + "-" + UUID.randomUUID().toString().substring(0, 8));
    // A replica that loses the Lease exits (its pod restarts as a follower), as JOSDK does by
    // default;
    // but JOSDK's System.exit on the stopping thread deadlocks when the loss is our own shutdown
    // (SIGTERM: the JVM is already in its shutdown hooks). From a daemon thread, the exit either
    // shuts the JVM down or, during a shutdown, waits harmlessly until the JVM halts.
    builder
        .withExitOnStopLeading(false)
        .withLeaderCallbacks(
            new LeaderCallbacks(
                () -> {},
                () -> {
                  Thread exit = new Thread(() -> System.exit(1), "spaceport-lost-lease");
                  exit.setDaemon(true);
                  exit.start();
                },
                leader -> {}));
    return builder.build();
  }
}
