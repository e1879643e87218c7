package dev.hearth.server.audio.transcription;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.hearth.server.audio.VoiceActivity;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CMU PocketSphinx 5prealpha (Debian {@code libpocketsphinx3}, model {@code pocketsphinx-en-us})
 * called through FFM. Same acoustic model, dictionary and language model family as Sphinx4 and
 * the same word error rate on Flite speech, but measured with hearth-bench's AudioBench on a
 * loaded 2-core machine it transcribes 2.3x faster than real time where Sphinx4 manages 0.13x.
 *
 * <p>A decoder holds the models (~100 MB) and decodes one stream at a time; a pool of
 * {@code options.concurrency} decoders (default 1) is built lazily and requests queue for it. The
 * audio is cut into utterances at pauses ({@link VoiceActivity}) and each is decoded whole, so the
 * model's batch CMN normalizes it by its own mean and a transcript does not depend on what the
 * decoder heard before; each utterance becomes a segment, each word carries its frames (100 per
 * second) and posterior probability.
 */
public final class PocketSphinxEngine implements TranscriptionEngine {
  static final String LIBRARY = "libpocketsphinx.so.3";
  static final String BASE_LIBRARY = "libsphinxbase.so.3";
  static final Path DEFAULT_MODEL = Path.of("/usr/share/pocketsphinx/model/en-us");
  private static final double FRAME_RATE = 100.0;

  private final Path modelDir;
  private final int concurrency;
  private final BlockingQueue<Decoder> idle;
  private final AtomicInteger created = new AtomicInteger();
  private volatile Native lib;

  public PocketSphinxEngine(Path modelDir, int concurrency) {
    this.modelDir = modelDir;
    this.concurrency = Math.max(1, concurrency);
    this.idle = new ArrayBlockingQueue<>(this.concurrency);
  }

  @Override
  public String name() {
    return "sphinx";
  }

  @Override
  public Optional<String> unavailable() {
    if (!Files.isRegularFile(modelDir.resolve("en-us.lm.bin")) || !Files.isDirectory(modelDir.resolve("en-us"))) {
      return Optional.of("The speech recognizer's English model is not installed on this server: install the"
          + " Debian package `pocketsphinx-en-us` (apt-get install libpocketsphinx3 pocketsphinx-en-us).");
    }
    try {
      lib();
      return Optional.empty();
    } catch (RuntimeException | LinkageError e) {
      return Optional.of("The speech recognizer PocketSphinx is not installed on this server: install the Debian"
          + " package `libpocketsphinx3` (apt-get install libpocketsphinx3 pocketsphinx-en-us).");
    }
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
    Native n = lib();
    Decoder decoder = acquire(n);
    boolean healthy = false;
    try {
      List<Transcript.Segment> segments = decode(n, decoder, samples);
      healthy = true;
      clamp(segments, samples.length / (double) SAMPLE_RATE);
      return new Transcript("en", samples.length / (double) SAMPLE_RATE, segments);
    } catch (Throwable t) {
      throw t instanceof IOException io ? io : new IOException("pocketsphinx failed: " + t, t);
    } finally {
      if (healthy) {
        idle.offer(decoder);
      } else {
        created.decrementAndGet();
      }
    }
  }

  /** One PocketSphinx decoder. */
  private static final class Decoder {
    final MemorySegment ps;

    Decoder(MemorySegment ps) {
      this.ps = ps;
    }
  }

