package dev.spaceport.operator;

import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which updates of a Space need a reconcile: a new spec (generation), new annotations (since {@code
 * spaceport.dev/restartedAt} and the pod annotations a Space passes on live there), and the
 * gateway's status fields (a visit moves the sleep deadline; a wake request wakes the Space), and a
 * yield request (making room). The operator's own status patches do not.
 */
public class SpaceUpdateFilter implements OnUpdateFilter<Space> {

  @Override
  public boolean accept(Space updated, Space old) {
    return !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
        || !Objects.equals(
            updated.getMetadata().getAnnotations(), old.getMetadata().getAnnotations())
        || updated.getMetadata().getDeletionTimestamp() != null
        || !Objects.equals(gatewayFields(updated), gatewayFields(old));
  }

  private static List<Object> gatewayFields(Space space) {
    SpaceStatus status = space.getStatus();
    return status == null
        ? List.of()
        : Arrays.asList(
            status.getLastActivityTime(), status.getWakeRequestedAt(), status.getYieldRequest());
  }
}
