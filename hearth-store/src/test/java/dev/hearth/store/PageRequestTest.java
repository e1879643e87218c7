package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageRequestTest {

    @Test
    void absentParametersMeanDefaultLimitNoCursorAndNewestFirst() {
        assertThat(PageRequest.of(null, null, null, null, 20, 100))
                .isEqualTo(new PageRequest(null, null, 20, SortOrder.DESC));
    }

    @Test
    void blankCursorsAndOrderCountAsAbsent() {
        assertThat(PageRequest.of("", " ", 5, "", 20, 100))
                .isEqualTo(new PageRequest(null, null, 5, SortOrder.DESC));
    }

    @Test
    void keepsGivenValues() {
        assertThat(PageRequest.of("file-abc", null, 100, "asc", 20, 100))
                .isEqualTo(new PageRequest("file-abc", null, 100, SortOrder.ASC));
        assertThat(PageRequest.of(null, "file-abc", 1, "desc", 20, 100))
                .isEqualTo(new PageRequest(null, "file-abc", 1, SortOrder.DESC));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101})
    void limitOutsideOneToMaxIsRejectedOnLimit(int limit) {
        assertThatThrownBy(() -> PageRequest.of(null, null, limit, null, 20, 100))
                .isInstanceOfSatisfying(InvalidPageRequest.class, e -> assertThat(e.param()).isEqualTo("limit"))
                .hasMessageContaining("between 1 and 100");
    }

    @Test
    void unknownOrderIsRejectedOnOrder() {
        assertThatThrownBy(() -> PageRequest.of(null, null, null, "newest", 20, 100))
                .isInstanceOfSatisfying(InvalidPageRequest.class, e -> assertThat(e.param()).isEqualTo("order"));
    }

    @Test
    void bothCursorsAreRejectedOnBefore() {
        assertThatThrownBy(() -> PageRequest.of("a", "b", null, null, 20, 100))
                .isInstanceOfSatisfying(InvalidPageRequest.class, e -> assertThat(e.param()).isEqualTo("before"));
    }

    @Test
    void sortOrderParsesAnyCaseAndDefaultsToDesc() {
        assertThat(List.of("asc", "ASC", "Asc").stream().map(SortOrder::parse)).containsOnly(SortOrder.ASC);
        assertThat(SortOrder.parse("desc")).isEqualTo(SortOrder.DESC);
        assertThat(SortOrder.parse(null)).isEqualTo(SortOrder.DESC);
    }
}