  private static List<Transcript.Segment> decode(Native n, Decoder decoder, short[] samples) throws Throwable {
    MemorySegment ps = decoder.ps;
    List<Transcript.Segment> segments = new ArrayList<>();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment a = arena.allocate(JAVA_INT);
      MemorySegment b = arena.allocate(JAVA_INT);
      MemorySegment c = arena.allocate(JAVA_INT);
      MemorySegment logmath = (MemorySegment) n.getLogmath.invokeExact(ps);
      for (VoiceActivity.Span span : chunks(VoiceActivity.utterances(samples, SAMPLE_RATE))) {
        int len = span.end() - span.start();
        MemorySegment block = arena.allocate(JAVA_SHORT, len);
        MemorySegment.copy(samples, span.start(), block, JAVA_SHORT, 0, len);
        // A new stream per utterance restarts frame numbering; a whole utterance per call lets
        // the model's batch CMN normalize it by its own mean, so nothing carries over from the
        // decoder's earlier requests.
        check((int) n.startStream.invokeExact(ps), "ps_start_stream");
        check((int) n.startUtt.invokeExact(ps), "ps_start_utt");
        check((int) n.processRaw.invokeExact(ps, block, (long) len, 0, 1), "ps_process_raw");
        check((int) n.endUtt.invokeExact(ps), "ps_end_utt");
        collect(n, ps, logmath, span.start(), a, b, c, segments);
      }
    }
    return segments;
  }

  /**
   * Joins neighbouring utterances (with the pause between them) until a chunk lasts at least
   * {@link #MIN_CHUNK_SECONDS}: batch CMN needs a few seconds, pauses included, to estimate the
   * channel well (measured: 2 s sentences decoded alone lose accuracy).
   */
  static List<VoiceActivity.Span> chunks(List<VoiceActivity.Span> utterances) {
    List<VoiceActivity.Span> out = new ArrayList<>();
    for (VoiceActivity.Span u : utterances) {
      if (!out.isEmpty() && out.getLast().end() - out.getLast().start() < MIN_CHUNK_SECONDS * SAMPLE_RATE
          && u.end() - out.getLast().start() <= MAX_CHUNK_SECONDS * SAMPLE_RATE) {
        out.add(new VoiceActivity.Span(out.removeLast().start(), u.end()));
      } else {
        out.add(u);
      }
    }
    return out;
  }

  static final int MIN_CHUNK_SECONDS = 8;
  static final int MAX_CHUNK_SECONDS = 20;

  /** Reads the words of the utterance just ended, which began at sample {@code start}. */
  private static void collect(Native n, MemorySegment ps, MemorySegment logmath, long start,
      MemorySegment a, MemorySegment b, MemorySegment c, List<Transcript.Segment> out) throws Throwable {
    double offset = start / (double) SAMPLE_RATE;
    List<Transcript.Word> words = new ArrayList<>();
    List<Double> logprobs = new ArrayList<>();
    MemorySegment seg = (MemorySegment) n.segIter.invokeExact(ps);
    while (!seg.equals(MemorySegment.NULL)) {
      String word = ((MemorySegment) n.segWord.invokeExact(seg)).reinterpret(256).getString(0);
      n.segFrames.invokeExact(seg, a, b);
      int sf = a.get(JAVA_INT, 0);
      int ef = b.get(JAVA_INT, 0);
      int prob = (int) n.segProb.invokeExact(seg, a, b, c);
      seg = (MemorySegment) n.segNext.invokeExact(seg);
      if (word.startsWith("<") || word.startsWith("[") || word.startsWith("+")) {
        continue; // <s>, </s>, <sil>, [NOISE], +BREATH+
      }
      int paren = word.indexOf('(');
      if (paren > 0) {
        word = word.substring(0, paren); // alternative pronunciations: and(2)
      }
      double p = (double) n.logmathExp.invokeExact(logmath, prob);
      logprobs.add(p > 0 ? Math.min(0, Math.log(p)) : -10);
      words.add(new Transcript.Word(word, Math.max(0, offset + sf / FRAME_RATE), Math.max(0, offset + (ef + 1) / FRAME_RATE)));
    }
    // A chunk holds several utterances; report one segment per run of words without a pause.
    int from = 0;
    for (int i = 1; i <= words.size(); i++) {
      if (i == words.size() || words.get(i).start() - words.get(i - 1).end() >= SEGMENT_PAUSE_SECONDS) {
        List<Transcript.Word> part = words.subList(from, i);
        double lp = 0;
        for (int k = from; k < i; k++) {
          lp += logprobs.get(k);
        }
        String text = String.join(" ", part.stream().map(Transcript.Word::word).toList());
        out.add(new Transcript.Segment(part.getFirst().start(), part.getLast().end(), text, lp / part.size(), 0.0,
            List.of(), List.copyOf(part)));
        from = i;
      }
    }
  }

  static final double SEGMENT_PAUSE_SECONDS = 0.25;

  /** Frame rounding can put the last word a frame past the audio's end. */
  private static void clamp(List<Transcript.Segment> segments, double duration) {
    segments.replaceAll(s -> new Transcript.Segment(Math.min(s.start(), duration), Math.min(s.end(), duration), s.text(),
        s.avgLogprob(), s.noSpeechProb(), s.tokens(),
        s.words().stream().map(w -> new Transcript.Word(w.word(), Math.min(w.start(), duration), Math.min(w.end(), duration))).toList()));
  }

  private static void check(int rc, String call) throws IOException {
    if (rc < 0) {
      throw new IOException(call + " returned " + rc);
    }
  }

  private Decoder acquire(Native n) throws IOException {
    Decoder d = idle.poll();
    if (d != null) {
      return d;
    }
    if (created.incrementAndGet() <= concurrency) {
      try {
        return new Decoder(newDecoder(n));
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
      throw new IOException("interrupted while waiting for a decoder", e);
    }
  }

  private MemorySegment newDecoder(Native n) throws IOException {
    String[] argv = {
      "-hmm", modelDir.resolve("en-us").toString(),
      "-lm", modelDir.resolve("en-us.lm.bin").toString(),
      "-dict", modelDir.resolve("cmudict-en-us.dict").toString(),
      "-samprate", Integer.toString(SAMPLE_RATE),
      "-logfn", "/dev/null",
    };
    // The decoder lives as long as the server; its strings only need to outlive cmd_ln_parse_r's copy.
    Arena arena = Arena.global();
    MemorySegment args = arena.allocate(ADDRESS, argv.length);
    for (int i = 0; i < argv.length; i++) {
      args.setAtIndex(ADDRESS, i, arena.allocateFrom(argv[i]));
    }
    try {
      MemorySegment defs = (MemorySegment) n.psArgs.invokeExact();
      MemorySegment config = (MemorySegment) n.cmdLnParse.invokeExact(MemorySegment.NULL, defs, argv.length, args, 1);
      if (config.equals(MemorySegment.NULL)) {
        throw new IOException("pocketsphinx rejected its configuration");
      }
      MemorySegment ps = (MemorySegment) n.init.invokeExact(config);
      if (ps.equals(MemorySegment.NULL)) {
        throw new IOException("pocketsphinx could not load its model from " + modelDir);
      }
      return ps;
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("pocketsphinx failed to start: " + t, t);
    }
  }

  private Native lib() {
    Native n = lib;
    if (n == null) {
      synchronized (this) {
        if (lib == null) {
          lib = new Native();
        }
        n = lib;
      }
    }
    return n;
  }

  /** The C functions, bound once. */
  private static final class Native {
    final MethodHandle psArgs;
    final MethodHandle cmdLnParse;
    final MethodHandle init;
    final MethodHandle startStream;
    final MethodHandle startUtt;
    final MethodHandle processRaw;
    final MethodHandle endUtt;
    final MethodHandle segIter;
    final MethodHandle segNext;
    final MethodHandle segWord;
    final MethodHandle segFrames;
    final MethodHandle segProb;
    final MethodHandle getLogmath;
    final MethodHandle logmathExp;

    Native() {
      Linker linker = Linker.nativeLinker();
      SymbolLookup base = SymbolLookup.libraryLookup(BASE_LIBRARY, Arena.global());
      SymbolLookup ps = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
      psArgs = bind(linker, ps, "ps_args", FunctionDescriptor.of(ADDRESS));
      cmdLnParse = bind(linker, base, "cmd_ln_parse_r",
          FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
      init = bind(linker, ps, "ps_init", FunctionDescriptor.of(ADDRESS, ADDRESS));
      startStream = bind(linker, ps, "ps_start_stream", FunctionDescriptor.of(JAVA_INT, ADDRESS));
      startUtt = bind(linker, ps, "ps_start_utt", FunctionDescriptor.of(JAVA_INT, ADDRESS));
      processRaw = bind(linker, ps, "ps_process_raw",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT));
      endUtt = bind(linker, ps, "ps_end_utt", FunctionDescriptor.of(JAVA_INT, ADDRESS));
      segIter = bind(linker, ps, "ps_seg_iter", FunctionDescriptor.of(ADDRESS, ADDRESS));
      segNext = bind(linker, ps, "ps_seg_next", FunctionDescriptor.of(ADDRESS, ADDRESS));
      segWord = bind(linker, ps, "ps_seg_word", FunctionDescriptor.of(ADDRESS, ADDRESS));
      segFrames = bind(linker, ps, "ps_seg_frames", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
      segProb = bind(linker, ps, "ps_seg_prob", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
      getLogmath = bind(linker, ps, "ps_get_logmath", FunctionDescriptor.of(ADDRESS, ADDRESS));
      logmathExp = bind(linker, base, "logmath_exp", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_INT));
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor fd) {
      return linker.downcallHandle(
          lookup.find(name).orElseThrow(() -> new IllegalStateException("missing symbol " + name)), fd);
    }
  }
}
