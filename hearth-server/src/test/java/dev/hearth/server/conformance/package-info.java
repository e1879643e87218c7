/**
 * Conformance harness: checks that what the Hearth server sends matches the official OpenAI OpenAPI spec
 * ({@code <hearth.shared>/openai-openapi/openapi.yaml}).
 *
 * <pre>{@code
 * @RequiresSpec                       // SKIPPED, with the reason, when the shared spec is absent
 * class ModelsConformanceIT {
 *     @RegisterExtension
 *     final ConformanceExtension conformance = new ConformanceExtension(); // fails a test whose responses violate the spec
 *
 *     @Test
 *     void listAndRetrieve() {
 *         URI base = URI.create("http://127.0.0.1:" + port + "/v1");
 *         OpenAIClient client = conformance.openAi(base, "sk-test");          // every response is validated
 *         client.models().list();
 *         assertThatThrownBy(() -> client.models().retrieve("nope")).isInstanceOf(NotFoundException.class);
 *
 *         try (RawHttp raw = conformance.rawHttp(base, "sk-test")) {         // for requests the SDK cannot send
 *             assertThat(raw.post("/v1/chat/completions", "{not json").statusCode()).isEqualTo(400);
 *         }
 *     }
 * }
 *
 * // one-off checks
 * SpecValidator.shared().assertValid("Model", json);
 * // coverage report, from a test that knows the routes
 * ConformanceReport.write(repoRoot, Set.of("GET /v1/models", "GET /v1/models/{model}"));
 * }</pre>
 *
 * Without the extension: {@code ConformanceClients.openAi(base, key, recorder)} then
 * {@code recorder.assertNoViolations()}.
 */
package dev.hearth.server.conformance;
