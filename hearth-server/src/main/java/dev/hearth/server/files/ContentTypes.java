package dev.hearth.server.files;

import java.util.Locale;
import java.util.Map;

/** The media type a file is served with: the one it was uploaded with, else one from its extension. */
final class ContentTypes {
  static final String DEFAULT = "application/octet-stream";
  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("jsonl", "application/jsonl"),
      Map.entry("json", "application/json"),
      Map.entry("txt", "text/plain"),
      Map.entry("md", "text/markdown"),
      Map.entry("csv", "text/csv"),
      Map.entry("pdf", "application/pdf"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"),
      Map.entry("webp", "image/webp"),
      Map.entry("html", "text/html"),
      Map.entry("py", "text/x-python"),
      Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"));

  private ContentTypes() {}

  static String of(String declared, String filename) {
    if (declared != null && !declared.isBlank() && declared.length() <= 255 && !declared.startsWith(DEFAULT)
        && declared.chars().noneMatch(c -> c < 0x20 || c == 0x7f)) {
      return declared.strip();
    }
    int dot = filename.lastIndexOf('.');
    if (dot >= 0) {
      String type = BY_EXTENSION.get(filename.substring(dot + 1).toLowerCase(Locale.ROOT));
      if (type != null) {
        return type;
      }
    }
    return DEFAULT;
  }
}
