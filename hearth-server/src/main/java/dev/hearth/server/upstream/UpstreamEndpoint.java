package dev.hearth.server.upstream;

/** The endpoints a request for an upstream model is forwarded on, with the id prefix of their responses. */
enum UpstreamEndpoint {
  CHAT("/chat/completions", "chatcmpl-", true),
  COMPLETIONS("/completions", "cmpl-", true),
  EMBEDDINGS("/embeddings", null, false),
  MODERATIONS("/moderations", "modr-", false);

  final String path;
  /** The prefix of the {@code id} Hearth gives the response (and every chunk of a stream); null: no id. */
  final String idPrefix;
  final boolean streams;

  UpstreamEndpoint(String path, String idPrefix, boolean streams) {
    this.path = path;
    this.idPrefix = idPrefix;
    this.streams = streams;
  }

  static UpstreamEndpoint ofRoute(String route) {
    for (UpstreamEndpoint e : values()) {
      if (e.route().equals(route)) {
        return e;
      }
    }
    return null;
  }

  /** The route on this server, {@code /v1/chat/completions}. */
  String route() {
    return "/v1" + path;
  }
}
