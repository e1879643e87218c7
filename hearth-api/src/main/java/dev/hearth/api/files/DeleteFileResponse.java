package dev.hearth.api.files;

/** The spec's {@code DeleteFileResponse}. */
public record DeleteFileResponse(String id, String object, boolean deleted) {

  public static DeleteFileResponse of(String id) {
    return new DeleteFileResponse(id, OpenAIFile.OBJECT, true);
  }
}
