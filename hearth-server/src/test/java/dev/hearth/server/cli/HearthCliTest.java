package dev.hearth.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HearthCliTest {
  @TempDir Path dataDir;

  record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    CommandLine cli = HearthCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private String dir() {
    return dataDir.toString();
  }

  @Test
  void keysAreShownOnceListedRedactedAndRevocable() {
    Run created = run("keys", "create", "--project", "research", "--data-dir", dir());
    assertThat(created.exit()).isZero();
    String secret = created.out().strip();
    assertThat(secret).matches("sk-[A-Za-z0-9_-]{20,}");
    assertThat(created.err()).contains("shown only this once").contains("research");

    Run listed = run("keys", "list", "--data-dir", dir());
    assertThat(listed.exit()).isZero();
    assertThat(listed.out()).contains("research").contains("active").doesNotContain(secret);
    String keyId = listed.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];

    Run revoked = run("keys", "revoke", keyId, "--data-dir", dir());
    assertThat(revoked.exit()).isZero();
    assertThat(run("keys", "list", "--project", "research", "--data-dir", dir()).out()).contains("revoked");
    assertThat(run("keys", "revoke", "key_doesnotexist", "--data-dir", dir()).exit()).isEqualTo(1);
  }

  @Test
  void projectSettingsCanBeChanged() {
    assertThat(run("projects", "create", "legal", "--data-dir", dir()).exit()).isZero();
    Run set = run("projects", "set", "legal", "--retention-days", "7", "--zdr", "true", "--allowed-models", "gpt-4o-mini,whisper-1",
        "--data-dir", dir());
    assertThat(set.exit()).isZero();
    Run listed = run("projects", "list", "--data-dir", dir());
    assertThat(listed.out()).containsPattern("legal\\s+7d\\s+yes\\s+active\\s+gpt-4o-mini,whisper-1");
    assertThat(run("projects", "set", "nosuch", "--zdr", "true", "--data-dir", dir()).exit()).isEqualTo(1);
  }

  @Test
  void aBadConfigValueIsOneLineNamingTheKey() {
    Run bad = run("serve", "--set", "server.port=abc", "--data-dir", dir());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err().strip()).isEqualTo("hearth: config: server.port: expected an integer, got 'abc'");
  }

  @Test
  void modelsListsAliases() {
    Run models = run("models", "--data-dir", dir());
    assertThat(models.exit()).isZero();
    assertThat(models.out()).contains("qwen2.5-0.5b-instruct").contains("gpt-4o-mini").contains("text-embedding-3-small")
        .contains("Model files in " + dataDir.resolve("models"));
  }

  @Test
  void pullAndFilesAreCommands() {
    Run help = run("--help");
    assertThat(help.out()).contains("pull").contains("files").contains("serve").contains("keys");
    Run bad = run("pull", "hf://only-owner");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("hf://only-owner");
  }

  @Test
  void tinyModelWritesAGgufTheServerCanLoad() throws Exception {
    Path model = dataDir.resolve("tiny.gguf");
    Run wrote = run("tiny-model", "--out", model.toString(), "--type", "F32", "--layers", "1");
    assertThat(wrote.exit()).as(wrote.err()).isZero();
    assertThat(wrote.out()).contains("Wrote").contains("1 layers");
    try (var file = dev.hearth.engine.gguf.GgufFile.open(model)) {
      assertThat(file.metadata().getString("general.architecture")).contains("llama");
    }
    assertThat(run("tiny-model", "--out", model.toString(), "--type", "Q9").exit()).isEqualTo(2);
    assertThat(run("tiny-model", "--out", model.toString(), "--width", "63").exit()).isEqualTo(2);
  }

  @Test
  void tinyModelTakesGemmaShapes() throws Exception {
    Path model = dataDir.resolve("gemma.gguf");
    Run wrote = run("tiny-model", "--out", model.toString(), "--arch", "gemma3", "--layers", "1", "--width", "96",
        "--heads", "2", "--kv-heads", "1", "--head-size", "64", "--sliding-window", "16");
    assertThat(wrote.exit()).as(wrote.err()).isZero();
    try (var file = dev.hearth.engine.gguf.GgufFile.open(model)) {
      var config = dev.hearth.engine.model.ModelLoader.load(file).config();
      assertThat(config.architecture()).isEqualTo("gemma3");
      assertThat(config.queryDimension()).isEqualTo(128);
      assertThat(config.slidingWindow().size()).isEqualTo(16);
    }
    Run refused = run("tiny-model", "--out", model.toString(), "--arch", "llama", "--sliding-window", "16");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("sliding window");
  }
}
