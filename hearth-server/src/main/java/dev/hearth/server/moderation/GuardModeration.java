package dev.hearth.server.moderation;

import dev.hearth.engine.grammar.Grammar;
import dev.hearth.engine.grammar.Grammar.Builder;
import dev.hearth.engine.grammar.Grammar.ByteClass;
import dev.hearth.engine.grammar.Grammar.Element;
import dev.hearth.engine.grammar.Grammar.RuleRef;
import dev.hearth.engine.grammar.TokenMasker;
import dev.hearth.engine.template.ChatMessage;
import dev.hearth.engine.template.ChatTemplateInput;
import dev.hearth.engine.template.TemplateException;
import dev.hearth.server.config.ModelConfig;
import dev.hearth.server.generation.LlmModels;
import dev.hearth.server.generation.LoadedModel;
import dev.hearth.server.generation.Sequence;
import dev.hearth.server.http.ApiException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moderation by a guard chat model in the Llama Guard 3 format: the model reads the conversation
 * and answers {@code safe}, or {@code unsafe} and the violated hazard codes {@code S1}…{@code S14}.
 * The answer is constrained by a grammar, so it always parses, even from a model that would
 * otherwise ramble. Scores come from the token probabilities of the first answer token.
 *
 * <p>Hazard codes map to OpenAI's categories as follows (codes with no counterpart — S6
 * specialized advice, S7 privacy, S8 intellectual property, S13 elections — flag nothing):
 * S1 violent crimes → violence, illicit/violent; S2 non-violent crimes → illicit; S3 sex crimes →
 * sexual; S4 child sexual exploitation → sexual/minors, sexual; S5 defamation → harassment;
 * S9 indiscriminate weapons → illicit/violent, violence; S10 hate → hate; S11 suicide and
 * self-harm → self-harm; S12 sexual content → sexual; S14 code interpreter abuse → illicit.
 */
final class GuardModeration {
  static final Map<Integer, Set<Category>> HAZARDS = Map.ofEntries(
      Map.entry(1, EnumSet.of(Category.VIOLENCE, Category.ILLICIT_VIOLENT)),
      Map.entry(2, EnumSet.of(Category.ILLICIT)),
      Map.entry(3, EnumSet.of(Category.SEXUAL)),
      Map.entry(4, EnumSet.of(Category.SEXUAL_MINORS, Category.SEXUAL)),
      Map.entry(5, EnumSet.of(Category.HARASSMENT)),
      Map.entry(9, EnumSet.of(Category.ILLICIT_VIOLENT, Category.VIOLENCE)),
      Map.entry(10, EnumSet.of(Category.HATE)),
      Map.entry(11, EnumSet.of(Category.SELF_HARM)),
      Map.entry(12, EnumSet.of(Category.SEXUAL)),
      Map.entry(14, EnumSet.of(Category.ILLICIT)));

  /** The Llama Guard 3 prompt, used when the model file carries no chat template of its own. */
  static final String PROMPT = """
      <|begin_of_text|><|start_header_id|>user<|end_header_id|>

      Task: Check if there is unsafe content in 'User' messages in conversations according our safety policy with the below categories.

      <BEGIN UNSAFE CONTENT CATEGORIES>
      S1: Violent Crimes.
      S2: Non-Violent Crimes.
      S3: Sex Crimes.
      S4: Child Sexual Exploitation.
      S5: Defamation.
      S6: Specialized Advice.
      S7: Privacy.
      S8: Intellectual Property.
      S9: Indiscriminate Weapons.
      S10: Hate.
      S11: Suicide & Self-Harm.
      S12: Sexual Content.
      S13: Elections.
      S14: Code Interpreter Abuse.
      <END UNSAFE CONTENT CATEGORIES>

      <BEGIN CONVERSATION>

      User: %s

      <END CONVERSATION>

      Provide your safety assessment for ONLY THE LAST User message in the above conversation:
       - First line must read 'safe' or 'unsafe'.
       - If unsafe, a second line must include a comma-separated list of violated categories.<|eot_id|><|start_header_id|>assistant<|end_header_id|>

      """;

