package dev.spaceport.rules;

import dev.spaceport.api.Space;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names, labels and annotations Spaceport puts on what it owns, in one place. */
public final class SpaceLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "spaceport";
  public static final String SPACE = "spaceport.dev/space";
  public static final String HARDWARE = "spaceport.dev/hardware";

  /** Selects everything Spaceport owns; informers are filtered by it. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;

  /** Set on a Space to restart it: its value is copied to the pod template, which rolls the pod. */
  public static final String RESTARTED_AT = "spaceport.dev/restartedAt";

  /**
   * On a sleeping Space's Deployment: since when it sleeps. The Deployment records the sleep as
   * well as status, since a reconcile may read a Space from a cache that has not yet seen its own
   * status write, and must not take a Space that has just fallen asleep for one that never did.
   */
  public static final String SLEEPING_SINCE = "spaceport.dev/sleeping-since";

  /**
   * On the Deployment of a Space that runs on a fallback flavor: why (the requested flavor could
   * not be scheduled, and the scheduler's message). Its pod template's hardware label says which.
   */
  public static final String FALLBACK_REASON = "spaceport.dev/hardware-fallback-reason";

  /** On the pod template: identifies the pods of the Deployment's current template. */
  public static final String TEMPLATE_HASH = "spaceport.dev/template-hash";

  private SpaceLabels() {}

  /** Labels of every object a Space owns. */
  public static Map<String, String> of(Space space) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "space");
    labels.put("app.kubernetes.io/instance", space.getMetadata().getName());
    labels.put("app.kubernetes.io/component", "app");
    labels.put(MANAGED_BY, MANAGER);
    labels.put(SPACE, space.getMetadata().getName());
    return labels;
  }

  /** The Deployment's selector: stable for the Space's life. */
  public static Map<String, String> selector(Space space) {
    return Map.of(SPACE, space.getMetadata().getName(), MANAGED_BY, MANAGER);
  }
}
