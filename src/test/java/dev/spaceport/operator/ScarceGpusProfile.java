package dev.spaceport.operator;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Making room on, and the GPU timings short enough for a test to wait out. */
public class ScarceGpusProfile implements QuarkusTestProfile {

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "spaceport.gpus.fallback-after", "8s",
        "spaceport.gpus.making-room.enabled", "true",
        "spaceport.gpus.making-room.min-idle", "3s",
        "spaceport.gpus.usage-interval", "2s",
        "spaceport.gpus.serving-window", "3s");
  }
}
