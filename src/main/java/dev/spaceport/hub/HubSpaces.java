package dev.spaceport.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceport.api.GitSource;
import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Sdk;
import dev.spaceport.api.SecretKeyReference;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSecret;
import dev.spaceport.api.SpaceSource;
import dev.spaceport.api.SpaceSpec;
import dev.spaceport.api.Visibility;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.Durations;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The Hub's settings of a Space, kept where the operator reads them: the Space's spec (hardware,
 * sleep time, variables, pause, the README's sdk and app settings, the git revision) and one Secret
 * owned by the Space for its secrets.
 */
@ApplicationScoped
class HubSpaces {

  /** Descriptions and update times of variables and secrets, which the spec has no room for. */
  static final String VARIABLES_META = "hub.spaceport.dev/variables";

  static final String SECRETS_META = "hub.spaceport.dev/secrets";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final int EDIT_ATTEMPTS = 10;

  @Inject KubernetesClient client;

  @Inject SpaceportConfig config;

  Optional<Space> find(String ns, String name) {
    try {
      return Optional.ofNullable(
          client.resources(Space.class).inNamespace(ns).withName(name).get());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 403) {
        return Optional.empty();
      }
      throw e;
    }
  }

  Space require(String ns, String name) {
    return find(ns, name).orElseThrow(() -> HubError.repoNotFound(ns + "/" + name));
  }

  /** Every Space, or a namespace's, in a stable order (namespace, then name). */
  List<Space> list(String ns) {
    List<Space> spaces =
        new ArrayList<>(
            ns == null
                ? client.resources(Space.class).inAnyNamespace().list().getItems()
                : client.resources(Space.class).inNamespace(ns).list().getItems());
    spaces.sort(
        java.util.Comparator.comparing((Space s) -> s.getMetadata().getNamespace())
            .thenComparing(s -> s.getMetadata().getName()));
    return spaces;
  }

  Optional<HardwareFlavor> flavor(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(client.resources(HardwareFlavor.class).withName(name).get());
  }

  List<HardwareFlavor> flavorsSorted() {
    List<HardwareFlavor> flavors =
        new ArrayList<>(client.resources(HardwareFlavor.class).list().getItems());
    flavors.sort(java.util.Comparator.comparing(f -> f.getMetadata().getName()));
    return flavors;
  }

  /** A flavor that exists, or a 400 that lists those that do. */
  String requireFlavor(String name) {
    if (flavor(name).isPresent()) {
      return name;
    }
    List<String> names = flavorsSorted().stream().map(f -> f.getMetadata().getName()).toList();
    throw HubError.badRequest(
        "Unknown hardware flavor " + name + "; this cluster has: " + String.join(", ", names));
  }

  /** The clone URL of a hub repository, which makes a Space's source the hub's. */
  String cloneUrl(String base, String ns, String name) {
    return config.hub().cloneUrl().orElse(base).replaceAll("/+$", "")
        + "/spaces/"
        + ns
        + "/"
        + name;
  }

  /** The Space's new spec from a create (or duplicate) call; secrets are written after it. */
  Space newSpace(
      String ns,
      String name,
      Sdk sdk,
      String cloneUrl,
      ObjectId revision,
      String hardware,
      String sleepTime,
      Map<String, String> variables,
      Visibility visibility,
      String user) {
    Space space = new Space();
    space.getMetadata().setNamespace(ns);
    space.getMetadata().setName(name);
    space.getMetadata().setAnnotations(new TreeMap<>(Map.of("hub.spaceport.dev/created-by", user)));
    SpaceSpec spec = new SpaceSpec();
    spec.setSdk(sdk);
    spec.setTitle(name);
    SpaceSource source = new SpaceSource();
    GitSource git = new GitSource();
    git.setUrl(cloneUrl);
    git.setRevision(revision.name());
    git.setTokenAudience(config.hub().tokenAudience());
    source.setGit(git);
    spec.setSource(source);
    spec.setHardware(hardware);
    spec.setSleepTime(sleepTime);
    spec.setVariables(variables.isEmpty() ? null : new TreeMap<>(variables));
    spec.setVisibility(visibility);
    space.setSpec(spec);
    return space;
  }

  Space create(Space space) {
    try {
      return client.resource(space).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw HubError.conflict("Space " + space.getMetadata().getName() + " already exists");
      }
      if (e.getCode() == 404) {
        throw HubError.badRequest(
            "Namespace " + space.getMetadata().getNamespace() + " does not exist: ask an admin");
      }
      if (e.getCode() == 422 || e.getCode() == 400) {
        throw HubError.badRequest(apiMessage(e));
      }
      throw e;
    }
  }

  void delete(String ns, String name) {
    client.resources(Space.class).inNamespace(ns).withName(name).delete();
  }

  /**
   * A change to the Space's latest version, tried again when the operator wrote it in between
   * (optimistic locking: a 409); the API server's refusal (an invalid value) is a 400.
   */
  Space edit(String ns, String name, Consumer<Space> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client
            .resources(Space.class)
            .inNamespace(ns)
            .withName(name)
            .edit(
                s -> {
                  change.accept(s);
                  return s;
                });
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 && attempt < EDIT_ATTEMPTS) {
          continue;
        }
        if (e.getCode() == 404) {
          throw HubError.repoNotFound(ns + "/" + name);
        }
        if (e.getCode() == 422 || e.getCode() == 400) {
          throw HubError.badRequest(apiMessage(e));
        }
        throw e;
      }
    }
  }

  /** A commit on the branch: the README's settings and the new revision roll the Space out. */
  void applyCommit(String ns, String name, ObjectId commit, ReadmeCard card) {
    edit(
        ns,
        name,
        space -> {
          SpaceSpec spec = space.getSpec();
          if (spec.getSource() == null || spec.getSource().getGit() == null) {
            return;
          }
          spec.getSource().getGit().setRevision(commit.name());
          String sdk = card.text("sdk");
          if (sdk != null && ReadmeCard.SDKS.contains(sdk)) {
            spec.setSdk(Sdk.valueOf(sdk.toUpperCase(Locale.ROOT)));
          }
          spec.setAppFile(card.text("app_file"));
          spec.setAppPort(card.appPort());
          spec.setPythonVersion(card.text("python_version"));
          spec.setSdkVersion(card.text("sdk_version"));
          spec.setTitle(
              card.text("title") == null ? space.getMetadata().getName() : card.text("title"));
        });
  }

  /** The last lines of the app's log in the Space's newest pod; none while no pod runs. */
  String runLog(String ns, String name, int lines) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel(SpaceLabels.SPACE, name)
        .list()
        .getItems()
        .stream()
        .max(java.util.Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .map(
            pod -> {
              try {
                return client
                    .pods()
                    .inNamespace(ns)
                    .withName(pod.getMetadata().getName())
                    .inContainer("app")
                    .tailingLines(lines)
                    .getLog();
              } catch (KubernetesClientException e) {
                // Not started yet, or a node whose kubelet serves no logs.
                return "";
              }
            })
        .orElse("");
  }

  /** Seconds as the Hub counts sleep time (-1: never) into the spec's duration. */
  static String sleepTime(long seconds) {
    if (seconds < 0) {
      return "never";
    }
    if (seconds == 0) {
      throw HubError.badRequest("sleep time must be longer than zero, or -1 for never");
    }
    return Durations.format(Duration.ofSeconds(seconds));
  }

  // Secrets: values go into one Secret the Space owns; the spec names each key.

  static String secretName(Space space) {
    return space.getMetadata().getName() + "-hub-secrets";
  }

  void putSecret(Space space, String key, String value, String description) {
    String ns = space.getMetadata().getNamespace();
    String name = secretName(space);
    Secret existing = client.secrets().inNamespace(ns).withName(name).get();
    Map<String, String> data =
        existing == null || existing.getData() == null
            ? new TreeMap<>()
            : new TreeMap<>(existing.getData());
    data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .withLabels(
                Map.of(
                    SpaceLabels.MANAGED_BY,
                    SpaceLabels.MANAGER,
                    SpaceLabels.SPACE,
                    space.getMetadata().getName()))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(space.getApiVersion())
                    .withKind(space.getKind())
                    .withName(space.getMetadata().getName())
                    .withUid(space.getMetadata().getUid())
                    .build())
            .endMetadata()
            .withType("Opaque")
            .withData(data)
            .build();
    client.resource(secret).serverSideApply();
    edit(
        ns,
        space.getMetadata().getName(),
        s -> {
          List<SpaceSecret> secrets =
              s.getSpec().getSecrets() == null
                  ? new ArrayList<>()
                  : new ArrayList<>(s.getSpec().getSecrets());
          secrets.removeIf(x -> key.equals(x.getName()));
          SpaceSecret ref = new SpaceSecret();
          ref.setName(key);
          SecretKeyReference keyRef = new SecretKeyReference();
          keyRef.setName(name);
          keyRef.setKey(key);
          ref.setSecretRef(keyRef);
          secrets.add(ref);
          s.getSpec().setSecrets(secrets);
          Map<String, Map<String, String>> meta = readMeta(s, SECRETS_META);
          meta.put(key, meta(description));
          annotate(s, SECRETS_META, meta);
        });
  }

  void deleteSecret(Space space, String key) {
    String ns = space.getMetadata().getNamespace();
    edit(
        ns,
        space.getMetadata().getName(),
        s -> {
          if (s.getSpec().getSecrets() != null) {
            List<SpaceSecret> secrets = new ArrayList<>(s.getSpec().getSecrets());
            secrets.removeIf(x -> key.equals(x.getName()));
            s.getSpec().setSecrets(secrets.isEmpty() ? null : secrets);
          }
          Map<String, Map<String, String>> meta = readMeta(s, SECRETS_META);
          meta.remove(key);
          annotate(s, SECRETS_META, meta);
        });
    client
        .secrets()
        .inNamespace(ns)
        .withName(secretName(space))
        .edit(
            secret -> {
              if (secret.getData() != null) {
                secret.getData().remove(key);
              }
              return secret;
            });
  }

  /** The keys of the Space's secrets with their descriptions; never a value. */
  Map<String, Map<String, String>> secretsMeta(Space space) {
    Map<String, Map<String, String>> meta = readMeta(space, SECRETS_META);
    if (space.getSpec().getSecrets() != null) {
      for (SpaceSecret s : space.getSpec().getSecrets()) {
        meta.putIfAbsent(s.getName(), new LinkedHashMap<>());
      }
    }
    meta.keySet()
        .removeIf(
            k ->
                space.getSpec().getSecrets() == null
                    || space.getSpec().getSecrets().stream().noneMatch(s -> s.getName().equals(k)));
    return meta;
  }

  Space putVariable(Space space, String key, String value, String description) {
    return edit(
        space.getMetadata().getNamespace(),
        space.getMetadata().getName(),
        s -> {
          Map<String, String> vars =
              s.getSpec().getVariables() == null
                  ? new TreeMap<>()
                  : new TreeMap<>(s.getSpec().getVariables());
          vars.put(key, value);
          s.getSpec().setVariables(vars);
          Map<String, Map<String, String>> meta = readMeta(s, VARIABLES_META);
          meta.put(key, meta(description));
          annotate(s, VARIABLES_META, meta);
        });
  }

  Space deleteVariable(Space space, String key) {
    return edit(
        space.getMetadata().getNamespace(),
        space.getMetadata().getName(),
        s -> {
          if (s.getSpec().getVariables() != null) {
            Map<String, String> vars = new TreeMap<>(s.getSpec().getVariables());
            vars.remove(key);
            s.getSpec().setVariables(vars.isEmpty() ? null : vars);
          }
          Map<String, Map<String, String>> meta = readMeta(s, VARIABLES_META);
          meta.remove(key);
          annotate(s, VARIABLES_META, meta);
        });
  }

  /** The Hub's variables map: {KEY: {value, description?, updatedAt?}}. */
  static Map<String, Map<String, String>> variables(Space space) {
    Map<String, Map<String, String>> meta = readMeta(space, VARIABLES_META);
    Map<String, Map<String, String>> out = new TreeMap<>();
    if (space.getSpec().getVariables() != null) {
      space
          .getSpec()
          .getVariables()
          .forEach(
              (k, v) -> {
                Map<String, String> entry = new LinkedHashMap<>();
                entry.put("value", v);
                entry.putAll(meta.getOrDefault(k, Map.of()));
                out.put(k, entry);
              });
    }
    return out;
  }

  private static Map<String, String> meta(String description) {
    Map<String, String> m = new LinkedHashMap<>();
    if (description != null && !description.isEmpty()) {
      m.put("description", description);
    }
    m.put("updatedAt", Instant.now().toString());
    return m;
  }

  private static Map<String, Map<String, String>> readMeta(Space space, String annotation) {
    Map<String, String> annotations = space.getMetadata().getAnnotations();
    String raw = annotations == null ? null : annotations.get(annotation);
    if (raw == null) {
      return new TreeMap<>();
    }
    try {
      return new TreeMap<>(
          JSON.readValue(raw, new TypeReference<Map<String, Map<String, String>>>() {}));
    } catch (JsonProcessingException e) {
      return new TreeMap<>();
    }
  }

  private static void annotate(Space s, String annotation, Map<String, Map<String, String>> meta) {
    Map<String, String> annotations =
        s.getMetadata().getAnnotations() == null
            ? new TreeMap<>()
            : new TreeMap<>(s.getMetadata().getAnnotations());
    try {
      if (meta.isEmpty()) {
        annotations.remove(annotation);
      } else {
        annotations.put(annotation, JSON.writeValueAsString(meta));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    s.getMetadata().setAnnotations(annotations);
  }

  static String apiMessage(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return e.getMessage();
  }
}
