package dev.hearth.server.audio.transcription;

import dev.hearth.api.audio.TranscriptionJson;
import dev.hearth.api.audio.TranscriptionSegment;
import dev.hearth.api.audio.TranscriptionUsage;
import dev.hearth.api.audio.TranscriptionVerboseJson;
import dev.hearth.api.audio.TranscriptionWord;
import dev.hearth.server.audio.AudioDecoder;
import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.ModelConfig;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.models.ModelRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code /v1/audio/transcriptions} and {@code /v1/audio/translations}: checks the request, decodes
 * the upload to 16 kHz mono, runs the model's engine and renders the transcript in the asked format.
 */
public final class TranscriptionService {
  public static final long MAX_FILE_BYTES = 25L * 1024 * 1024;
  /** Less than this much audio is treated as empty. */
  static final double MIN_SECONDS = 0.1;

  private final ModelRegistry registry;
  private final AudioDecoder decoder;
  private final Function<ModelConfig, TranscriptionEngine> engines;
  private final Map<String, TranscriptionEngine> built = new ConcurrentHashMap<>();

  public TranscriptionService(ModelRegistry registry, AudioDecoder decoder, Function<ModelConfig, TranscriptionEngine> engines) {
    this.registry = registry;
    this.decoder = decoder;
    this.engines = engines;
  }

  /**
   * {@code engine: sphinx} models run PocketSphinx through FFM ({@code options.implementation:
   * pocketsphinx}, the default; {@code options.model_dir} overrides the Debian model directory) or
   * the pure-Java Sphinx4 ({@code implementation: sphinx4}: no Debian packages, ~10x slower);
   * {@code options.concurrency} decoders each. Uploads are decoded with ffmpeg.
   */
  public static TranscriptionService withDefaultEngines(ModelRegistry registry) {
    return new TranscriptionService(registry, new AudioDecoder("ffmpeg"), TranscriptionService::defaultEngine);
  }

  static TranscriptionEngine defaultEngine(ModelConfig model) {
    if (model.engine() != EngineKind.SPHINX) {
      return null;
    }
    int concurrency = intOption(model, "concurrency", 1);
    Object impl = model.options().getOrDefault("implementation", "pocketsphinx");
    return switch (impl.toString()) {
      case "sphinx4" -> new SphinxEngine(concurrency);
      case "pocketsphinx" -> new PocketSphinxEngine(
          java.nio.file.Path.of(model.options().getOrDefault("model_dir", PocketSphinxEngine.DEFAULT_MODEL).toString()),
          concurrency);
      default -> throw new IllegalArgumentException("models." + model.id() + ".options.implementation must be"
          + " pocketsphinx or sphinx4, not '" + impl + "'");
    };
  }

  private static int intOption(ModelConfig model, String key, int fallback) {
    Object v = model.options().get(key);
    return v == null ? fallback : Integer.parseInt(v.toString());
  }

  public enum Format {
    JSON("json"), TEXT("text"), SRT("srt"), VERBOSE_JSON("verbose_json"), VTT("vtt");

    final String wireName;

    Format(String wireName) {
      this.wireName = wireName;
    }

