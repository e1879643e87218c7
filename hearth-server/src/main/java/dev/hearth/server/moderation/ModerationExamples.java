package dev.hearth.server.moderation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The labeled examples under {@code moderation/data/} (one text per line, {@code #} comments). Every fifth text of
 * each file (the 5th, 10th, …) is held out for evaluation; the rest train the classifier.
 */
public record ModerationExamples(List<Example> training, List<Example> heldOut, String sha256) {

  /** One text and the file it came from. */
  public record Example(String file, String text) {}

  public static ModerationExamples load() {
    List<Example> training = new ArrayList<>();
    List<Example> heldOut = new ArrayList<>();
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (String file : Category.FILES) {
      String resource = "moderation/data/" + file + ".txt";
      byte[] bytes;
      try (InputStream in = ModerationExamples.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing " + resource);
        }
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      digest.update(file.getBytes(StandardCharsets.UTF_8));
      digest.update(bytes);
      int n = 0;
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        n++;
        (n % 5 == 0 ? heldOut : training).add(new Example(file, text));
      }
    }
    return new ModerationExamples(List.copyOf(training), List.copyOf(heldOut), HexFormat.of().formatHex(digest.digest()));
  }

  /** Whether {@code example} is a positive for {@code category} (for sexual/minors: never, by construction). */
  public static boolean positive(Example example, Category category) {
    return category.positiveFiles().contains(example.file());
  }

  public static boolean benign(Example example) {
    return Category.BENIGN_FILES.contains(example.file());
  }

  /** Labels for the minors detector: the references to children in {@code minors.txt}. */
  public static boolean mentionsMinor(Example example) {
    return example.file().equals("minors");
  }
}
