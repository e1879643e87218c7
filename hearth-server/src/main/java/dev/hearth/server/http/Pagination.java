package dev.hearth.server.http;

import dev.hearth.store.InvalidPageRequest;
import dev.hearth.store.PageRequest;
import io.javalin.http.Context;

/** Reads {@code after}, {@code before}, {@code limit}, {@code order} into a store page request. */
public final class Pagination {
  private Pagination() {}

  /** Invalid values throw {@link InvalidPageRequest}, which {@link HttpApp} turns into a 400 naming the parameter. */
  public static PageRequest request(Context ctx, int defaultLimit, int maxLimit) {
    return PageRequest.of(
        ctx.queryParam("after"),
        ctx.queryParam("before"),
        QueryParams.integer(ctx, "limit"),
        ctx.queryParam("order"),
        defaultLimit,
        maxLimit);
  }
}
