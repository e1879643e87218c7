package dev.hearth.server.audio.speech;

import java.io.IOException;

/**
 * Encodes a stream of 24 kHz 16-bit mono PCM into one response format and writes it to the
 * client as it goes: each {@link #write} leaves the bytes it produced flushed.
 */
public interface AudioEncoder {
  int SAMPLE_RATE = 24_000;

  void write(short[] samples) throws IOException;

  /** Writes what remains and ends the stream (the response itself is closed by the caller). */
  void finish() throws IOException;

  /** Stops early (the client left or synthesis failed) and releases any process. */
  void abort();
}
