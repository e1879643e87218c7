package dev.hearth.server.chat;

/**
 * Separates a thinking model's reasoning ({@code <think>…</think>}, as Qwen3-style templates have
 * the model write it) from the answer, for text that arrives in pieces: the reasoning goes to
 * {@code reasoning_content}, never into {@code content}. Text that may be the start of a tag is
 * held back until it is known.
 */
final class ReasoningSplitter {
  static final String OPEN = "<think>";
  static final String CLOSE = "</think>";

  record Split(String reasoning, String content) {
    boolean isEmpty() {
      return reasoning.isEmpty() && content.isEmpty();
    }
  }

  private enum State { START, REASONING, AFTER_REASONING, CONTENT }

  private State state;
  private final StringBuilder held = new StringBuilder();

  /** @param promptOpensReasoning the rendered prompt already ends with {@code <think>} */
  ReasoningSplitter(boolean promptOpensReasoning) {
    this.state = promptOpensReasoning ? State.REASONING : State.START;
  }

  static boolean opensReasoning(String renderedPrompt) {
    return renderedPrompt.stripTrailing().endsWith(OPEN);
  }

  Split accept(String text) {
    held.append(text);
    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    boolean progress = true;
    while (progress) {
      progress = false;
      switch (state) {
        case START -> {
          String s = held.toString().stripLeading();
          if (s.startsWith(OPEN)) {
            held.setLength(0);
            held.append(s.substring(OPEN.length()));
            state = State.REASONING;
            progress = true;
          } else if (!OPEN.startsWith(s)) {
            state = State.CONTENT;
            progress = true;
          }
        }
        case REASONING -> {
          int at = held.indexOf(CLOSE);
          if (at >= 0) {
            reasoning.append(held, 0, at);
            held.delete(0, at + CLOSE.length());
            state = State.AFTER_REASONING;
            progress = true;
          } else {
            int keep = partialSuffix(held, CLOSE);
            reasoning.append(held, 0, held.length() - keep);
            held.delete(0, held.length() - keep);
          }
        }
        case AFTER_REASONING -> {
          String s = held.toString().stripLeading();
          held.setLength(0);
          held.append(s);
          if (!s.isEmpty()) {
            state = State.CONTENT;
            progress = true;
          }
        }
        case CONTENT -> {
          content.append(held);
          held.setLength(0);
        }
      }
    }
    return new Split(stripLeadingNewlines(reasoning.toString()), content.toString());
  }

  private boolean reasoningStarted;

  private String stripLeadingNewlines(String reasoning) {
    if (!reasoningStarted) {
      reasoning = reasoning.stripLeading();
      reasoningStarted = !reasoning.isEmpty();
    }
    return reasoning;
  }

  /** What is still held at the end of generation, given to the channel it was headed for. */
  Split finish() {
    String rest = held.toString();
    held.setLength(0);
    return switch (state) {
      case REASONING -> new Split(stripLeadingNewlines(rest), "");
      case AFTER_REASONING -> new Split("", "");
      default -> new Split("", rest);
    };
  }

  private static int partialSuffix(CharSequence text, String tag) {
    for (int len = Math.min(text.length(), tag.length() - 1); len > 0; len--) {
      if (tag.startsWith(text.subSequence(text.length() - len, text.length()).toString())) {
        return len;
      }
    }
    return 0;
  }
}
