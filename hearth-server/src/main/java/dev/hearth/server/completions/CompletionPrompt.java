package dev.hearth.server.completions;

/**
 * One prompt of a legacy completion request: text to tokenize, or token ids given by the client.
 * Exactly one of the two is set.
 */
public record CompletionPrompt(String text, int[] tokens) {
  public static CompletionPrompt ofText(String text) {
    return new CompletionPrompt(text, null);
  }

  public static CompletionPrompt ofTokens(int[] tokens) {
    return new CompletionPrompt(null, tokens.clone());
  }

  public boolean isText() {
    return text != null;
  }
}
