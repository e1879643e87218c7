package dev.hearth.server.http;

import io.javalin.http.Context;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies into wire records and turns every way a body can be wrong into a 400 in
 * OpenAI's words, with {@code param} naming the field (dotted, with indexes:
 * {@code messages[0].content}).
 */
public final class JsonBodies {
  static final String UNPARSEABLE =
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using"
          + " your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent"
          + " was not valid JSON.)";

  private final JsonMapper mapper;

  public JsonBodies(JsonMapper mapper) {
    this.mapper = mapper;
  }

  public <T> T read(Context ctx, Class<T> type) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length == 0) {
      throw ApiException.invalidRequest(null, UNPARSEABLE + " The body was empty.");
    }
    return parse(body, type);
  }

  public <T> T parse(byte[] body, Class<T> type) {
    try {
      return mapper.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      String param = path(e.getPath());
      throw ApiException.invalidRequest(param, "Unrecognized request argument supplied: " + param);
    } catch (MismatchedInputException e) {
      String param = path(e.getPath());
      if (param == null) {
        throw ApiException.invalidRequest(null, "Invalid request body: expected a JSON object.");
      }
      throw ApiException.invalidRequest(
          param, "Invalid type for '" + param + "': expected " + describe(e.getTargetType()) + ".", "invalid_type");
    } catch (StreamConstraintsException e) {
      throw ApiException.invalidRequest(null, UNPARSEABLE + " (" + e.getOriginalMessage() + ")");
    } catch (StreamReadException e) {
      throw ApiException.invalidRequest(null, UNPARSEABLE);
    } catch (JacksonException e) {
      String param = path(e.getPath());
      throw ApiException.invalidRequest(param, "Invalid value" + (param == null ? "" : " for '" + param + "'") + ".");
    }
  }

  static String path(List<JacksonException.Reference> refs) {
    if (refs == null || refs.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (JacksonException.Reference ref : refs) {
      if (ref.getPropertyName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "a different type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "a boolean";
    }
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }
}
