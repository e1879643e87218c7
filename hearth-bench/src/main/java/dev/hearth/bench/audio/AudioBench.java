package dev.hearth.bench.audio;

import dev.hearth.server.HearthServer;
import dev.hearth.server.audio.Pcm;
import dev.hearth.server.audio.transcription.SphinxEngine;
import dev.hearth.server.audio.transcription.TranscriptionEngine;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Audio: real-time factor (audio seconds per wall second) of {@code /v1/audio/speech} and
 * {@code /v1/audio/transcriptions}, and the time to the first audio byte for a 500-character
 * input. Yardsticks in the same run: the {@code flite} and {@code pocketsphinx_continuous}
 * command-line tools on the same text and audio (model loading included, as a user running them
 * would pay it), and the pure-Java Sphinx4 recognizer on the same samples.
 *
 * <pre>
 * ./hearth-bench/bench audio [--runs 3]
 * </pre>
 */
public final class AudioBench {
  static final String TEXT_500 =
      "Hearth serves the OpenAI API from one process on your own machine. It speaks with Flite and"
          + " listens with PocketSphinx, so nothing leaves the building. The first sentence is sent to the"
          + " client while the rest are still being made. Speech comes back as mp3, opus, aac, flac, wav or raw"
          + " samples at twenty four kilohertz. Transcripts come back as plain text, subtitles, or JSON with"
          + " segments and word times. Please measure it on a quiet machine, and note what you see, with the date and the load, as well.";
  static {
    if (TEXT_500.length() != 500) {
      throw new AssertionError("TEXT_500 has " + TEXT_500.length() + " characters");
    }
  }
  static final String PARAGRAPH = String.join(" ",
      "Please call me back as soon as you can.", "The weather today is cold and windy.",
      "I would like to buy a new car.", "She opened the window to let in some fresh air.",
      "We will meet at the station at seven o'clock.", "The children played in the park all afternoon.",
      "He forgot to bring his umbrella to work.", "My brother lives in a small house near the river.",
      "Can you tell me the way to the nearest hospital?", "The meeting was moved to next Tuesday morning.");

