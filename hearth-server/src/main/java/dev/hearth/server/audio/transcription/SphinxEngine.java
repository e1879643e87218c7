package dev.hearth.server.audio.transcription;

import edu.cmu.sphinx.api.Configuration;
import edu.cmu.sphinx.api.SpeechResult;
import edu.cmu.sphinx.api.StreamSpeechRecognizer;
import edu.cmu.sphinx.result.WordResult;
import edu.cmu.sphinx.util.LogMath;
import dev.hearth.server.audio.Pcm;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * CMU Sphinx4 (pure Java) with the US English acoustic model, dictionary and 3-gram language
 * model from {@code sphinx4-data}. English only; it neither detects languages nor translates.
 * {@code prompt} and {@code temperature} do not apply to it (it decodes deterministically).
 *
 * <p>A recognizer holds about 100 MB of model state and serves one stream at a time, so a small
 * pool ({@code options.concurrency}, default 1) is built lazily and requests queue for it. Each
 * utterance Sphinx's endpointer finds becomes a segment; its average log-probability is the mean
 * natural-log word posterior.
 */
public final class SphinxEngine implements TranscriptionEngine {
  private static final String MODELS = "resource:/edu/cmu/sphinx/models/en-us/";

  private final int concurrency;
  private final BlockingQueue<StreamSpeechRecognizer> idle;
  private final AtomicInteger created = new AtomicInteger();

  public SphinxEngine(int concurrency) {
    this.concurrency = Math.max(1, concurrency);
    this.idle = new ArrayBlockingQueue<>(this.concurrency);
    Logger.getLogger("edu.cmu.sphinx").setLevel(Level.WARNING);
    Logger.getLogger("default.config").setLevel(Level.WARNING);
  }

  @Override
  public String name() {
    return "sphinx";
  }

  @Override
  public Optional<String> unavailable() {
    return SphinxEngine.class.getResource("/edu/cmu/sphinx/models/en-us/en-us.lm.bin") == null
        ? Optional.of("The Sphinx en-us model is missing from the classpath (net.sf.phat:sphinx4-data).")
        : Optional.empty();
  }

  @Override
  public Set<String> languages() {
    return Set.of("en");
  }

  @Override
  public boolean translates() {
    return false;
  }

  @Override
  public boolean detectsLanguage() {
    return false;
  }

  @Override
  public Transcript transcribe(short[] samples, Request request) throws IOException {
    StreamSpeechRecognizer recognizer = acquire();
    boolean healthy = false;
    try {
      List<Transcript.Segment> segments = decode(recognizer, samples);
      quiet(); // some components make their loggers on first use
      healthy = true;
      return new Transcript("en", samples.length / (double) SAMPLE_RATE, segments);
    } finally {
      if (healthy) {
        idle.offer(recognizer);
      } else {
        created.decrementAndGet(); // a recognizer that threw mid-stream is dropped
      }
    }
  }

  private static List<Transcript.Segment> decode(StreamSpeechRecognizer recognizer, short[] samples) {
    LogMath logMath = LogMath.getLogMath();
    List<Transcript.Segment> segments = new ArrayList<>();
    recognizer.startRecognition(new ByteArrayInputStream(Pcm.toLittleEndian(samples, 0, samples.length)));
    try {
      SpeechResult result;
      while ((result = recognizer.getResult()) != null) {
        List<Transcript.Word> words = new ArrayList<>();
        double logprob = 0;
        double start = Double.NaN;
        double end = 0;
        for (WordResult w : result.getWords()) {
          if (w.isFiller()) {
            continue;
          }
          String spelling = w.getWord().getSpelling();
          if (spelling.startsWith("<") || spelling.startsWith("[")) {
            continue;
          }
          double ws = w.getTimeFrame().getStart() / 1000.0;
          double we = w.getTimeFrame().getEnd() / 1000.0;
          words.add(new Transcript.Word(spelling, ws, we));
          double ln = logMath.logToLn((float) w.getConfidence());
          logprob += Double.isFinite(ln) ? Math.min(0, ln) : 0;
          start = Double.isNaN(start) ? ws : start;
          end = we;
        }
        if (words.isEmpty()) {
          continue;
        }
        String text = String.join(" ", words.stream().map(Transcript.Word::word).toList());
        segments.add(new Transcript.Segment(start, end, text, logprob / words.size(), 0.0, List.of(), words));
      }
    } finally {
      recognizer.stopRecognition();
    }
    return segments;
  }

  private StreamSpeechRecognizer acquire() throws IOException {
    StreamSpeechRecognizer r = idle.poll();
    if (r != null) {
      return r;
    }
    if (created.incrementAndGet() <= concurrency) {
      try {
        return newRecognizer();
      } catch (IOException | RuntimeException e) {
        created.decrementAndGet();
        throw e;
      }
    }
    created.decrementAndGet();
    try {
      return idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a recognizer", e);
    }
  }

  private static StreamSpeechRecognizer newRecognizer() throws IOException {
    Configuration config = new Configuration();
    config.setAcousticModelPath(MODELS + "en-us");
    config.setDictionaryPath(MODELS + "cmudict-en-us.dict");
    config.setLanguageModelPath(MODELS + "en-us.lm.bin");
    config.setSampleRate(SAMPLE_RATE);
    // Sphinx4 logs every component's progress to java.util.logging at INFO; the loggers it makes
    // are named after its components, so quiet exactly the ones that appear while it builds.
    StreamSpeechRecognizer recognizer = new StreamSpeechRecognizer(config);
    quiet();
    return recognizer;
  }

  /** The JUL loggers that existed before Sphinx4 ran (not Sphinx4's). */
  private static final java.util.Set<String> FOREIGN_LOGGERS = new java.util.HashSet<>(
      java.util.Collections.list(java.util.logging.LogManager.getLogManager().getLoggerNames()));

  private static void quiet() {
    quiet(FOREIGN_LOGGERS);
  }

  private static void quiet(java.util.Set<String> before) {
    for (String name : java.util.Collections.list(java.util.logging.LogManager.getLogManager().getLoggerNames())) {
      Logger logger = Logger.getLogger(name);
      if (!before.contains(name) || name.startsWith("edu.cmu.sphinx")) {
        logger.setLevel(Level.WARNING);
      }
    }
  }
}
