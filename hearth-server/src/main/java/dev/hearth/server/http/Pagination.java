package dev.hearth.server.http;

import dev.hearth.store.InvalidPageRequest;
import dev.hearth.store.PageRequest;
import io.javalin.http.Context;

/** Reads {@code after}, {@code before}, {@code limit}, {@code order} into a store page request. */
public final class Pagination {
  private Pagination() {}

  public static PageRequest request(Context ctx, int defaultLimit, int maxLimit) {
    try {
      return PageRequest.of(
          ctx.queryParam("after"),
          ctx.queryParam("before"),
          QueryParams.integer(ctx, "limit"),
          ctx.queryParam("order"),
          defaultLimit,
          maxLimit);
    } catch (InvalidPageRequest e) {
      throw ApiException.invalidRequest(e.param(), e.getMessage());
    }
  }
}
