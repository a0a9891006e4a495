package dev.spaceport.operator;

import dev.spaceport.api.Space;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Which updates of a Space need a reconcile: a new spec (generation) or new annotations, since
 * {@code spaceport.dev/restartedAt} and the pod annotations a Space passes on live there.
 * The operator's own status patches do not.
 */
public class SpaceUpdateFilter implements OnUpdateFilter<Space> {

    @Override
    public boolean accept(Space updated, Space old) {
        return !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
                || !Objects.equals(updated.getMetadata().getAnnotations(), old.getMetadata().getAnnotations())
                || updated.getMetadata().getDeletionTimestamp() != null;
    }
}
