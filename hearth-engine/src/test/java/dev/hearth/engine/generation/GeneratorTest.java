package dev.hearth.engine.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.InferenceState;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.engine.sampling.GreedySampler;
import dev.hearth.engine.sampling.Sampler;
import dev.hearth.engine.sampling.SamplingParameters;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {

    @TempDir
    Path tmp;

    Model model(GgufFile file) {
        return ModelLoader.load(file);
    }

    GgufFile open() throws IOException {
        Path path = tmp.resolve("m.gguf");
        TinyModelWriter.write(TinyModelSpec.of("llama"), TinyVocabulary.byteLevelBpe(200), path);
        return GgufFile.open(path);
    }

    @Test
    void greedyGenerationFollowsTheArgmaxAndStreamsTheSameText() throws IOException {
        try (GgufFile file = open()) {
            Model model = model(file);
            int[] prompt = model.tokenizer().encode("The hearth was", true, false);
            List<String> pieces = new ArrayList<>();
            Generation g = new Generator(model).generate(prompt, 20, new GreedySampler(), pieces::add);

            // the same loop by hand
            InferenceState s = model.newState(prompt.length + 20);
            float[] logits = model.ingest(s, prompt);
            for (int i = 0; i < g.tokens().length; i++) {
                int best = new GreedySampler().sample(logits);
                assertThat(g.tokens()[i]).isEqualTo(best);
                logits = model.forward(s, best);
            }
            assertThat(String.join("", pieces)).isEqualTo(g.text());
            assertThat(g.text()).isEqualTo(model.tokenizer().decode(g.tokens()));
            assertThat(g.promptTokens()).isEqualTo(prompt.length);
            if (g.finishReason() == FinishReason.LENGTH) {
                assertThat(g.tokens()).hasSize(20);
            }
        }
    }

    @Test
    void stopsAtEndOfGenerationWithoutEmittingIt() throws IOException {
        try (GgufFile file = open()) {
            Model model = model(file);
            int eot = model.tokenizer().specialTokens().eot();
            int[] script = {300, 301, eot, 302};
            Sampler scripted = new Sampler() {
                int i;

                @Override
                public int sample(float[] logits) {
                    return script[i++];
                }
            };
            Generation g = new Generator(model).generate(new int[] {1, 2}, 10, scripted, t -> {});
            assertThat(g.tokens()).containsExactly(300, 301);
            assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        }
    }

    @Test
    void respectsTheTokenBudgetAndTheSeed() throws IOException {
        try (GgufFile file = open()) {
            Model model = model(file);
            int[] prompt = {1, 2, 3};
            Generator generator = new Generator(model);
            SamplingParameters p = SamplingParameters.of(1.0f, 0.9f, 99);
            Generation a = generator.generate(prompt, 7, Sampler.of(p), t -> {});
            Generation b = generator.generate(prompt, 7, Sampler.of(p), t -> {});
            assertThat(a.tokens()).isEqualTo(b.tokens());
            assertThat(a.tokens().length).isLessThanOrEqualTo(7);
            assertThat(generator.generate(prompt, 0, Sampler.of(p), t -> {}).tokens()).isEmpty();
        }
    }
}
