package dev.spaceport.hub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadmeCardTest {

  @Test
  void theHeaderSaysHowTheSpaceRuns() {
    ReadmeCard card =
        ReadmeCard.parse(
            "---\ntitle: Demo\nsdk: streamlit\napp_file: src/main.py\napp_port: 8502\n"
                + "python_version: '3.11'\nsdk_version: 1.40.0\n---\n# Demo\n");
    assertThat(card.errors()).isEmpty();
    assertThat(card.text("sdk")).isEqualTo("streamlit");
    assertThat(card.text("app_file")).isEqualTo("src/main.py");
    assertThat(card.appPort()).isEqualTo(8502);
    assertThat(card.text("python_version")).isEqualTo("3.11");
    assertThat(card.text("title")).isEqualTo("Demo");
  }

  @Test
  void noHeaderIsAnEmptyCard() {
    assertThat(ReadmeCard.parse("# Just text\n---\nsdk: gradio\n---\n").data()).isEmpty();
    assertThat(ReadmeCard.parse(null).errors()).isEmpty();
  }

  @Test
  void badValuesAreNamed() {
    assertThat(ReadmeCard.parse("---\nsdk: flask\n---\n").errors())
        .singleElement()
        .asString()
        .contains("sdk");
    assertThat(ReadmeCard.parse("---\napp_port: 99999\n---\n").errors())
        .singleElement()
        .asString()
        .contains("app_port");
    assertThat(ReadmeCard.parse("---\napp_file: ../x.py\n---\n").errors())
        .singleElement()
        .asString()
        .contains("app_file");
    assertThat(ReadmeCard.parse("---\nsdk: [unclosed\n---\n").errors())
        .singleElement()
        .asString()
        .contains("YAML");
    assertThat(ReadmeCard.parse("---\n- a list\n---\n").errors())
        .singleElement()
        .asString()
        .contains("mapping");
  }
}
