package dev.hearth.server.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Checks that bytes are the container a format promises (headers, sync words, magic). */
public final class AudioMagic {
  private AudioMagic() {}

  /** RIFF/WAVE, PCM, 24 kHz, mono, 16-bit, and some samples after the 44-byte header. */
  public static void assertWav24kMono16(byte[] b) {
    assertThat(b.length).isGreaterThan(44 + 2400);
    ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new String(b, 0, 4)).isEqualTo("RIFF");
    assertThat(new String(b, 8, 4)).isEqualTo("WAVE");
    assertThat(new String(b, 12, 4)).isEqualTo("fmt ");
    assertThat(h.getShort(20)).as("PCM").isEqualTo((short) 1);
    assertThat(h.getShort(22)).as("channels").isEqualTo((short) 1);
    assertThat(h.getInt(24)).as("sample rate").isEqualTo(24000);
    assertThat(h.getShort(34)).as("bits").isEqualTo((short) 16);
    assertThat(new String(b, 36, 4)).isEqualTo("data");
  }

  /** MPEG audio: an optional ID3v2 tag, then an MPEG-1/2 Layer III frame sync. */
  public static void assertMp3(byte[] b) {
    int at = 0;
    if (b.length > 10 && b[0] == 'I' && b[1] == 'D' && b[2] == '3') {
      int size = ((b[6] & 0x7F) << 21) | ((b[7] & 0x7F) << 14) | ((b[8] & 0x7F) << 7) | (b[9] & 0x7F);
      at = 10 + size;
    }
    assertThat(b.length).isGreaterThan(at + 4);
    assertThat(b[at] & 0xFF).as("frame sync").isEqualTo(0xFF);
    assertThat(b[at + 1] & 0xE0).as("frame sync").isEqualTo(0xE0);
    assertThat((b[at + 1] >> 1) & 0x3).as("layer III").isEqualTo(1);
  }

  public static void assertOggOpus(byte[] b) {
    assertThat(new String(b, 0, 4)).isEqualTo("OggS");
    assertThat(new String(b, 28, 8)).isEqualTo("OpusHead");
  }

  public static void assertFlac(byte[] b) {
    assertThat(new String(b, 0, 4)).isEqualTo("fLaC");
  }

  /** ADTS: 12-bit sync, then (layer 00). */
  public static void assertAdts(byte[] b) {
    assertThat(b[0] & 0xFF).isEqualTo(0xFF);
    assertThat(b[1] & 0xF6).isEqualTo(0xF0);
  }
}
