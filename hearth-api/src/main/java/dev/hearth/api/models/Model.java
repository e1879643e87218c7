package dev.hearth.api.models;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The spec's {@code Model} object. */
public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
  public static Model of(String id, long created, String ownedBy) {
    return new Model(id, "model", created, ownedBy);
  }
}
