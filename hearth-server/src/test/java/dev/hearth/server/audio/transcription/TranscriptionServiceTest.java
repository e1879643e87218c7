package dev.hearth.server.audio.transcription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.server.audio.AudioDecoder;
import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.ModelConfig;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.models.ModelRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TranscriptionServiceTest {
  static final ModelRegistry REGISTRY = new ModelRegistry(
      List.of(new ModelConfig("sphinx-en-us", EngineKind.SPHINX, null, List.of("whisper-1"), Map.of(), "hearth")),
      Instant.EPOCH);

  @Test
  void aMissingRecognizerIs503NamingTheDebianPackages() {
    TranscriptionService service = new TranscriptionService(REGISTRY, new AudioDecoder("ffmpeg"),
        m -> new PocketSphinxEngine(Path.of("/nonexistent/model"), 1));
    assertThatThrownBy(() -> service.check(false, "whisper-1", null, null, null, null, List.of(), List.of()))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.getMessage()).contains("`pocketsphinx-en-us`");
        });
  }

  @Test
  void subtitleTimesUseTheirFormatsSeparators() {
    assertThat(SubtitleFormats.time(3725.5, ',')).isEqualTo("01:02:05,500");
    assertThat(SubtitleFormats.time(0.0424, '.')).isEqualTo("00:00:00.042");
    Transcript t = new Transcript("en", 3, List.of(
        new Transcript.Segment(0.5, 1.25, "hello world", -0.1, 0, List.of(), List.of())));
    assertThat(SubtitleFormats.srt(t)).isEqualTo("1\n00:00:00,500 --> 00:00:01,250\nhello world\n\n");
    assertThat(SubtitleFormats.vtt(t)).isEqualTo("WEBVTT\n\n00:00:00.500 --> 00:00:01.250\nhello world\n\n");
    assertThat(TranscriptionService.languageName("en")).isEqualTo("english");
  }
}
