package dev.hearth.server.conformance;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that needs the shared OpenAPI spec. Without it the test is reported
 * SKIPPED with the reason (see {@link SpecLocation#unavailableReason()}), never silently passed.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(RequiresSpecCondition.class)
public @interface RequiresSpec {
}
