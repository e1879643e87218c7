package dev.hearth.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsServeOnLoopbackWithAnEmbeddedDatabaseAndTheOpenAiAliases() {
    HearthConfig config = ConfigLoader.defaults().set("data_dir", dir.toString()).load();

    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.database().url()).isEqualTo("jdbc:sqlite:" + dir.resolve("hearth.db"));
    assertThat(config.modelCacheDir()).isEqualTo(dir.resolve("models"));
    assertThat(config.models()).flatExtracting(ModelConfig::aliases)
        .contains("gpt-4o-mini", "gpt-4o", "gpt-3.5-turbo", "text-embedding-3-small", "whisper-1", "tts-1", "omni-moderation-latest");
  }

  @Test
  void fileThenEnvironmentThenSetOverridesWinInThatOrder() throws IOException {
    Path file = dir.resolve("hearth.yaml");
    Files.writeString(file, """
        server:
          port: 9001
          host: 0.0.0.0
        """);
    HearthConfig config = ConfigLoader.defaults()
        .file(file)
        .environment(Map.of("HEARTH_SERVER__PORT", "9002", "HEARTH_HOME", dir.toString(), "PATH", "/bin",
            "HEARTH_PG_URL", "jdbc:postgresql://elsewhere/db"))
        .setAssignment("server.max_request_bytes=2048")
        .load();

    assertThat(config.server().port()).isEqualTo(9002);
    assertThat(config.server().host()).isEqualTo("0.0.0.0");
    assertThat(config.server().maxRequestBytes()).isEqualTo(2048);
    assertThat(config.dataDir()).isEqualTo(dir);
  }

  @Test
  void userModelsMergeIntoTheDefaultsById() throws IOException {
    Path file = dir.resolve("hearth.yaml");
    Files.writeString(file, """
        models:
          - id: qwen2.5-0.5b-instruct
            source: /models/qwen.gguf
          - id: sphinx-en-us
            enabled: false
          - id: vllm-llama
            engine: upstream
            aliases: [gpt-4.5]
            options: {base_url: "http://gpu:8000/v1"}
        """);
    HearthConfig config = ConfigLoader.defaults().file(file).load();

    ModelConfig qwen = config.models().stream().filter(m -> m.id().equals("qwen2.5-0.5b-instruct")).findFirst().orElseThrow();
    assertThat(qwen.source()).isEqualTo("/models/qwen.gguf");
    assertThat(qwen.aliases()).contains("gpt-4o-mini");
    assertThat(config.models()).extracting(ModelConfig::id).doesNotContain("sphinx-en-us").contains("vllm-llama");
    ModelConfig upstream = config.models().getLast();
    assertThat(upstream.engine()).isEqualTo(EngineKind.UPSTREAM);
    assertThat(upstream.options()).containsEntry("base_url", "http://gpu:8000/v1");
  }

  @Test
  void aBadValueIsOneLineNamingTheKey() {
    assertThatThrownBy(() -> ConfigLoader.defaults().set("server.port", "eighty").load())
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: server.port: expected an integer, got 'eighty'");
    assertThatThrownBy(() -> ConfigLoader.defaults().set("server.port", "70000").load())
        .hasMessage("config: server.port: must be between 0 and 65535, got 70000");
    assertThatThrownBy(() -> ConfigLoader.defaults().set("server.prot", "1").load())
        .hasMessage("config: server.prot: unknown key");
    assertThatThrownBy(() -> ConfigLoader.defaults().environment(Map.of("HEARTH_SERVER__PROT", "1")).load())
        .hasMessage("config: server.prot: unknown key");
    assertThatThrownBy(() -> ConfigLoader.defaults().set("database.url", "mysql://x").load())
        .hasMessageStartingWith("config: database.url: expected a jdbc:sqlite: or jdbc:postgresql: URL");
  }

  @Test
  void modelErrorsNameTheModel() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        models:
          - id: mine
            engine: tensorflow
        """);
    assertThatThrownBy(() -> ConfigLoader.defaults().file(file).load())
        .hasMessageStartingWith("config: models[mine].engine: unknown engine 'tensorflow' (known: gguf, onnx-embedding");

    Files.writeString(file, """
        models:
          - id: second
            engine: gguf
            aliases: [gpt-4o-mini]
        """);
    assertThatThrownBy(() -> ConfigLoader.defaults().file(file).load())
        .hasMessage("config: models[second]: the name 'gpt-4o-mini' is already used by another model or alias");
  }

  @Test
  void invalidYamlAndMissingFilesAreReportedWithTheFileName() throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "server: [unclosed");
    assertThatThrownBy(() -> ConfigLoader.defaults().file(file).load())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: " + file + ": not valid YAML");
    assertThatThrownBy(() -> ConfigLoader.defaults().file(dir.resolve("nope.yaml")))
        .hasMessageStartingWith("config: --config: no such file");
  }
}