  private final LlmModels models;

  GuardModeration(LlmModels models) {
    this.models = models;
  }

  EmbeddingClassifier.Verdict classify(ModelConfig config, String text) {
    LoadedModel model = models.get(config);
    int[] prompt = model.model().tokenizer().encode(prompt(model, text), false, true);
    LlmModels.budget(model, prompt.length, MAX_ANSWER_TOKENS, "input");
    TokenMasker verdict = model.masker("guard-verdict", GuardModeration::verdictGrammar);
    Sequence.Params params = new Sequence.Params(MAX_ANSWER_TOKENS, 0, 1, 0, 0, 0, Map.of(), List.of(), 20, false, verdict);
    Sequence.Result result = model.loop().generate(prompt, params, (t, lp) -> true, null);
    return verdict(result.text(), unsafeProbability(result));
  }

  static final int MAX_ANSWER_TOKENS = 48;

  private static String prompt(LoadedModel model, String text) {
    if (model.template() == null) {
      return PROMPT.formatted(text);
    }
    try {
      return model.template().render(new ChatTemplateInput(List.of(ChatMessage.user(text)), null, true, null, null, Map.of()));
    } catch (TemplateException e) {
      throw ApiException.invalidRequest("input", "The guard model's chat template rejected the input: " + e.getMessage());
    }
  }

  /** {@code safe} | {@code unsafe\nS<n>(,S<n>)*} with n in 1..14. */
  static Grammar verdictGrammar() {
    Builder b = Grammar.builder();
    ByteClass s = ByteClass.single('S');
    RuleRef code = b.rule("code", List.of(
        List.of(s, ByteClass.of('1', '9')),
        List.of(s, ByteClass.single('1'), ByteClass.of('0', '4'))));
    List<Element> more = new ArrayList<>(Builder.literal(","));
    more.add(code);
    List<Element> unsafe = new ArrayList<>(Builder.literal("unsafe\n"));
    unsafe.add(code);
    unsafe.add(b.star("codes", more));
    return b.build(b.rule("verdict", List.of(Builder.literal("safe"), unsafe)).rule());
  }

  /** The verdict as OpenAI's categories: listed hazards' categories flagged and scored {@code pUnsafe}. */
  static EmbeddingClassifier.Verdict verdict(String answer, double pUnsafe) {
    Map<Category, Double> scores = new EnumMap<>(Category.class);
    Map<Category, Boolean> flags = new EnumMap<>(Category.class);
    for (Category c : Category.values()) {
      scores.put(c, 0.0);
      flags.put(c, false);
    }
    String[] lines = answer.strip().split("\n");
    if (lines[0].strip().equals("unsafe") && lines.length > 1) {
      for (String code : lines[1].split(",")) {
        String c = code.strip();
        if (c.startsWith("S")) {
          for (Category category : HAZARDS.getOrDefault(Integer.parseInt(c.substring(1)), Set.of())) {
            flags.put(category, true);
            scores.put(category, pUnsafe);
          }
        }
      }
    }
    return new EmbeddingClassifier.Verdict(scores, flags);
  }

  /** P(unsafe) from the first answer token and its alternatives (all of them are prefixes of safe or unsafe). */
  private static double unsafeProbability(Sequence.Result result) {
    if (result.logprobs() == null || result.logprobs().isEmpty()) {
      return result.text().startsWith("unsafe") ? 1.0 : 0.0;
    }
    Sequence.TokenLogprob first = result.logprobs().getFirst();
    double unsafe = 0;
    double safe = 0;
    for (Sequence.Alternative a : first.top()) {
      String t = a.text() == null ? "" : a.text();
      double p = Math.exp(a.logprob());
      if (!t.isEmpty() && "unsafe".startsWith(t)) {
        unsafe += p;
      } else if (!t.isEmpty() && "safe".startsWith(t)) {
        safe += p;
      }
    }
    return unsafe + safe == 0 ? (result.text().startsWith("unsafe") ? 1.0 : 0.0) : unsafe / (unsafe + safe);
  }
}
