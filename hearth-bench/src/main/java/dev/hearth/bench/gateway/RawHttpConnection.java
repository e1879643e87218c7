package dev.hearth.bench.gateway;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection that sends pre-encoded requests and reads responses by
 * Content-Length. A load generator needs this little and must add as little latency as possible,
 * which a general-purpose client does not.
 */
final class RawHttpConnection implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final byte[] line = new byte[8192];

  RawHttpConnection(String host, int port) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port));
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 65536);
  }

  static byte[] encode(String method, String host, int port, String path, String jsonBody, String apiKey) {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    sb.append("Host: ").append(host).append(':').append(port).append("\r\n");
    sb.append("Authorization: Bearer ").append(apiKey).append("\r\n");
    sb.append("Accept: application/json\r\n");
    byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
    if (jsonBody != null) {
      sb.append("Content-Type: application/json\r\n");
    }
    sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /** Sends one request and returns the response status; the body is read and discarded. */
  int exchange(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    String status = readLine();
    if (status == null || status.length() < 12) {
      throw new IOException("connection closed by the server");
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    String header;
    while ((header = readLine()) != null && !header.isEmpty()) {
      int colon = header.indexOf(':');
      if (colon > 0) {
        String name = header.substring(0, colon).trim();
        String value = header.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
          chunked = true;
        }
      }
    }
    if (chunked) {
      readChunked();
    } else if (length > 0) {
      skip(length);
    }
    return code;
  }

  private void readChunked() throws IOException {
    while (true) {
      String size = readLine();
      if (size == null) {
        throw new IOException("connection closed mid-body");
      }
      int semi = size.indexOf(';');
      long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
      if (n == 0) {
        readLine(); // trailing CRLF after the last chunk
        return;
      }
      skip(n);
      readLine();
    }
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      long skipped = in.skip(n);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException("connection closed mid-body");
        }
        skipped = 1;
      }
      n -= skipped;
    }
  }

  private String readLine() throws IOException {
    int len = 0;
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        if (len > 0 && line[len - 1] == '\r') {
          len--;
        }
        return new String(line, 0, len, StandardCharsets.ISO_8859_1);
      }
      if (len < line.length) {
        line[len++] = (byte) b;
      }
    }
    return len == 0 ? null : new String(line, 0, len, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
