package dev.hearth.engine.template;

/**
 * A chat template failed to compile (syntax error) or to render (type error, undefined access,
 * {@code raise_exception(...)} called by the template). {@link #line()} and {@link #column()} are
 * 1-based positions in the template source, or 0 when unknown.
 */
public class TemplateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;
  private final String detail;

  public TemplateException(String message, int line, int column) {
    super(line > 0 ? message + " (line " + line + ", column " + column + ")" : message);
    this.detail = message;
    this.line = line;
    this.column = column;
  }

  public TemplateException(String message) {
    this(message, 0, 0);
  }

  /** The message without the position suffix. */
  public String detail() {
    return detail;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  /** Thrown when the template calls {@code raise_exception(message)}; {@link #detail()} is the template's text. */
  public static final class Raised extends TemplateException {
    private static final long serialVersionUID = 1L;

    public Raised(String message, int line, int column) {
      super(message, line, column);
    }
  }
}
