package dev.hearth.server.audio.transcription;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.audio.Pcm;
import dev.hearth.server.audio.WordErrorRate;
import dev.hearth.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Word error rate over a larger set of sentences, per Flite voice, for PocketSphinx (the default)
 * and Sphinx4 (the pure-Java option). Heavy: a few minutes on 2 cores.
 */
@Tag("heavy")
class TranscriptionAccuracyTest {
  static final List<String> SENTENCES = List.of(
      "Please call me back as soon as you can.",
      "The weather today is cold and windy.",
      "I would like to buy a new car.",
      "She opened the window to let in some fresh air.",
      "We will meet at the station at seven o'clock.",
      "The children played in the park all afternoon.",
      "He forgot to bring his umbrella to work.",
      "My brother lives in a small house near the river.",
      "Can you tell me the way to the nearest hospital?",
      "The meeting was moved to next Tuesday morning.",
      "They read books and listened to music.",
      "Turn left at the second light and then go straight.");

  @TempDir static Path dataDir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(dataDir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static short[] speech16k(String text, String voice) throws Exception {
    HttpRequest request = server.request("/v1/audio/speech").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"model":"tts-1","input":"%s","voice":"%s","response_format":"wav"}""".formatted(text, voice))).build();
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      Pcm.Audio audio = Pcm.readWav(new ByteArrayInputStream(r.body()));
      return Pcm.resample(audio.samples(), audio.sampleRate(), TranscriptionEngine.SAMPLE_RATE);
    }
  }

  static double wer(TranscriptionEngine engine, String voice, List<String> sentences) throws Exception {
    double errors = 0;
    int words = 0;
    for (String sentence : sentences) {
      Transcript t = engine.transcribe(speech16k(sentence, voice),
          new TranscriptionEngine.Request("en", null, 0, false, false));
      int n = WordErrorRate.words(sentence).size();
      errors += WordErrorRate.of(sentence, t.text()) * n;
      words += n;
    }
    return errors / words;
  }

  @Test
  void pocketSphinxUnderstandsEveryEnglishFliteVoice() throws Exception {
    PocketSphinxEngine engine = new PocketSphinxEngine(PocketSphinxEngine.DEFAULT_MODEL, 1);
    // alloy=slt, ash=rms, ballad=awb, echo=kal16
    for (var bar : List.of(List.of("alloy", 0.15), List.of("ash", 0.15), List.of("ballad", 0.2), List.of("echo", 0.15))) {
      double wer = wer(engine, (String) bar.get(0), SENTENCES);
      System.out.printf("pocketsphinx WER %s: %.3f%n", bar.get(0), wer);
      assertThat(wer).as("WER for %s", bar.get(0)).isLessThanOrEqualTo((Double) bar.get(1));
    }
  }

  @Test
  void sphinx4ReachesTheSameAccuracyOnTheSlt() throws Exception {
    double wer = wer(new SphinxEngine(1), "alloy", SENTENCES.subList(0, 4));
    System.out.printf("sphinx4 WER alloy: %.3f%n", wer);
    assertThat(wer).isLessThanOrEqualTo(0.2);
  }
}
