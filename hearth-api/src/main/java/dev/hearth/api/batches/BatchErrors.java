package dev.hearth.api.batches;

import java.util.List;

/** The {@code errors} of a {@link Batch}: {@code object} is always {@code list}. */
public record BatchErrors(String object, List<BatchError> data) {
  public static BatchErrors of(List<BatchError> data) {
    return new BatchErrors("list", List.copyOf(data));
  }
}
