package dev.hearth.server.audio.speech;

import dev.hearth.api.audio.SpeechRequest;
import dev.hearth.server.audio.Executables;
import dev.hearth.server.audio.Pcm;
import dev.hearth.server.audio.ToolProcess;
import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.ModelConfig;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.models.ModelRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/audio/speech}: checks the request, picks engine and voice, then synthesizes the
 * input sentence by sentence, resamples to 24 kHz and streams the encoded audio.
 *
 * <p>{@code instructions}: these engines have no style or emotion control, so instructions are
 * accepted and not otherwise used, with one exception: a {@code language: xx} directive
 * (ISO-639-1, e.g. {@code language: de}) selects the language; any language but English is
 * spoken by eSpeak NG (Flite speaks only English).
 */
public final class SpeechService {
  public static final int MAX_INPUT = 4096;
  private static final Pattern LANGUAGE =
      Pattern.compile("(?i)\\blanguage\\s*[:=]\\s*([a-z]{2,3}(?:-[a-z0-9]{2,8})?)\\b");

  private final ModelRegistry registry;
  private final Map<EngineKind, SpeechEngine> engines;
  private final String ffmpeg;
  private final Map<String, Boolean> ffmpegEncoders = new ConcurrentHashMap<>();

  public SpeechService(ModelRegistry registry, Map<EngineKind, SpeechEngine> engines, String ffmpeg) {
    this.registry = registry;
    this.engines = Map.copyOf(engines);
    this.ffmpeg = ffmpeg;
  }

  /** The default engines: {@code flite} and {@code espeak-ng} from PATH, encoders through {@code ffmpeg}. */
  public static SpeechService withDefaultEngines(ModelRegistry registry) {
    return new SpeechService(
        registry,
        Map.of(EngineKind.FLITE, new FliteEngine("flite"), EngineKind.ESPEAK_NG, new EspeakNgEngine("espeak-ng")),
        "ffmpeg");
  }

  /** What to synthesize, decided before the first byte goes out. */
  public record Plan(
      String model, SpeechEngine engine, EngineVoice voice, String language, SpeechFormat format, double speed,
      List<String> utterances) {}

  public Plan plan(SpeechRequest request, Collection<String> allowedModels) {
    if (request.model() == null) {
      throw ApiException.missingParameter("model");
    }
    ModelConfig model = registry.resolve(request.model())
        .filter(m -> registry.allowed(request.model(), allowedModels))
        .orElseThrow(() -> ApiException.modelNotFound(request.model()));
    if (model.engine() != EngineKind.FLITE && model.engine() != EngineKind.ESPEAK_NG) {
      throw ApiException.invalidRequest("model",
          "The model `" + request.model() + "` is not a text-to-speech model (its engine is "
              + model.engine().configName() + "); use tts-1, tts-1-hd or gpt-4o-mini-tts.");
    }
    if (request.input() == null) {
      throw ApiException.missingParameter("input");
    }
    if (request.input().length() > MAX_INPUT) {
      throw ApiException.invalidRequest("input",
          "'input' is too long: " + request.input().length() + " characters, the maximum is " + MAX_INPUT + ".",
          "string_above_max_length");
    }
    if (request.input().isBlank()) {
      throw ApiException.invalidRequest("input", "'input' is empty: give the text to speak.", "empty_string");
    }
    if (request.voice() == null) {
      throw ApiException.missingParameter("voice");
    }
    String voiceName = request.voice().toLowerCase(Locale.ROOT);
    if (!SpeechVoices.NAMES.contains(voiceName)) {
      throw ApiException.invalidRequest("voice",
          "Invalid value for 'voice': '" + request.voice() + "'. Supported values are: "
              + String.join(", ", SpeechVoices.NAMES) + ".", "invalid_value");
    }
    SpeechFormat format = request.responseFormat() == null
        ? SpeechFormat.MP3
        : SpeechFormat.parse(request.responseFormat()).orElseThrow(() -> ApiException.invalidRequest(
            "response_format", "Invalid value for 'response_format': '" + request.responseFormat()
                + "'. Supported values are: mp3, opus, aac, flac, wav and pcm.", "invalid_value"));
    double speed = request.speed() == null ? 1.0 : request.speed();
    if (!(speed >= 0.25 && speed <= 4.0)) {
      throw ApiException.invalidRequest("speed",
          "Invalid value for 'speed': " + request.speed() + " is outside 0.25 to 4.0.", "invalid_value");
    }
    if (request.streamFormat() != null && !request.streamFormat().equals("audio")) {
      throw ApiException.invalidRequest("stream_format",
          "Invalid value for 'stream_format': '" + request.streamFormat() + "'. This server streams raw audio"
              + " only ('audio'); 'sse' is not supported by " + model.id() + ".", "invalid_value");
    }
    if (request.instructions() != null && request.instructions().length() > MAX_INPUT) {
      throw ApiException.invalidRequest("instructions",
          "'instructions' is too long: the maximum is " + MAX_INPUT + " characters.", "string_above_max_length");
    }

    String language = language(request.instructions(), model);
    EngineKind kind = model.engine();
    if (kind == EngineKind.FLITE && !language.equals("en")) {
      kind = EngineKind.ESPEAK_NG; // Flite speaks English only
    }
    SpeechEngine engine = engines.get(kind);
    Optional<String> missing = engine.unavailable();
    if (missing.isPresent()) {
      throw new ApiException(503, "server_error", missing.get(), "model", "engine_unavailable");
    }
    if (!engine.speaks(language)) {
      throw ApiException.invalidRequest("instructions",
          "The language '" + language + "' is not spoken by " + engine.name() + " on this server.", "unsupported_language");
    }
    if (format.ffmpegEncoder() != null) {
      requireEncoder(format);
    }
    Map<String, String> defaults = kind == EngineKind.FLITE ? SpeechVoices.FLITE : SpeechVoices.ESPEAK_NG;
    Object overrides = kind == model.engine() ? model.options().get("voices") : null;
    EngineVoice voice = SpeechVoices.resolve(defaults, overrides).get(voiceName);
    return new Plan(model.id(), engine, voice, language, format, speed, Utterances.split(request.input()));
  }

