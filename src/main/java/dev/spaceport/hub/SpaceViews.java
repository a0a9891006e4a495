package dev.spaceport.hub;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.api.Visibility;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.Durations;
import dev.spaceport.rules.SpaceDefaults;
import dev.spaceport.rules.SpaceHosts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.revwalk.RevCommit;

/** A Space as the Hub's client reads it: SpaceRuntime and SpaceInfo (docs/hub-api.md §3). */
final class SpaceViews {

  /** What the repository says of a Space at its head; empty for Spaces made with kubectl. */
  record Files(RevCommit head, ReadmeCard card, List<RepositoryFiles.Entry> entries) {}

  private SpaceViews() {}

  /** SpaceRuntime: {@code stage} always, {@code hardware} always an object. */
  static Map<String, Object> runtime(
      Space space, Optional<HardwareFlavor> flavor, SpaceportConfig config) {
    SpaceStatus status = space.getStatus();
    Map<String, Object> rt = new LinkedHashMap<>();
    rt.put("stage", stage(space));
    Map<String, Object> hardware = new LinkedHashMap<>();
    String requested = space.getSpec().getHardware();
    String current = null;
    if (status != null && status.getHardware() != null) {
      current = status.getHardware().getCurrent();
      if (requested == null) {
        requested = status.getHardware().getRequested();
      }
    }
    hardware.put("current", current);
    hardware.put("requested", requested);
    rt.put("hardware", hardware);
    rt.put("storage", null);
    rt.put("gcTimeout", gcTimeout(space, flavor));
    rt.put("replicas", Map.of("requested", SpaceDefaults.paused(space) ? 0 : 1));
    rt.put("devMode", false);
    rt.put("domains", List.of(Map.of("domain", SpaceHosts.host(space, config), "stage", "READY")));
    if (status != null && status.getMessage() != null && isError(stage(space))) {
      rt.put("errorMessage", status.getMessage());
    }
    rt.put(
        "sdk",
        space.getSpec().getSdk() == null ? null : space.getSpec().getSdk().name().toLowerCase());
    return rt;
  }

  /**
   * status.stage, which uses the Hub's names; an owner's pause shows at once (the client's
   * pause_space expects it), and a Space the operator has not seen yet, or not since its restart,
   * is starting.
   */
  static String stage(Space space) {
    if (SpaceDefaults.paused(space)) {
      return "PAUSED";
    }
    SpaceStatus status = space.getStatus();
    if (status == null
        || status.getStage() == null
        // Just restarted: the operator has not yet seen that its owner no longer pauses it.
        || status.getStage().equals("PAUSED")) {
      return "APP_STARTING";
    }
    return status.getStage();
  }

  private static boolean isError(String stage) {
    return stage.endsWith("_ERROR");
  }

  /** Seconds, or null for never (the Hub's way for hardware that does not sleep). */
  static Long gcTimeout(Space space, Optional<HardwareFlavor> flavor) {
    Optional<Duration> sleep =
        flavor
            .map(f -> SpaceDefaults.sleepTime(space, f))
            .orElseGet(
                () ->
                    Optional.ofNullable(space.getSpec().getSleepTime()).flatMap(Durations::parse));
    return sleep.map(Duration::getSeconds).orElse(null);
  }

  static Map<String, Object> info(
      Space space,
      Optional<Files> files,
      Optional<HardwareFlavor> flavor,
      SpaceportConfig config,
      boolean withRuntime) {
    String ns = space.getMetadata().getNamespace();
    String name = space.getMetadata().getName();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("_id", space.getMetadata().getUid());
    info.put("id", ns + "/" + name);
    info.put("author", ns);
    info.put("sha", files.map(f -> f.head().name()).orElse(null));
    info.put("createdAt", space.getMetadata().getCreationTimestamp());
    info.put(
        "lastModified",
        files
            .map(f -> Instant.ofEpochSecond(f.head().getCommitTime()).toString())
            .orElse(space.getMetadata().getCreationTimestamp()));
    info.put("private", space.getSpec().getVisibility() == Visibility.PRIVATE);
    info.put("gated", false);
    info.put("disabled", false);
    info.put("likes", 0);
    info.put("tags", List.of());
    String sdk = files.map(f -> f.card().text("sdk")).orElse(null);
    if (sdk == null && space.getSpec().getSdk() != null) {
      sdk = space.getSpec().getSdk().name().toLowerCase();
    }
    info.put("sdk", sdk);
    String url =
        space.getStatus() != null && space.getStatus().getUrl() != null
            ? space.getStatus().getUrl()
            : SpaceHosts.url(space, config);
    info.put("host", url.replaceAll("/+$", ""));
    info.put("subdomain", SpaceHosts.label(ns, name));
    info.put("cardData", files.map(f -> f.card().data()).orElse(Map.of()));
    List<Map<String, Object>> siblings = new ArrayList<>();
    files.ifPresent(
        f ->
            f.entries().stream()
                .filter(RepositoryFiles.Entry::isFile)
                .forEach(
                    e ->
                        siblings.add(
                            Map.of(
                                "rfilename",
                                e.path(),
                                "size",
                                e.size(),
                                "blobId",
                                e.id().name()))));
    info.put("siblings", siblings);
    info.put("xetEnabled", false);
    if (withRuntime) {
      info.put("runtime", runtime(space, flavor, config));
    }
    return info;
  }
}