  public static void main(String[] args) throws Exception {
    int runs = intArg(args, "--runs", 3);
    Path dataDir = Files.createTempDirectory("hearth-audio-bench");
    HearthConfig config = ConfigLoader.defaults().set("data_dir", dataDir.toString()).set("server.port", "0").load();
    System.out.printf(Locale.ROOT, "Audio benchmark: %d runs each (median), %d CPUs, %s%n",
        runs, Runtime.getRuntime().availableProcessors(), cpuModel());
    try (HearthServer server = HearthServer.start(config); HttpClient http = HttpClient.newHttpClient()) {
      URI base = server.baseUrl();
      // warm-up: engines, decoders, JIT
      speech(http, base, "Warm up.", "wav");
      byte[] warm = speech(http, base, "Warm up the recognizer.", "wav");
      transcribe(http, base, warm);

      System.out.printf(Locale.ROOT, "%n%-58s %10s %10s %10s%n", "synthesis (input " + PARAGRAPH.length() + " chars)",
          "audio s", "wall s", "RTF");
      double audioSeconds = 0;
      for (String format : List.of("wav", "mp3", "opus")) {
        double[] walls = new double[runs];
        for (int i = 0; i < runs; i++) {
          long t0 = System.nanoTime();
          byte[] body = speech(http, base, PARAGRAPH, format);
          walls[i] = (System.nanoTime() - t0) / 1e9;
          if (format.equals("wav")) {
            audioSeconds = (body.length - 44) / 48000.0;
          }
        }
        row("POST /v1/audio/speech " + format, audioSeconds, median(walls));
      }
      double[] cli = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        run(List.of("flite", "-voice", "slt", "-t", PARAGRAPH, "-o", "none"));
        cli[i] = (System.nanoTime() - t0) / 1e9;
      }
      row("yardstick: flite CLI, same text, no output", audioSeconds, median(cli));

      System.out.printf(Locale.ROOT, "%n%-58s %10s %10s%n", "time to first audio byte (" + TEXT_500.length() + " chars)",
          "first ms", "total ms");
      for (String format : List.of("pcm", "wav", "mp3")) {
        double[] first = new double[runs];
        double[] total = new double[runs];
        for (int i = 0; i < runs; i++) {
          double[] t = firstByte(http, base, TEXT_500, format);
          first[i] = t[0];
          total[i] = t[1];
        }
        System.out.printf(Locale.ROOT, "%-58s %10.0f %10.0f%n", "POST /v1/audio/speech " + format, median(first), median(total));
      }

      byte[] wav = speech(http, base, PARAGRAPH, "wav");
      Pcm.Audio audio = Pcm.readWav(new ByteArrayInputStream(wav));
      double seconds = audio.seconds();
      System.out.printf(Locale.ROOT, "%n%-58s %10s %10s %10s%n", "transcription", "audio s", "wall s", "RTF");
      double[] walls = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        transcribe(http, base, wav);
        walls[i] = (System.nanoTime() - t0) / 1e9;
      }
      row("POST /v1/audio/transcriptions (PocketSphinx via FFM)", seconds, median(walls));
      Path file = dataDir.resolve("paragraph.wav");
      Files.write(file, wav);
      try {
        double[] ps = new double[runs];
        for (int i = 0; i < runs; i++) {
          long t0 = System.nanoTime();
          run(List.of("pocketsphinx_continuous", "-infile", file.toString(), "-samprate", "24000", "-nfft", "1024",
              "-logfn", "/dev/null"));
          ps[i] = (System.nanoTime() - t0) / 1e9;
        }
        row("yardstick: pocketsphinx_continuous CLI (loads model)", seconds, median(ps));
      } catch (Exception e) {
        System.out.println("yardstick: pocketsphinx_continuous not available (" + e.getMessage() + ")");
      }
      // Sphinx4 on the first three sentences only: on the whole paragraph it slows down further (its
      // search grows with utterance length) and would take minutes.
      byte[] shortWav = speech(http, base, String.join(" ", Arrays.copyOf(PARAGRAPH.split("(?<=\\.) "), 3)), "wav");
      Pcm.Audio shortAudio = Pcm.readWav(new ByteArrayInputStream(shortWav));
      short[] samples16k = Pcm.resample(shortAudio.samples(), shortAudio.sampleRate(), TranscriptionEngine.SAMPLE_RATE);
      long p0 = System.nanoTime();
      transcribe(http, base, shortWav);
      row("POST /v1/audio/transcriptions, first 3 sentences", shortAudio.seconds(), (System.nanoTime() - p0) / 1e9);
      SphinxEngine sphinx4 = new SphinxEngine(1);
      TranscriptionEngine.Request request = new TranscriptionEngine.Request("en", null, 0, false, false);
      sphinx4.transcribe(Arrays.copyOf(samples16k, TranscriptionEngine.SAMPLE_RATE), request); // load models
      long t0 = System.nanoTime();
      sphinx4.transcribe(samples16k, request);
      row("comparison: Sphinx4 (pure Java), same 3 sentences, in-process", shortAudio.seconds(),
          (System.nanoTime() - t0) / 1e9);
    }
  }

  static void row(String name, double audioSeconds, double wallSeconds) {
    System.out.printf(Locale.ROOT, "%-58s %10.2f %10.3f %10.2f%n", name, audioSeconds, wallSeconds, audioSeconds / wallSeconds);
  }

  static byte[] speech(HttpClient http, URI base, String text, String format) throws Exception {
    HttpResponse<byte[]> r = http.send(speechRequest(base, text, format), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("speech: " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
    }
    return r.body();
  }

  static HttpRequest speechRequest(URI base, String text, String format) {
    return HttpRequest.newBuilder(URI.create(base + "/audio/speech")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"model":"tts-1","input":"%s","voice":"alloy","response_format":"%s"}""".formatted(text, format))).build();
  }

  /** Milliseconds to the first body byte and to the end of the body. */
  static double[] firstByte(HttpClient http, URI base, String text, String format) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<InputStream> r = http.send(speechRequest(base, text, format), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (in.read() < 0 || r.statusCode() != 200) {
        throw new IllegalStateException("speech failed: " + r.statusCode());
      }
      double first = (System.nanoTime() - t0) / 1e6;
      in.readAllBytes();
      return new double[] {first, (System.nanoTime() - t0) / 1e6};
    }
  }

  static String transcribe(HttpClient http, URI base, byte[] wav) throws Exception {
    String boundary = "bench" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--"
        + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
        + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(wav);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/audio/transcriptions"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("transcription: " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(command.getFirst() + " exited " + p.exitValue());
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  static String cpuModel() {
    try {
      return new ArrayList<>(Files.readAllLines(Path.of("/proc/cpuinfo"))).stream()
          .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip())
          .orElse("unknown CPU");
    } catch (Exception e) {
      return "unknown CPU";
    }
  }
}
