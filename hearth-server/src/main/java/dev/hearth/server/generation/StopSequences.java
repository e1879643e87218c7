package dev.hearth.server.generation;

import java.util.List;

/**
 * Finds stop sequences in generated text that arrives in pieces (one token at a time), so that a
 * stop string split across tokens is still caught and never reaches the client, also in streams.
 *
 * <p>{@link #append} returns the text that is safe to emit now: everything except a tail that could
 * still grow into a stop sequence. When a stop sequence completes, the text before it is released,
 * the stop string and anything after it are dropped, and {@link #stopped()} turns true.
 */
public final class StopSequences {
  private final List<String> stops;
  private final int longest;
  private final StringBuilder pending = new StringBuilder();
  private boolean stopped;

  public StopSequences(List<String> stops) {
    this.stops = List.copyOf(stops);
    this.longest = stops.stream().mapToInt(String::length).max().orElse(0);
  }

  /** Adds generated text; returns what may be emitted now (possibly empty). */
  public String append(String text) {
    if (stopped) {
      return "";
    }
    if (stops.isEmpty()) {
      return text;
    }
    pending.append(text);
    int earliest = -1;
    for (String stop : stops) {
      int at = pending.indexOf(stop);
      if (at >= 0 && (earliest < 0 || at < earliest)) {
        earliest = at;
      }
    }
    if (earliest >= 0) {
      stopped = true;
      String out = pending.substring(0, earliest);
      pending.setLength(0);
      return out;
    }
    int keep = heldBack();
    String out = pending.substring(0, pending.length() - keep);
    pending.delete(0, pending.length() - keep);
    return out;
  }

  /** Text held back at the end of generation (no stop sequence completed): it is output after all. */
  public String flush() {
    String out = stopped ? "" : pending.toString();
    pending.setLength(0);
    return out;
  }

  public boolean stopped() {
    return stopped;
  }

  /** The longest suffix of the pending text that is a proper prefix of some stop sequence. */
  private int heldBack() {
    int max = Math.min(pending.length(), longest - 1);
    for (int len = max; len > 0; len--) {
      int from = pending.length() - len;
      for (String stop : stops) {
        if (stop.length() > len && CharSequence.compare(pending.subSequence(from, pending.length()), stop.subSequence(0, len)) == 0) {
          return len;
        }
      }
    }
    return 0;
  }
}
