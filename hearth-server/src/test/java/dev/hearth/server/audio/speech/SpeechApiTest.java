package dev.hearth.server.audio.speech;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.speech.SpeechModel;
import dev.hearth.server.audio.AudioMagic;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/audio/speech} with the real engines (Flite, eSpeak NG, ffmpeg). */
class SpeechApiTest {
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

  static java.net.http.HttpResponse<byte[]> speech(String json) {
    HttpRequest request = server.request("/v1/audio/speech")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    try {
      return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] ok(String json, String contentType) {
    var response = speech(json);
    assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(contentType);
    return response.body();
  }

  private static String body(String format) {
    return """
        {"model":"tts-1","input":"Hello from Hearth. This is a test.","voice":"alloy","response_format":"%s"}"""
        .formatted(format);
  }

  @Test
  void wavIs24kHzMono16BitAndStreamedChunked() {
    var response = speech(body("wav"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("audio/wav");
    assertThat(response.headers().firstValue("Content-Length")).isEmpty();
    AudioMagic.assertWav24kMono16(response.body());
    double seconds = (response.body().length - 44) / 48000.0;
    assertThat(seconds).isBetween(1.0, 6.0);
  }

  @Test
  void pcmIsRaw24kHzSamplesOfTheSameLengthAsTheWav() {
    byte[] pcm = ok(body("pcm"), "audio/pcm");
    byte[] wav = ok(body("wav"), "audio/wav");
    assertThat(pcm.length % 2).isZero();
    assertThat(pcm.length).isEqualTo(wav.length - 44);
    assertThat(Arrays.equals(pcm, 0, 4, "RIFF".getBytes(), 0, 4)).isFalse();
  }

  @Test
  void mp3IsTheDefaultAndHasMpegFrames() {
    byte[] mp3 = ok("""
        {"model":"tts-1","input":"Hello from Hearth.","voice":"nova"}""", "audio/mpeg");
    AudioMagic.assertMp3(mp3);
  }

  @Test
  void opusFlacAndAacHaveTheirContainers() {
    AudioMagic.assertOggOpus(ok(body("opus"), "audio/ogg"));
    AudioMagic.assertFlac(ok(body("flac"), "audio/flac"));
    AudioMagic.assertAdts(ok(body("aac"), "audio/aac"));
  }

  @Test
  void everyVoiceSoundsDifferent() {
    java.util.Set<String> digests = new java.util.HashSet<>();
    for (String voice : SpeechVoices.NAMES) {
      byte[] pcm = ok("""
          {"model":"tts-1","input":"Good morning.","voice":"%s","response_format":"pcm"}""".formatted(voice), "audio/pcm");
      assertThat(pcm.length).as(voice).isGreaterThan(4800);
      digests.add(Arrays.hashCode(pcm) + ":" + pcm.length);
    }
    assertThat(digests).hasSize(SpeechVoices.NAMES.size());
  }

  @Test
  void speedChangesTheDuration() {
    int normal = ok("""
        {"model":"tts-1","input":"The quick brown fox jumps over the lazy dog.","voice":"alloy","response_format":"pcm"}""",
        "audio/pcm").length;
    int fast = ok("""
        {"model":"tts-1","input":"The quick brown fox jumps over the lazy dog.","voice":"alloy","response_format":"pcm","speed":2.0}""",
        "audio/pcm").length;
    assertThat((double) fast / normal).isBetween(0.35, 0.7);
  }

  @Test
  void aLanguageInstructionSwitchesToEspeakNg() {
    byte[] fr = ok("""
        {"model":"tts-1","input":"Bonjour tout le monde.","voice":"coral","response_format":"wav","instructions":"Speak warmly. language: fr"}""",
        "audio/wav");
    AudioMagic.assertWav24kMono16(fr);
    var unknown = speech("""
        {"model":"tts-1","input":"Hi.","voice":"coral","instructions":"language: qq"}""");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(new String(unknown.body())).contains("\"param\":\"instructions\"").contains("espeak-ng");
  }

  @Test
  void invalidRequestsAre400sNamingTheParameter() {
    assertError("""
        {"model":"tts-1","input":"","voice":"alloy"}""", 400, "input");
    assertError("""
        {"model":"tts-1","input":"%s","voice":"alloy"}""".formatted("a".repeat(4097)), 400, "input");
    assertError("""
        {"model":"tts-1","input":"hi","voice":"robot"}""", 400, "voice");
    assertError("""
        {"model":"tts-1","input":"hi","voice":"alloy","response_format":"ogg"}""", 400, "response_format");
    assertError("""
        {"model":"tts-1","input":"hi","voice":"alloy","speed":4.5}""", 400, "speed");
    assertError("""
        {"model":"tts-1","input":"hi","voice":"alloy","speed":0.1}""", 400, "speed");
    assertError("""
        {"model":"tts-1","input":"hi","voice":"alloy","stream_format":"sse"}""", 400, "stream_format");
    assertError("""
        {"model":"whisper-1","input":"hi","voice":"alloy"}""", 400, "model");
    assertError("""
        {"model":"tts-9","input":"hi","voice":"alloy"}""", 404, "model");
    assertError("""
        {"input":"hi","voice":"alloy"}""", 400, "model");
    assertError("""
        {"model":"tts-1","voice":"alloy"}""", 400, "input");
    assertError("""
        {"model":"tts-1","input":"hi"}""", 400, "voice");
    assertError("""
        {"model":"tts-1","input":"hi","voice":"alloy","pitch":3}""", 400, "pitch");
  }

  @Test
  void inputOfExactly4096CharactersIsAccepted() {
    String input = ("Testing the limit. ".repeat(216) + "x".repeat(4096)).substring(0, 4096);
    byte[] pcm = ok("""
        {"model":"tts-1","input":"%s","voice":"alloy","response_format":"pcm","speed":4.0}""".formatted(input), "audio/pcm");
    assertThat(pcm.length).isGreaterThan(48000);
  }

  private static void assertError(String json, int status, String param) {
    var error = Envelopes.assertError(server.post("/v1/audio/speech", json), status);
    assertThat(error.get("param").asString()).isEqualTo(param);
  }

  @Test
  void theOfficialSdkCreatesSpeech() throws Exception {
    // A plain client: the spec documents application/octet-stream, while OpenAI (and Hearth) send audio/mpeg.
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl().toString()).apiKey("sk-x").build();
    try (HttpResponse response = client.audio().speech().create(SpeechCreateParams.builder()
        .model(SpeechModel.TTS_1)
        .input("The official client asked for this.")
        .voice("shimmer")
        .responseFormat(SpeechCreateParams.ResponseFormat.WAV)
        .speed(1.25)
        .build())) {
      assertThat(response.statusCode()).isEqualTo(200);
      try (InputStream in = response.body()) {
        AudioMagic.assertWav24kMono16(in.readAllBytes());
      }
    } finally {
      client.close();
    }
  }
}
