package dev.hearth.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty answers some requests before they reach Javalin (a malformed request line, headers too
 * large, a URI it refuses). Its default page is HTML; this writes OpenAI's JSON envelope instead.
 */
public final class JsonErrorHandler extends ErrorHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus() >= 400 ? response.getStatus() : 400;
    Object reason = request.getAttribute(ERROR_MESSAGE);
    String message = reason == null ? "Bad request (HTTP " + status + ")." : reason.toString().replace('"', '\'');
    String type = status >= 500 ? "server_error" : "invalid_request_error";
    String body =
        "{\"error\":{\"message\":\"" + escape(message) + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":null}}";
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '\\' || c == '"') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(' ');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
