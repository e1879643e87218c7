package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class IdsTest {

    @ParameterizedTest
    @CsvSource({"file-, 22", "batch_, 24", "chatcmpl-, 29", "proj_, 24", "key_, 24", "resp_, 24"})
    void idsHaveThePrefixAndTheDocumentedLengthOfBase62(String prefix, int randomLength) {
        String id = Ids.newId(prefix);
        assertThat(id).startsWith(prefix).hasSize(prefix.length() + randomLength);
        assertThat(id.substring(prefix.length())).matches("[0-9A-Za-z]+");
    }

    @Test
    void explicitLengthIsHonoured() {
        assertThat(Ids.newId("x_", 7)).matches("x_[0-9A-Za-z]{7}");
        assertThatThrownBy(() -> Ids.newId("x_", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hundredThousandIdsNeverCollide() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertThat(seen.add(Ids.newId("file-"))).as("collision after %d ids", i).isTrue();
        }
    }

    @Test
    void everyBase62CharacterIsUsed() {
        // A broken character mapping (e.g. a byte taken modulo 36) would leave letters unused.
        Set<Character> used = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            for (char c : Ids.newId("", 24).toCharArray()) {
                used.add(c);
            }
        }
        assertThat(used).hasSize(62);
    }
}
