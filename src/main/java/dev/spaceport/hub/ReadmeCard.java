package dev.spaceport.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Space README's YAML header ("card"), which says how the Space runs: sdk, app_file, app_port,
 * python_version, sdk_version, title (https://huggingface.co/docs/hub/spaces-config-reference).
 */
record ReadmeCard(Map<String, Object> data, List<String> errors) {

  static final Set<String> SDKS = Set.of("gradio", "streamlit", "docker", "static");

  private static final Pattern HEADER =
      Pattern.compile(
          "\\A\\uFEFF?---[ \\t]*\\r?\\n(.*?)(?:\\r?\\n)?---[ \\t]*(?:\\r?\\n|\\z)", Pattern.DOTALL);

  private static final YAMLMapper YAML = new YAMLMapper();

  static ReadmeCard parse(String readme) {
    Matcher m = HEADER.matcher(readme == null ? "" : readme);
    if (!m.find()) {
      return new ReadmeCard(Map.of(), List.of());
    }
    Map<String, Object> data;
    try {
      Object parsed = YAML.readValue(m.group(1), Object.class);
      if (parsed == null) {
        return new ReadmeCard(Map.of(), List.of());
      }
      if (!(parsed instanceof Map)) {
        return new ReadmeCard(Map.of(), List.of("The README header must be a YAML mapping"));
      }
      data = YAML.convertValue(parsed, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return new ReadmeCard(
          Map.of(), List.of("The README header is not valid YAML: " + firstLine(e.getMessage())));
    }
    List<String> errors = new ArrayList<>();
    Object sdk = data.get("sdk");
    if (sdk != null && !SDKS.contains(String.valueOf(sdk))) {
      errors.add("\"sdk\" must be one of " + String.join(", ", SDKS.stream().sorted().toList()));
    }
    Object port = data.get("app_port");
    if (port != null && !(port instanceof Integer p && p >= 1 && p <= 65535)) {
      errors.add("\"app_port\" must be a port number (1-65535)");
    }
    Object appFile = data.get("app_file");
    if (appFile != null && CommitPaths.problem(String.valueOf(appFile)) != null) {
      errors.add("\"app_file\" must be a path in the repository");
    }
    return new ReadmeCard(data, errors);
  }

  String text(String key) {
    Object value = data.get(key);
    return value == null ? null : String.valueOf(value);
  }

  Integer appPort() {
    return data.get("app_port") instanceof Integer p ? p : null;
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
