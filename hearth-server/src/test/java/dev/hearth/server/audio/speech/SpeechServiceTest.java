package dev.hearth.server.audio.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.api.audio.SpeechRequest;
import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.ModelConfig;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.models.ModelRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the service says when an engine or encoder is missing, and how it splits input. */
class SpeechServiceTest {
  static final ModelRegistry REGISTRY = new ModelRegistry(
      List.of(new ModelConfig("flite", EngineKind.FLITE, null, List.of("tts-1"), Map.of(), "hearth")), Instant.EPOCH);

  static SpeechRequest request(String format) {
    return new SpeechRequest("tts-1", "Hello.", null, "alloy", format, null, null);
  }

  @Test
  void aMissingEngineIs503NamingTheDebianPackage() {
    SpeechService service = new SpeechService(REGISTRY,
        Map.of(EngineKind.FLITE, new FliteEngine("/nonexistent/flite"), EngineKind.ESPEAK_NG,
            new EspeakNgEngine("/nonexistent/espeak-ng")), "ffmpeg");
    assertThatThrownBy(() -> service.plan(request("wav"), List.of()))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.getMessage()).contains("`flite`");
        });
    assertThatThrownBy(() -> service.plan(
        new SpeechRequest("tts-1", "Hallo.", "language: de", "alloy", "wav", null, null), List.of()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("`espeak-ng`"));
  }

  @Test
  void formatsThatNeedAMissingFfmpegAre400sWhileWavAndPcmStillWork() {
    SpeechService service = new SpeechService(REGISTRY,
        Map.of(EngineKind.FLITE, new FliteEngine("flite"), EngineKind.ESPEAK_NG, new EspeakNgEngine("espeak-ng")),
        "/nonexistent/ffmpeg");
    for (String format : List.of("mp3", "opus", "aac", "flac")) {
      assertThatThrownBy(() -> service.plan(request(format), List.of()))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.toError().param()).isEqualTo("response_format");
            assertThat(e.getMessage()).contains("`ffmpeg`");
          });
    }
    assertThat(service.plan(request("wav"), List.of()).format()).isEqualTo(SpeechFormat.WAV);
    assertThat(service.plan(request("pcm"), List.of()).format()).isEqualTo(SpeechFormat.PCM);
  }

  @Test
  void inputIsSplitIntoSentencesWithAShortFirstPiece() {
    assertThat(Utterances.split("One. Two!  Three?\nFour")).containsExactly("One.", "Two!", "Three?", "Four");
    String longSentence = "word ".repeat(100).strip() + ".";
    List<String> parts = Utterances.split(longSentence);
    assertThat(parts.getFirst().length()).isLessThanOrEqualTo(Utterances.FIRST_MAX);
    assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(Utterances.MAX));
    assertThat(String.join(" ", parts)).isEqualTo(longSentence);
  }
}
