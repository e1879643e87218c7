package dev.hearth.engine.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real chat templates in {@code <hearth.shared>/llm-fixtures/chat-templates} (surefire sets the
 * system property {@code hearth.shared}). Tests annotated {@link Required} are reported SKIPPED, with
 * the reason, when the property or the folder is missing; fixtures are never copied into the repo.
 */
final class ChatTemplateFixtures implements ExecutionCondition {

  static final String PROPERTY = "hearth.shared";

  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @ExtendWith(ChatTemplateFixtures.class)
  @interface Required {}

  static Path dir() {
    String shared = System.getProperty(PROPERTY);
    return shared == null || shared.isBlank() ? null : Path.of(shared, "llm-fixtures", "chat-templates");
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Path dir = dir();
    if (dir == null) {
      return ConditionEvaluationResult.disabled("system property " + PROPERTY + " is not set: no chat-template fixtures");
    }
    if (!Files.isDirectory(dir)) {
      return ConditionEvaluationResult.disabled("chat-template fixtures not found at " + dir);
    }
    return ConditionEvaluationResult.enabled("chat-template fixtures at " + dir);
  }

  static String source(String name) {
    try {
      return Files.readString(dir().resolve(name + ".jinja"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ChatTemplate load(String name) {
    return ChatTemplate.compile(source(name));
  }
}
