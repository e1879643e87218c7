package dev.hearth.api.storedcompletions;

/** The spec's {@code ChatCompletionDeleted}. */
public record ChatCompletionDeleted(String object, String id, boolean deleted) {
  public static final String OBJECT = "chat.completion.deleted";

  public static ChatCompletionDeleted of(String id) {
    return new ChatCompletionDeleted(OBJECT, id, true);
  }
}
