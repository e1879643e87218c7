package dev.hearth.server.conformance;

import java.util.ArrayList;
import java.util.List;

/** Minimal {@code text/event-stream} parsing: the data payload of each event, in order. */
final class ServerSentEvents {

    private ServerSentEvents() {
    }

    static List<String> dataPayloads(String stream) {
        List<String> payloads = new ArrayList<>();
        StringBuilder data = null;
        for (String line : stream.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    payloads.add(data.toString());
                    data = null;
                }
            } else if (line.startsWith("data:")) {
                String value = line.substring(5);
                value = value.startsWith(" ") ? value.substring(1) : value;
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
            // event:, id:, retry: and comments carry no payload
        }
        if (data != null) {
            payloads.add(data.toString());
        }
        return payloads;
    }
}