    static Optional<Format> parse(String s) {
      for (Format f : values()) {
        if (f.wireName.equals(s)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }
  }

  /** A checked request. */
  public record Job(String model, TranscriptionEngine engine, String language, String prompt, double temperature,
      Format format, boolean words, boolean translate) {}

  /** The response: a JSON record, or text with its media type. */
  public record Rendered(Object json, String text, String mediaType) {}

  public Job check(boolean translate, String modelName, String language, String prompt, String responseFormat,
      String temperature, List<String> granularities, Collection<String> allowedModels) {
    if (modelName == null || modelName.isBlank()) {
      throw ApiException.missingParameter("model");
    }
    ModelConfig model = registry.resolve(modelName)
        .filter(m -> registry.allowed(modelName, allowedModels))
        .orElseThrow(() -> ApiException.modelNotFound(modelName));
    TranscriptionEngine engine = built.computeIfAbsent(model.id(), id -> engines.apply(model));
    if (engine == null) {
      throw ApiException.invalidRequest("model",
          "The model `" + modelName + "` is not a speech-to-text model" + kindHint(model.engine())
              + "; use whisper-1.");
    }
    engine.unavailable().ifPresent(why -> {
      throw new ApiException(503, "server_error", why, "model", "engine_unavailable");
    });
    Format format = responseFormat == null || responseFormat.isEmpty()
        ? Format.JSON
        : Format.parse(responseFormat).orElseThrow(() -> ApiException.invalidRequest("response_format",
            "Invalid value for 'response_format': '" + responseFormat
                + "'. Supported values are: json, text, srt, verbose_json and vtt.", "invalid_value"));
    double temp = 0;
    if (temperature != null && !temperature.isEmpty()) {
      try {
        temp = Double.parseDouble(temperature);
      } catch (NumberFormatException e) {
        throw ApiException.invalidRequest("temperature", "Invalid type for 'temperature': expected a number.", "invalid_type");
      }
      if (!(temp >= 0 && temp <= 1)) {
        throw ApiException.invalidRequest("temperature", "Invalid value for 'temperature': must be between 0 and 1.",
            "invalid_value");
      }
    }
    boolean words = false;
    for (String g : granularities) {
      if (!g.equals("word") && !g.equals("segment")) {
        throw ApiException.invalidRequest("timestamp_granularities",
            "Invalid value for 'timestamp_granularities': '" + g + "'. Supported values are: word and segment.",
            "invalid_value");
      }
      words |= g.equals("word");
    }
    if (!granularities.isEmpty() && format != Format.VERBOSE_JSON) {
      throw ApiException.invalidRequest("timestamp_granularities",
          "'timestamp_granularities' needs 'response_format' set to 'verbose_json'.", "invalid_value");
    }
    String lang = null;
    if (language != null && !language.isEmpty()) {
      lang = language.toLowerCase(Locale.ROOT);
      if (!engine.languages().contains(lang)) {
        throw ApiException.invalidRequest("language",
            "The model `" + model.id() + "` (engine " + engine.name() + ") recognizes only "
                + String.join(", ", engine.languages().stream().sorted().toList()) + " ('" + language
                + "' requested). Configure a Whisper model for other languages.", "unsupported_language");
      }
    }
    if (translate && !engine.translates() && !engine.languages().equals(java.util.Set.of("en"))) {
      throw ApiException.invalidRequest("model",
          "The model `" + model.id() + "` (engine " + engine.name() + ") cannot translate into English.",
          "unsupported_task");
    }
    return new Job(model.id(), engine, lang, prompt, temp, format, words, translate);
  }

  private static String kindHint(EngineKind kind) {
    return " (its engine is " + kind.configName() + ")";
  }

  /** Decodes the upload and transcribes it. */
  public Transcript run(Job job, Path upload) {
    short[] samples;
    try {
      samples = decoder.decode(upload, TranscriptionEngine.SAMPLE_RATE);
    } catch (AudioDecoder.UndecodableAudio e) {
      throw ApiException.invalidRequest("file", e.getMessage(), "invalid_audio");
    } catch (IOException e) {
      throw new ApiException(500, "server_error", "Decoding the audio failed: " + e.getMessage(), null, null);
    }
    if (samples.length < MIN_SECONDS * TranscriptionEngine.SAMPLE_RATE) {
      throw ApiException.invalidRequest("file",
          "The audio file is empty or shorter than " + MIN_SECONDS + " seconds.", "invalid_audio");
    }
    try {
      String language = job.language() != null ? job.language()
          : job.engine().detectsLanguage() ? null : job.engine().languages().iterator().next();
      return job.engine().transcribe(samples,
          new TranscriptionEngine.Request(language, job.prompt(), job.temperature(), job.translate(), job.words()));
    } catch (IOException e) {
      throw new ApiException(500, "server_error",
          "Transcription with " + job.engine().name() + " failed: " + e.getMessage(), null, null);
    }
  }

  public Rendered render(Job job, Transcript t) {
    return switch (job.format()) {
      case JSON -> new Rendered(
          new TranscriptionJson(t.text(), job.translate() ? null : TranscriptionUsage.ofSeconds(t.duration())), null, null);
      case TEXT -> new Rendered(null, SubtitleFormats.text(t), "text/plain; charset=utf-8");
      case SRT -> new Rendered(null, SubtitleFormats.srt(t), "application/x-subrip; charset=utf-8");
      case VTT -> new Rendered(null, SubtitleFormats.vtt(t), "text/vtt; charset=utf-8");
      case VERBOSE_JSON -> new Rendered(verbose(job, t), null, null);
    };
  }

  private static TranscriptionVerboseJson verbose(Job job, Transcript t) {
    List<TranscriptionSegment> segments = new ArrayList<>();
    List<TranscriptionWord> words = job.words() ? new ArrayList<>() : null;
    int id = 0;
    for (Transcript.Segment s : t.segments()) {
      segments.add(new TranscriptionSegment(id++, (int) Math.round(s.start() * 100), s.start(), s.end(),
          " " + s.text(), s.tokens(), job.temperature(), s.avgLogprob(), 1.0, s.noSpeechProb()));
      if (words != null) {
        s.words().forEach(w -> words.add(new TranscriptionWord(w.word(), w.start(), w.end())));
      }
    }
    return new TranscriptionVerboseJson(job.translate() ? "translate" : "transcribe", languageName(t.language()),
        t.duration(), t.text(), words, segments, job.translate() ? null : TranscriptionUsage.ofSeconds(t.duration()));
  }

  /** Whisper reports the language by its English name ("english"). */
  static String languageName(String code) {
    String name = Locale.forLanguageTag(code).getDisplayLanguage(Locale.ENGLISH);
    return (name.isEmpty() ? code : name).toLowerCase(Locale.ROOT);
  }
}
