package dev.spaceport.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Dockerfiles read as their instructions: no Docker engine runs here, so tests check the files. */
public final class Dockerfiles {

  private static final Pattern ENV_PAIR = Pattern.compile("([\\w.-]+)=(\"[^\"]*\"|\\S*)");

  /** One instruction: its keyword in upper case and its arguments, continuation lines joined. */
  public record Instruction(String keyword, String arguments) {}

  private Dockerfiles() {}

  /** The file's instructions with continuation lines joined and comments dropped. */
  public static List<Instruction> instructions(Path file) throws IOException {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String[] parts = current.toString().split("\\s+", 2);
      out.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
      current.setLength(0);
    }
    return out;
  }

  /**
   * The arguments of the last instruction with this keyword, the one in force in the final image.
   */
  public static Optional<String> last(List<Instruction> instructions, String keyword) {
    return instructions.stream()
        .filter(i -> i.keyword().equals(keyword))
        .reduce((a, b) -> b)
        .map(i -> i.arguments().trim());
  }

  /**
   * The name=value pairs of every instruction with this keyword (ENV, LABEL, ARG), later ones
   * winning.
   */
  public static Map<String, String> pairs(List<Instruction> instructions, String keyword) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals(keyword)) {
        Matcher pair = ENV_PAIR.matcher(instruction.arguments());
        while (pair.find()) {
          pairs.put(pair.group(1), pair.group(2).replace("\"", ""));
        }
      }
    }
    return pairs;
  }
}
