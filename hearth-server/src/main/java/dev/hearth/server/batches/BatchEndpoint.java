package dev.hearth.server.batches;

import dev.hearth.server.auth.Principal;
import tools.jackson.databind.JsonNode;

/**
 * One endpoint as the batch runner calls it: the same service call the endpoint's live route
 * makes, given the line's {@code body} and the batch owner's project. A family that serves a
 * batch endpoint ({@code /v1/chat/completions}, {@code /v1/embeddings}, …) registers its handler
 * with {@link BatchDispatcher}, so batch lines and live requests take one path.
 *
 * <p>Throw {@code ApiException} exactly as the live route would: the runner turns it into the
 * same status and error envelope a live client gets.
 */
@FunctionalInterface
public interface BatchEndpoint {
  BatchResponse handle(Principal caller, JsonNode body);
}
