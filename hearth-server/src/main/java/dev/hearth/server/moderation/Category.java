package dev.hearth.server.moderation;

import java.util.List;

/**
 * The 13 omni-moderation categories, in the spec's order, with the example files whose texts are positives for
 * each (a sub-category's examples are also positives for its parent: a hateful threat is hate). {@code sexual/minors}
 * has no examples of its own: it is scored from {@code sexual} and the {@link #MINORS} detector.
 */
public enum Category {
  HATE("hate", "hate", "hate-threatening"),
  HATE_THREATENING("hate/threatening", "hate-threatening"),
  HARASSMENT("harassment", "harassment", "harassment-threatening"),
  HARASSMENT_THREATENING("harassment/threatening", "harassment-threatening"),
  ILLICIT("illicit", "illicit", "illicit-violent"),
  ILLICIT_VIOLENT("illicit/violent", "illicit-violent"),
  SELF_HARM("self-harm", "self-harm", "self-harm-intent", "self-harm-instructions"),
  SELF_HARM_INTENT("self-harm/intent", "self-harm-intent"),
  SELF_HARM_INSTRUCTIONS("self-harm/instructions", "self-harm-instructions"),
  SEXUAL("sexual", "sexual"),
  SEXUAL_MINORS("sexual/minors"),
  VIOLENCE("violence", "violence", "violence-graphic", "hate-threatening", "harassment-threatening"),
  VIOLENCE_GRAPHIC("violence/graphic", "violence-graphic");

  /** The detector of references to minors (benign examples only), combined with {@link #SEXUAL}. */
  public static final String MINORS = "minors";

  /** Every example file: the category files, then benign text, hard negatives and the minors references. */
  public static final List<String> FILES = List.of(
      "hate", "hate-threatening", "harassment", "harassment-threatening", "illicit", "illicit-violent",
      "self-harm", "self-harm-intent", "self-harm-instructions", "sexual", "violence", "violence-graphic",
      "benign", "hard-negatives", "minors");

  /** Files of text that must not be flagged at all. */
  public static final List<String> BENIGN_FILES = List.of("benign", "hard-negatives", "minors");

  private final String wireName;
  private final List<String> positiveFiles;

  Category(String wireName, String... positiveFiles) {
    this.wireName = wireName;
    this.positiveFiles = List.of(positiveFiles);
  }

  /** The category this one refines ({@code hate} for {@code hate/threatening}); null for top-level ones. */
  public Category parent() {
    return switch (this) {
      case HATE_THREATENING -> HATE;
      case HARASSMENT_THREATENING -> HARASSMENT;
      case ILLICIT_VIOLENT -> ILLICIT;
      case SELF_HARM_INTENT, SELF_HARM_INSTRUCTIONS -> SELF_HARM;
      case SEXUAL_MINORS -> SEXUAL;
      case VIOLENCE_GRAPHIC -> VIOLENCE;
      default -> null;
    };
  }

  public String wireName() {
    return wireName;
  }

  /** The example files whose texts are positives for this category (empty for sexual/minors). */
  public List<String> positiveFiles() {
    return positiveFiles;
  }

  /** Whether the classifier has a head of its own for this category. */
  public boolean trained() {
    return !positiveFiles.isEmpty();
  }
}
