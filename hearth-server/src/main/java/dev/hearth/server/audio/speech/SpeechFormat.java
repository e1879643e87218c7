package dev.hearth.server.audio.speech;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code response_format}s, with the media type OpenAI sends for each and the ffmpeg arguments
 * that encode it (null: encoded in Java). Opus comes in an Ogg container and AAC as ADTS, as
 * OpenAI sends them.
 */
public enum SpeechFormat {
  MP3("mp3", "audio/mpeg", "libmp3lame", List.of("-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3")),
  OPUS("opus", "audio/ogg", "libopus", List.of("-c:a", "libopus", "-b:a", "32k", "-page_duration", "20000", "-f", "ogg")),
  AAC("aac", "audio/aac", "aac", List.of("-c:a", "aac", "-b:a", "64k", "-f", "adts")),
  FLAC("flac", "audio/flac", "flac", List.of("-c:a", "flac", "-f", "flac")),
  WAV("wav", "audio/wav", null, null),
  PCM("pcm", "audio/pcm", null, null);

  private final String wireName;
  private final String mediaType;
  private final String ffmpegEncoder;
  private final List<String> ffmpegArgs;

  SpeechFormat(String wireName, String mediaType, String ffmpegEncoder, List<String> ffmpegArgs) {
    this.wireName = wireName;
    this.mediaType = mediaType;
    this.ffmpegEncoder = ffmpegEncoder;
    this.ffmpegArgs = ffmpegArgs;
  }

  public static Optional<SpeechFormat> parse(String name) {
    for (SpeechFormat f : values()) {
      if (f.wireName.equals(name.toLowerCase(Locale.ROOT))) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  public String wireName() {
    return wireName;
  }

  public String mediaType() {
    return mediaType;
  }

  /** The ffmpeg encoder this format needs, or null when Java writes it. */
  public String ffmpegEncoder() {
    return ffmpegEncoder;
  }

  List<String> ffmpegArgs() {
    return ffmpegArgs;
  }
}
