package dev.hearth.server.chat.tools;

import java.util.Map;

/**
 * A function the model may call, as the request declared it.
 *
 * @param parameters the JSON schema of its arguments as a plain map tree (null: any object)
 * @param strict the client asked for arguments guaranteed to match {@code parameters}
 */
public record FunctionTool(String name, String description, Map<String, Object> parameters, boolean strict) {}