  private static String language(String instructions, ModelConfig model) {
    if (instructions != null) {
      Matcher m = LANGUAGE.matcher(instructions);
      if (m.find()) {
        return m.group(1).toLowerCase(Locale.ROOT);
      }
    }
    Object configured = model.options().get("language");
    return configured == null ? "en" : configured.toString();
  }

  private void requireEncoder(SpeechFormat format) {
    if (Executables.find(ffmpeg).isEmpty()) {
      throw ApiException.invalidRequest("response_format",
          "This server cannot produce '" + format.wireName() + "': it needs ffmpeg, which is not installed"
              + " (install the Debian package `ffmpeg`). Ask for 'wav' or 'pcm' instead.", "unsupported_format");
    }
    boolean has = ffmpegEncoders.computeIfAbsent(format.ffmpegEncoder(), encoder -> {
      try {
        String list = new String(
            ToolProcess.run(List.of(ffmpeg, "-hide_banner", "-encoders"), null, 30), StandardCharsets.UTF_8);
        return list.lines().anyMatch(l -> l.strip().split("\\s+").length > 1 && l.strip().split("\\s+")[1].equals(encoder));
      } catch (IOException e) {
        return false;
      }
    });
    if (!has) {
      throw ApiException.invalidRequest("response_format",
          "This server cannot produce '" + format.wireName() + "': its ffmpeg lacks the " + format.ffmpegEncoder()
              + " encoder (install Debian's `ffmpeg` package, which has it). Ask for 'wav' or 'pcm' instead.",
          "unsupported_format");
    }
  }

  /** Synthesizes the first utterance; failures here still become an error response. */
  public short[] first(Plan plan) {
    return synthesize(plan, plan.utterances().getFirst());
  }

  /**
   * Streams the audio: {@code first} (from {@link #first}) then the rest of the utterances, each
   * flushed to {@code out} as soon as it is encoded.
   */
  public void stream(Plan plan, short[] first, OutputStream out) throws IOException {
    AudioEncoder encoder = switch (plan.format()) {
      case WAV -> JavaEncoders.wav(out);
      case PCM -> JavaEncoders.pcm(out);
      default -> new FfmpegEncoder(ffmpeg, plan.format(), out);
    };
    boolean done = false;
    try {
      encoder.write(first);
      for (String utterance : plan.utterances().subList(1, plan.utterances().size())) {
        encoder.write(synthesize(plan, utterance));
      }
      encoder.finish();
      done = true;
    } finally {
      if (!done) {
        encoder.abort();
      }
    }
  }

  private short[] synthesize(Plan plan, String text) {
    try {
      SpeechEngine.Synthesis s = plan.engine().synthesize(text, plan.voice(), plan.language(), plan.speed());
      return Pcm.resample(s.samples(), s.sampleRate(), AudioEncoder.SAMPLE_RATE);
    } catch (IOException e) {
      throw new ApiException(500, "server_error",
          "Speech synthesis with " + plan.engine().name() + " failed: " + e.getMessage(), null, null);
    }
  }
}
