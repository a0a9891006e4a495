package dev.spaceport.hub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommitPathsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "a/../../x",
        "/etc/passwd",
        ".git/config",
        "a/.GIT/hooks/pre-commit",
        "a\u0000b",
        "a\\b",
        "a//b",
        "",
        ".",
        "a/./b",
        "a/",
        "\u001b[31m"
      })
  void pathsOutOfTheRepositoryOrIntoGitAreRefused(String path) {
    assertThat(CommitPaths.problem(path)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "app.py",
        "src/app.py",
        ".gitattributes",
        "a/b/c.txt",
        "données.csv",
        "..a",
        "a.."
      })
  void filesInTheRepositoryAreAccepted(String path) {
    assertThat(CommitPaths.problem(path)).isNull();
  }
}
