package dev.spaceport.hub;

import java.util.Map;

/**
 * An answer the Hub's client understands: its status, the {@code X-Error-Code} it maps to an
 * exception class, and a message (docs/hub-api.md).
 */
final class HubError extends RuntimeException {

  /** The client raises RepositoryNotFoundError only for 404s that carry this code. */
  static final String REPO_NOT_FOUND = "RepoNotFound";

  /** The message the client reads as "bad or missing token" rather than "no such repository". */
  static final String INVALID_CREDENTIALS = "Invalid credentials in Authorization header";

  final int status;
  final String errorCode;
  final Map<String, Object> extra;

  private HubError(int status, String errorCode, String message, Map<String, Object> extra) {
    super(message, null, false, false);
    this.status = status;
    this.errorCode = errorCode;
    this.extra = extra;
  }

  /** Missing, or hidden from this caller: the two must look the same. */
  static HubError repoNotFound(String id) {
    return new HubError(
        404, REPO_NOT_FOUND, "Repository Not Found for url: spaces/" + id, Map.of());
  }

  static HubError revisionNotFound(String revision) {
    return new HubError(404, "RevisionNotFound", "Invalid rev id: " + revision, Map.of());
  }

  static HubError entryNotFound(String path) {
    return new HubError(
        404, "EntryNotFound", "A file with this name doesn't exist: " + path, Map.of());
  }

  static HubError unauthorized() {
    return new HubError(401, null, INVALID_CREDENTIALS, Map.of());
  }

  static HubError forbidden(String message) {
    return new HubError(403, null, message, Map.of());
  }

  static HubError badRequest(String message) {
    return new HubError(400, null, message, Map.of());
  }

  /** create and duplicate: the client's exist_ok reads {@code url} from the 409's body. */
  static HubError alreadyExists(String id, String url) {
    return new HubError(
        409, null, "You already created this space repo: " + id, Map.of("url", url));
  }

  static HubError conflict(String message) {
    return new HubError(409, null, message, Map.of());
  }

  static HubError parentMoved(String expected, String actual) {
    return new HubError(
        412,
        null,
        "Parent commit " + expected + " is not the head of the branch (" + actual + ")",
        Map.of());
  }

  static HubError tooLarge(String message) {
    return new HubError(413, null, message, Map.of());
  }

  static HubError notFound(String message) {
    return new HubError(404, null, message, Map.of());
  }
}
