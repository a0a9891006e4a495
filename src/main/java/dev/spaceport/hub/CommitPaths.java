package dev.spaceport.hub;

/**
 * A path in a commit names a file inside the repository and nothing else: no way out ({@code ..},
 * absolute), no way into git's own files ({@code .git}), no bytes a file system reads otherwise.
 */
final class CommitPaths {

  static final int MAX_LENGTH = 1024;

  private CommitPaths() {}

  static String checked(String path) {
    String problem = problem(path);
    if (problem != null) {
      throw HubError.badRequest("Invalid path in commit: " + problem);
    }
    return path;
  }

  /** Null for a path we accept. */
  static String problem(String path) {
    if (path == null || path.isEmpty()) {
      return "empty path";
    }
    if (path.length() > MAX_LENGTH) {
      return "path longer than " + MAX_LENGTH + " characters";
    }
    if (path.startsWith("/")) {
      return "absolute path";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\u0000' || c < 0x20 || c == 0x7f) {
        return "control character in path";
      }
      if (c == '\\') {
        return "backslash in path";
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        return "empty segment in path";
      }
      if (segment.equals("..") || segment.equals(".")) {
        return "'" + segment + "' in path";
      }
      if (segment.equalsIgnoreCase(".git")) {
        return ".git in path";
      }
    }
    return null;
  }
}
