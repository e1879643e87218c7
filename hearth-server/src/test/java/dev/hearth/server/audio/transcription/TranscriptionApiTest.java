package dev.hearth.server.audio.transcription;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.audio.AudioModel;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionVerbose;
import com.openai.models.audio.translations.TranslationCreateParams;
import dev.hearth.server.audio.Multipart;
import dev.hearth.server.audio.WordErrorRate;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RawHttp;
import dev.hearth.server.conformance.RawResponse;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.conformance.SpecValidator;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/audio/transcriptions} and {@code /translations} with the real engines: speech made by
 * {@code /v1/audio/speech} comes back as text. JSON responses are validated against the spec.
 */
@RequiresSpec
class TranscriptionApiTest {
  static final String SENTENCE = "The quick brown fox jumps over the lazy dog.";
  static final List<String> ROUND_TRIP = List.of(
      "Please call me back as soon as you can.",
      "The weather today is cold and windy.",
      "I would like to buy a new car.");
  /** PocketSphinx's en-us model on Flite's slt voice: measured 0.07 over 12 sentences (TranscriptionAccuracyTest). */
  static final double MAX_WER = 0.2;

  @TempDir static Path dataDir;
  static TestServer server;
  static byte[] sentenceWav;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @BeforeAll
  static void start() {
    server = TestServer.start(dataDir);
    sentenceWav = speech(SENTENCE, "wav");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static byte[] speech(String input, String format) {
    HttpResponse<byte[]> r = send(server.request("/v1/audio/speech").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"model":"tts-1","input":"%s","voice":"alloy","response_format":"%s"}""".formatted(input, format))).build());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  static HttpResponse<byte[]> send(HttpRequest request) {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> transcribe(String path, Multipart form) {
    return server.send(form.post(server.request(path).timeout(Duration.ofMinutes(2))).build());
  }

  private RawResponse validated(String path, Multipart form) {
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-x")) {
      return raw.send(form.post(raw.request(path).timeout(Duration.ofMinutes(2))).build());
    }
  }

  @Test
  void speechComesBackAsTextFromWavAndMp3() {
    String reference = String.join(" ", ROUND_TRIP);
    for (String format : List.of("wav", "mp3")) {
      byte[] audio = speech(reference, format);
      RawResponse r = validated("/v1/audio/transcriptions", new Multipart()
          .file("file", "speech." + format, format.equals("wav") ? "audio/wav" : "audio/mpeg", audio)
          .field("model", "whisper-1"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode json = Envelopes.json(r.body());
      String text = json.get("text").asString();
      double wer = WordErrorRate.of(reference, text);
      assertThat(wer).as("WER of %s transcript '%s'", format, text).isLessThanOrEqualTo(MAX_WER);
      assertThat(json.get("usage").get("type").asString()).isEqualTo("duration");
      assertThat(json.get("usage").get("seconds").asLong()).isBetween(4L, 20L);
    }
  }

  @Test
  void aTranscriptDoesNotDependOnWhatTheServerHeardBefore() {
    Multipart form = new Multipart().file("file", "s.wav", "audio/wav", sentenceWav).field("model", "whisper-1")
        .field("response_format", "verbose_json").field("timestamp_granularities[]", "word");
    String first = transcribe("/v1/audio/transcriptions", form).body();
    transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "o.wav", "audio/wav", speech("Something else entirely, spoken by another voice.", "wav"))
        .field("model", "whisper-1"));
    assertThat(transcribe("/v1/audio/transcriptions", form).body()).isEqualTo(first);
  }

  @Test
  void oggOpusAndFlacUploadsAreDecodedToo() {
    for (String format : List.of("opus", "flac")) {
      byte[] audio = speech(SENTENCE, format);
      HttpResponse<String> r = transcribe("/v1/audio/transcriptions", new Multipart()
          .file("file", format.equals("opus") ? "s.ogg" : "s.flac", "application/octet-stream", audio)
          .field("model", "whisper-1").field("response_format", "text"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(WordErrorRate.of(SENTENCE, r.body())).as("%s: %s", format, r.body()).isLessThanOrEqualTo(MAX_WER);
    }
  }

  @Test
  void verboseJsonHasSegmentsAndWordsWithTimes() {
    // Validated against the verbose schema itself: the operation's oneOf cannot tell it from the
    // plain JSON schema (that one allows extra properties), so every verbose body matches two.
    HttpResponse<String> r = transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav).field("model", "whisper-1")
        .field("response_format", "verbose_json").field("timestamp_granularities[]", "word")
        .field("timestamp_granularities[]", "segment"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    SpecValidator.shared().assertValid("CreateTranscriptionResponseVerboseJson", r.body());
    JsonNode json = Envelopes.json(r.body());
    assertThat(json.get("language").asString()).isEqualTo("english");
    assertThat(json.get("task").asString()).isEqualTo("transcribe");
    double duration = json.get("duration").asDouble();
    assertThat(duration).isBetween(1.5, 6.0);
    JsonNode segments = json.get("segments");
    assertThat(segments.size()).isPositive();
    double last = 0;
    for (JsonNode s : segments) {
      assertThat(s.get("start").asDouble()).isGreaterThanOrEqualTo(last);
      assertThat(s.get("end").asDouble()).isGreaterThan(s.get("start").asDouble()).isLessThanOrEqualTo(duration + 0.05);
      assertThat(s.get("avg_logprob").asDouble()).isLessThanOrEqualTo(0);
      last = s.get("end").asDouble();
    }
    JsonNode words = json.get("words");
    assertThat(words.size()).isGreaterThanOrEqualTo(6);
    assertThat(WordErrorRate.of(SENTENCE, json.get("text").asString())).isLessThanOrEqualTo(MAX_WER);
    for (JsonNode w : words) {
      assertThat(w.get("end").asDouble()).isGreaterThanOrEqualTo(w.get("start").asDouble());
    }
  }

  @Test
  void textSrtAndVttHaveTheirSyntax() {
    HttpResponse<String> text = transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav).field("model", "whisper-1").field("response_format", "text"));
    assertThat(text.statusCode()).isEqualTo(200);
    assertThat(text.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(WordErrorRate.of(SENTENCE, text.body())).isLessThanOrEqualTo(MAX_WER);

    HttpResponse<String> srt = transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav).field("model", "whisper-1").field("response_format", "srt"));
    assertThat(srt.statusCode()).isEqualTo(200);
    assertThat(srt.body()).matches(Pattern.compile(
        "(\\d+\\n\\d\\d:\\d\\d:\\d\\d,\\d{3} --> \\d\\d:\\d\\d:\\d\\d,\\d{3}\\n[^\\n]+\\n\\n)+"));
    assertThat(srt.body()).startsWith("1\n00:00:0");

    HttpResponse<String> vtt = transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav).field("model", "whisper-1").field("response_format", "vtt"));
    assertThat(vtt.statusCode()).isEqualTo(200);
    assertThat(vtt.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/vtt");
    assertThat(vtt.body()).matches(Pattern.compile(
        "WEBVTT\\n\\n(\\d\\d:\\d\\d:\\d\\d\\.\\d{3} --> \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\n[^\\n]+\\n\\n)+"));
  }

  @Test
  void badAudioIs400NamingFile() {
    byte[] garbage = "this is not audio at all, just some text pretending to be mp3".repeat(20).getBytes();
    for (Multipart form : List.of(
        new Multipart().file("file", "x.mp3", "audio/mpeg", garbage).field("model", "whisper-1"),
        new Multipart().file("file", "x.wav", "audio/wav", new byte[0]).field("model", "whisper-1"),
        new Multipart().file("file", "x.wav", "audio/wav", java.util.Arrays.copyOf(sentenceWav, 44)).field("model", "whisper-1"))) {
      JsonNode error = Envelopes.assertError(transcribe("/v1/audio/transcriptions", form), 400);
      assertThat(error.get("param").asString()).isEqualTo("file");
    }
  }

  @Test
  void requestsTheEngineCannotServeAre400sNamingItsLimits() {
    JsonNode lang = Envelopes.assertError(transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav).field("model", "whisper-1").field("language", "fr")), 400);
    assertThat(lang.get("param").asString()).isEqualTo("language");
    assertThat(lang.get("message").asString()).contains("sphinx").contains("en");

    assertThat(Envelopes.assertError(transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav).field("model", "tts-1")), 400).get("param").asString())
        .isEqualTo("model");
    assertThat(Envelopes.assertError(transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav).field("model", "whisper-9")), 404).get("code").asString())
        .isEqualTo("model_not_found");
    assertThat(Envelopes.assertError(transcribe("/v1/audio/transcriptions", new Multipart()
        .field("model", "whisper-1")), 400).get("param").asString()).isEqualTo("file");
    assertThat(Envelopes.assertError(transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav)), 400).get("param").asString()).isEqualTo("model");
    assertThat(Envelopes.assertError(transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav).field("model", "whisper-1").field("response_format", "xml")), 400)
        .get("param").asString()).isEqualTo("response_format");
    assertThat(Envelopes.assertError(transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav).field("model", "whisper-1").field("temperature", "1.5")), 400)
        .get("param").asString()).isEqualTo("temperature");
    assertThat(Envelopes.assertError(transcribe("/v1/audio/transcriptions", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav).field("model", "whisper-1")
        .field("timestamp_granularities[]", "word")), 400).get("param").asString()).isEqualTo("timestamp_granularities");
    assertThat(Envelopes.assertError(transcribe("/v1/audio/translations", new Multipart()
        .file("file", "s.wav", "audio/wav", sentenceWav).field("model", "whisper-1").field("language", "en")), 400)
        .get("param").asString()).isEqualTo("language");
    assertThat(Envelopes.assertError(server.post("/v1/audio/transcriptions", "{\"model\":\"whisper-1\"}"), 400)
        .get("message").asString()).contains("multipart/form-data");
  }

  @Test
  void theOfficialSdkTranscribesAndTranslates() throws Exception {
    Path wav = dataDir.resolve("fox.wav");
    Files.write(wav, sentenceWav);
    OpenAIClient client = conformance.openAi(server.baseUrl(), "sk-x");
    String text = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
        .file(wav).model(AudioModel.WHISPER_1).build()).asTranscription().text();
    assertThat(WordErrorRate.of(SENTENCE, text)).isLessThanOrEqualTo(MAX_WER);

    // verbose_json through a client that does not check the operation's ambiguous oneOf (see above).
    OpenAIClient plain = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl().toString()).apiKey("sk-x").build();
    TranscriptionVerbose verbose = plain.audio().transcriptions().create(TranscriptionCreateParams.builder()
        .file(wav).model(AudioModel.WHISPER_1).language("en").responseFormat(AudioResponseFormat.VERBOSE_JSON)
        .timestampGranularities(List.of(TranscriptionCreateParams.TimestampGranularity.WORD)).build()).asVerbose();
    assertThat(verbose.language()).isEqualTo("english");
    assertThat(verbose.words().orElseThrow()).isNotEmpty();
    assertThat(verbose.segments().orElseThrow()).isNotEmpty();
    plain.close();

    String translated = client.audio().translations().create(TranslationCreateParams.builder()
        .file(wav).model(AudioModel.WHISPER_1).build()).asTranslation().text();
    assertThat(WordErrorRate.of(SENTENCE, translated)).isLessThanOrEqualTo(MAX_WER);
  }
}
