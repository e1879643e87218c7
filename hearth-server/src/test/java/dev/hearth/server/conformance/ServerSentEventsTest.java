package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

    @Test
    void joinsMultiLineDataAndSkipsOtherFields() {
        String stream = ": comment\r\nevent: a\r\ndata: {\"x\":\r\ndata:1}\r\n\r\nid: 7\nretry: 5\n\ndata: [DONE]";

        assertThat(ServerSentEvents.dataPayloads(stream)).containsExactly("{\"x\":\n1}", "[DONE]");
    }

    @Test
    void emptyStreamHasNoEvents() {
        assertThat(ServerSentEvents.dataPayloads("")).isEmpty();
        assertThat(ServerSentEvents.dataPayloads(": ping\n\n")).isEmpty();
    }
}
