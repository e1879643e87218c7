package dev.hearth.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.server.HearthServer;
import dev.hearth.server.config.ConfigException;
import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.config.ModelConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options of an {@code engine: upstream} model, each mistake told in one line naming its key. */
class UpstreamModelTest {
  static final Map<String, String> ENV = Map.of("VLLM_API_KEY", "sk-from-env-123456");

  static UpstreamModel of(String source, Map<String, Object> options) {
    return UpstreamModel.of(new ModelConfig("llama", EngineKind.UPSTREAM, source, List.of(), options, "vllm"), ENV::get);
  }

  static UpstreamModel of(Map<String, Object> options) {
    return of("", options);
  }

  @Test
  void readsTheKeyFromTheEnvironmentAndNeverShowsIt() {
    UpstreamModel m = of(Map.of("base_url", "http://gpu-1:8000/v1/", "api_key_env", "VLLM_API_KEY",
        "upstream_model", "meta-llama/Llama-3.1-8B-Instruct", "timeout_seconds", 30));
    assertThat(m.apiKey()).isEqualTo("sk-from-env-123456");
    assertThat(m.baseUrl()).hasToString("http://gpu-1:8000/v1");
    assertThat(m.endpoint("/chat/completions")).hasToString("http://gpu-1:8000/v1/chat/completions");
    assertThat(m.upstreamName()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
    assertThat(m.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(m.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(m.toString()).doesNotContain("sk-from-env").contains("llama");
    assertThat(m.scrub("Incorrect API key provided: sk-from-env-123456.")).isEqualTo("Incorrect API key provided: ***.");
  }

  @Test
  void withoutKeyOrNameTheIdIsTheUpstreamNameAndNoKeyIsSent() {
    UpstreamModel m = of(Map.of("base_url", "http://localhost:11434/v1"));
    assertThat(m.apiKey()).isNull();
    assertThat(m.upstreamName()).isEqualTo("llama");
    assertThat(m.streamUsage()).isTrue();
    assertThat(of(Map.of("base_url", "http://localhost:11434/v1", "stream_usage", false)).streamUsage()).isFalse();
  }

  @Test
  void mistakesAreOneLineNamingTheKey() {
    assertThatThrownBy(() -> of(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: models[llama].options.base_url: required for engine upstream");
    assertThatThrownBy(() -> of(Map.of("base_url", "gpu:8000")))
        .hasMessage("config: models[llama].options.base_url: expected an http:// or https:// URL with a host, got 'gpu:8000'");
    assertThatThrownBy(() -> of(Map.of("base_url", "http://user:secret@gpu/v1")))
        .hasMessage("config: models[llama].options.base_url: must not hold credentials; put the key in api_key_env");
    assertThatThrownBy(() -> of(Map.of("base_url", "http://gpu/v1", "api_key_env", "MISSING_KEY")))
        .hasMessage("config: models[llama].options.api_key_env: the environment variable MISSING_KEY is not set");
    assertThatThrownBy(() -> of(Map.of("base_url", "http://gpu/v1", "api_key_env", "VLLM_API_KEY", "api_key", "sk-1")))
        .hasMessage("config: models[llama].options.api_key: set either api_key_env (preferred) or api_key, not both");
    assertThatThrownBy(() -> of(Map.of("base_url", "http://gpu/v1", "timeout_seconds", "soon")))
        .hasMessage("config: models[llama].options.timeout_seconds: expected a whole number of seconds, got 'soon'");
    assertThatThrownBy(() -> of(Map.of("base_url", "http://gpu/v1", "connect_timeout_seconds", 0)))
        .hasMessage("config: models[llama].options.connect_timeout_seconds: must be between 1 and 3600, got 0");
    assertThatThrownBy(() -> of(Map.of("base_url", "http://gpu/v1", "upstream_model", 3)))
        .hasMessage("config: models[llama].options.upstream_model: expected a string, got 3");
    assertThatThrownBy(() -> of(Map.of("base_url", "http://gpu/v1", "api_kye", "x")))
        .hasMessageStartingWith("config: models[llama].options.api_kye: unknown option for engine upstream (known: api_key, ");
    assertThatThrownBy(() -> of(Map.of("base_url", "http://gpu/v1", "stream_usage", "no")))
        .hasMessage("config: models[llama].options.stream_usage: expected true or false, got 'no'");
    assertThatThrownBy(() -> of("hf://x/y.gguf", Map.of("base_url", "http://gpu/v1")))
        .hasMessage("config: models[llama].source: not used by engine upstream; set options.base_url instead");
  }

  @Test
  void theServerDoesNotStartWithABadUpstreamModel(@TempDir Path dir) {
    HearthConfig config = UpstreamModelsTest.frontConfig(dir, """
        models:
          - id: vllm
            engine: upstream
            options: {base_url: "http://127.0.0.1:1/v1", api_key_env: HEARTH_TEST_SURELY_UNSET_KEY}
        """);
    assertThatThrownBy(() -> HearthServer.start(config).close())
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: models[vllm].options.api_key_env: the environment variable HEARTH_TEST_SURELY_UNSET_KEY is not set");
  }
}
