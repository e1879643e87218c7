package dev.hearth.api.models;

import java.util.List;

/** The spec's {@code ListModelsResponse}: not paginated. */
public record ListModelsResponse(String object, List<Model> data) {
  public static ListModelsResponse of(List<Model> data) {
    return new ListModelsResponse("list", data);
  }
}
