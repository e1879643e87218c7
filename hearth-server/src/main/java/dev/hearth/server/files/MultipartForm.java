package dev.hearth.server.files;

import dev.hearth.server.http.ApiException;
import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@code multipart/form-data} request body read with bounded memory: Jetty spools each part
 * larger than {@link #IN_MEMORY_BYTES} to a file in the files temp directory (the same
 * filesystem as the final location), and refuses a part over the per-route limit while reading.
 *
 * <p>Why no change of {@code server.max_request_bytes} is needed: Javalin enforces that limit in
 * {@code ctx.bodyAsBytes()}, which JSON endpoints call; multipart parts come from the servlet's
 * {@code getParts()}, which obeys the {@link MultipartConfigElement} in the request attribute
 * {@code org.eclipse.jetty.multipartConfig}. This class sets that attribute per request, so
 * {@code /v1/files} gets {@code files.max_file_bytes} while JSON endpoints keep their 413.
 */
final class MultipartForm {
  static final String CONFIG_ATTRIBUTE = "org.eclipse.jetty.multipartConfig";
  static final int IN_MEMORY_BYTES = 16 * 1024;
  /** Room for the field parts and boundaries around the file part. */
  static final long OVERHEAD_BYTES = 1 << 20;
  static final int MAX_FIELD_BYTES = 4096;

  private final Map<String, String> fields;
  private final Map<String, Part> files;

  private MultipartForm(Map<String, String> fields, Map<String, Part> files) {
    this.fields = fields;
    this.files = files;
  }

  /**
   * Parses the request. {@code fileParts} are the names read as files (everything else is a
   * short text field); any other name is a 400, as unknown JSON fields are.
   */
  static MultipartForm read(Context ctx, Path spoolDir, long maxFileBytes, Set<String> fileParts, Set<String> fieldNames,
      ApiException tooLarge) {
    String contentType = ctx.contentType();
    if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
      throw ApiException.invalidRequest(null,
          "This endpoint expects a multipart/form-data body, got " + (contentType == null ? "none" : "'" + contentType + "'") + ".");
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxFileBytes + OVERHEAD_BYTES) {
      throw tooLarge;
    }
    ctx.req().setAttribute(CONFIG_ATTRIBUTE,
        new MultipartConfigElement(spoolDir.toString(), maxFileBytes, maxFileBytes + OVERHEAD_BYTES, IN_MEMORY_BYTES));
    Collection<Part> parts;
    try {
      parts = ctx.req().getParts();
    } catch (IOException | ServletException | RuntimeException e) {
      // Jetty fails the request's content with the parse, and so closes the connection after the
      // answer. Saying so lets the client open a new one for its next request: without the header,
      // the Java client pooled the connection and its next POST met the closed socket ("HTTP/1.1
      // header parser received no bytes", one request in seven in a loop of refused uploads).
      ctx.header("Connection", "close");
      // Jetty reports a part over the limit as "max file size exceeded" / "max length exceeded",
      // possibly wrapped (BadMessageException "bad multipart") once parsing has begun.
      for (Throwable t = e; t != null; t = t.getCause()) {
        String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (message.contains("exceeded")) {
          throw tooLarge;
        }
        if (t.getCause() == t) {
          break;
        }
      }
      throw ApiException.invalidRequest(null, "Could not read the multipart/form-data body: " + e.getMessage());
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Map<String, Part> files = new LinkedHashMap<>();
    for (Part part : parts) {
      String name = part.getName();
      if (fileParts.contains(name)) {
        if (files.putIfAbsent(name, part) != null) {
          throw ApiException.invalidRequest(name, "Only one '" + name + "' may be sent.");
        }
      } else if (fieldNames.contains(name)) {
        if (fields.putIfAbsent(name, text(part)) != null) {
          throw ApiException.invalidRequest(name, "Only one '" + name + "' may be sent.");
        }
      } else {
        throw ApiException.invalidRequest(name, "Unrecognized request argument supplied: " + name);
      }
    }
    return new MultipartForm(fields, files);
  }

  String field(String name) {
    return fields.get(name);
  }

  Part file(String name) {
    return files.get(name);
  }

  private static String text(Part part) {
    if (part.getSize() > MAX_FIELD_BYTES) {
      throw ApiException.invalidRequest(part.getName(), "'" + part.getName() + "' is too long.");
    }
    try (InputStream in = part.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ApiException.invalidRequest(part.getName(), "Could not read '" + part.getName() + "'.");
    }
  }
}
