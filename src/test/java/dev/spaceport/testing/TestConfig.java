package dev.spaceport.testing;

import dev.spaceport.config.SpaceportConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A hand-written {@link SpaceportConfig} with the shipped defaults, for unit tests of the pure
 * builders.
 */
public record TestConfig(
    String domain,
    String scheme,
    Optional<Integer> publicPort,
    Optional<String> ingressClass,
    Map<String, String> ingressAnnotations,
    Optional<String> tls,
    List<String> passedAnnotations)
    implements SpaceportConfig {

  public static TestConfig defaults() {
    return new TestConfig(
        "spaces.localhost",
        "http",
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        List.of());
  }

  @Override
  public Ingress ingress() {
    return new Ingress() {
      @Override
      public Optional<String> className() {
        return ingressClass;
      }

      @Override
      public Map<String, String> annotations() {
        return ingressAnnotations;
      }

      @Override
      public Optional<String> tlsSecret() {
        return tls;
      }
    };
  }

  @Override
  public Runtime runtime() {
    return new Runtime() {
      @Override
      public String gradioImage() {
        return "runtime-gradio:1";
      }

      @Override
      public String streamlitImage() {
        return "runtime-streamlit:1";
      }

      @Override
      public String staticImage() {
        return "runtime-static:1";
      }

      @Override
      public String gitImage() {
        return "git-clone:1";
      }
    };
  }

  @Override
  public List<Role> roles() {
    return List.of(Role.OPERATOR);
  }

  @Override
  public Gateway gateway() {
    throw new UnsupportedOperationException(
        "the pure builders do not read the gateway's configuration");
  }

  /** The chart's settings: the gateway's pods in namespace spaceport, selected by component. */
  @Override
  public NetworkPolicy networkPolicy() {
    return new NetworkPolicy() {
      @Override
      public boolean enabled() {
        return true;
      }

      @Override
      public Optional<String> gatewayNamespace() {
        return Optional.of("spaceport");
      }

      @Override
      public Map<String, String> gatewayPodLabels() {
        return Map.of("app.kubernetes.io/component", "gateway");
      }
    };
  }

  @Override
  public LeaderElection leaderElection() {
    throw new UnsupportedOperationException(
        "the pure builders do not read the leader election's configuration");
  }

  @Override
  public Hub hub() {
    throw new UnsupportedOperationException(
        "the pure builders do not read the hub's configuration");
  }

  @Override
  public Gpus gpus() {
    throw new UnsupportedOperationException("the pure builders do not read the GPU settings");
  }

  @Override
  public Optional<List<String>> podAnnotationsFromSpace() {
    return Optional.of(passedAnnotations);
  }
}
