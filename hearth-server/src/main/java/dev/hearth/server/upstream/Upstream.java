package dev.hearth.server.upstream;

import io.javalin.http.Context;

/**
 * The hook an endpoint's route calls first: {@code if (Upstream.forwarded(ctx)) return;}. When the
 * request names an upstream model the caller may use, the request is forwarded and answered here
 * (true); otherwise (a local model, an unknown one, a malformed body) the route goes on as usual.
 */
@FunctionalInterface
public interface Upstream {
  String ATTRIBUTE = "hearth.upstream";

  boolean forward(Context ctx);

  static boolean forwarded(Context ctx) {
    Upstream hook = ctx.attribute(ATTRIBUTE);
    return hook != null && hook.forward(ctx);
  }
}
