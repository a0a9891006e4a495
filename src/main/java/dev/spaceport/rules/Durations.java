package dev.spaceport.rules;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration strings of the Space API: 15m, 1h30m, 2d, or never. The CRD schema has validated
 * them.
 */
public final class Durations {

  private static final Pattern PART = Pattern.compile("([0-9]+)([smhd])");

  private Durations() {}

  /** Empty for "never". */
  public static Optional<Duration> parse(String value) {
    if ("never".equals(value)) {
      return Optional.empty();
    }
    Matcher m = PART.matcher(value);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
      end = m.end();
    }
    if (end != value.length() || end == 0) {
      throw new IllegalArgumentException("not a duration: " + value);
    }
    return Optional.of(total);
  }

  /** "1h30m" rather than PT1H30M, for messages people read. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    StringBuilder out = new StringBuilder();
    if (s >= 86400) {
      out.append(s / 86400).append('d');
      s %= 86400;
    }
    if (s >= 3600) {
      out.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      out.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || out.length() == 0) {
      out.append(s).append('s');
    }
    return out.toString();
  }
}
