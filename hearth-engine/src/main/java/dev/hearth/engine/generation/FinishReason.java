package dev.hearth.engine.generation;

/** Why generation ended, in OpenAI's terms. */
public enum FinishReason {
    /** The model produced an end-of-generation token (EOS/EOT). */
    STOP,
    /** The token budget or the context ran out. */
    LENGTH
}
