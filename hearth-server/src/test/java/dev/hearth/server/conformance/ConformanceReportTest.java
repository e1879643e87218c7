package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceReportTest {

    private static final Set<String> IMPLEMENTED = Set.of("GET /v1/models", "get /v1/models/<id>", "GET /v1/hearth/version");

    @TempDir
    Path repoRoot;

    @Test
    void rendersTotalsPerTagAndOverall() {
        String md = ConformanceReport.render(TestSpecs.mini(), IMPLEMENTED);

        assertThat(md).startsWith("# OpenAI API conformance\n")
                .contains("**Overall: 2 / 7 operations implemented (28.6%).**")
                .contains("| [Models](#models) | 2 | 4 |")
                .contains("| [Responses](#responses) | 0 | 2 |")
                .contains("| [(untagged)](#untagged) | 0 | 1 |")
                .contains("| **All** | **2** | **7** |");
    }

    @Test
    void listsEveryOperationUnderItsTagInSpecOrder() {
        String md = ConformanceReport.render(TestSpecs.mini(), IMPLEMENTED);

        assertThat(md).containsSubsequence(
                "## Models", "2 of 4 implemented.",
                "| GET | `/v1/models` | `listModels` | yes |",
                "| GET | `/v1/models/{model}` | `retrieveModel` | yes |",
                "| DELETE | `/v1/models/{model}` | `deleteModel` | no |",
                "| GET | `/v1/models/search` | `searchModels` | no |",
                "## Responses",
                "| GET | `/v1/responses/{response_id}?beta=true` | `getResponseBeta` | no |",
                "## (untagged)",
                "| GET | `/v1/health` | `health` | no |");
    }

    @Test
    void routesOutsideTheSpecAreListedSeparately() {
        assertThat(ConformanceReport.render(TestSpecs.mini(), IMPLEMENTED))
                .endsWith("## Routes not in the spec\n\n- `GET /v1/hearth/version`\n");
        assertThat(ConformanceReport.render(TestSpecs.mini(), Set.of())).doesNotContain("Routes not in the spec")
                .contains("**Overall: 0 / 7 operations implemented (0.0%).**");
    }

    @Test
    void routeKeysIgnoreParameterNamesAndSyntax() {
        assertThat(ConformanceReport.routeKey(" get  /v1/models/{model} ")).isEqualTo("GET /v1/models/{}");
        assertThat(ConformanceReport.routeKey("GET /v1/models/:id")).isEqualTo("GET /v1/models/{}");
        assertThat(ConformanceReport.routeKey("GET /v1/models/<id>")).isEqualTo("GET /v1/models/{}");
        assertThatThrownBy(() -> ConformanceReport.routeKey("/v1/models")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesDocsConformanceMdUnderTheRepoRoot() throws IOException {
        Path file = ConformanceReport.write(repoRoot, TestSpecs.mini(), IMPLEMENTED);

        assertThat(file).isEqualTo(repoRoot.resolve("docs/conformance.md"));
        assertThat(Files.readString(file)).isEqualTo(ConformanceReport.render(TestSpecs.mini(), IMPLEMENTED));
    }

    @Test
    @RequiresSpec
    void coversEveryOperationOfTheSharedSpec() {
        OpenApiSpec spec = OpenApiSpec.shared();

        String md = ConformanceReport.render(spec, Set.of("GET /v1/models", "GET /v1/models/{model}"));

        assertThat(md).contains("**Overall: 2 / " + spec.operations().size() + " operations implemented")
                .contains("| GET | `/v1/models/{model}` | `retrieveModel` | yes |")
                .contains("| POST | `/v1/chat/completions` | `createChatCompletion` | no |");
        assertThat(md.lines().filter(l -> l.endsWith("| yes |") || l.endsWith("| no |"))).hasSize(spec.operations().size());
    }
}
