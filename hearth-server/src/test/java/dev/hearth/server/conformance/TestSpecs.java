package dev.hearth.server.conformance;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The small spec under test resources, for tests that must not depend on the shared one. */
final class TestSpecs {

    private static final OpenApiSpec MINI = OpenApiSpec.load(resource("/conformance/mini-openapi.yaml"));

    private TestSpecs() {
    }

    static OpenApiSpec mini() {
        return MINI;
    }

    private static Path resource(String name) {
        try {
            return Path.of(TestSpecs.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
