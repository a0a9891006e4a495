package dev.spaceport.operator;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The clock status.usage is counted by. A bean of its own so that a test can run a Space's day on
 * an injected clock while the cluster runs on the real one.
 */
@ApplicationScoped
public class UsageClock {

  public Instant now() {
    return Instant.now();
  }
}
