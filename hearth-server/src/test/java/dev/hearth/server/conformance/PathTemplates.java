package dev.hearth.server.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Matching of concrete request paths against OpenAPI path templates like {@code /models/{model}}. */
final class PathTemplates {

    private PathTemplates() {
    }

    static List<String> segments(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    static Set<String> queryNames(String query) {
        if (query == null || query.isEmpty()) {
            return Set.of();
        }
        return Arrays.stream(query.split("&"))
                .map(pair -> pair.split("=", 2)[0])
                .filter(name -> !name.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    static boolean isTemplate(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    /** Replaces every {@code {name}} segment by {@code {}} so templates compare regardless of parameter names. */
    static String normalize(String path) {
        return "/" + String.join("/", segments(path).stream().map(s -> isTemplate(s) ? "{}" : s).toList());
    }

    static boolean matches(Operation operation, String method, List<String> requestSegments, Set<String> queryNames) {
        if (!operation.method().equalsIgnoreCase(method) || !queryNames.containsAll(operation.requiredQueryNames())) {
            return false;
        }
        List<String> template = operation.segments();
        if (template.size() != requestSegments.size()) {
            return false;
        }
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            if (!isTemplate(t) && !t.equals(requestSegments.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The operation matching a request path (already stripped of the server base path). When several match,
     * the one with a literal segment earliest wins ({@code /fine_tuning/jobs/list} over {@code /fine_tuning/jobs/{id}}),
     * then the one with more required query parameters.
     */
    static Optional<Operation> find(List<Operation> operations, String method, String path, Set<String> queryNames) {
        List<String> requestSegments = segments(path);
        List<Operation> candidates = new ArrayList<>();
        for (Operation operation : operations) {
            if (matches(operation, method, requestSegments, queryNames)) {
                candidates.add(operation);
            }
        }
        return candidates.stream().min(MOST_SPECIFIC_FIRST);
    }

    private static final Comparator<Operation> MOST_SPECIFIC_FIRST = (a, b) -> {
        List<String> sa = a.segments();
        List<String> sb = b.segments();
        for (int i = 0; i < Math.min(sa.size(), sb.size()); i++) {
            boolean la = !isTemplate(sa.get(i));
            boolean lb = !isTemplate(sb.get(i));
            if (la != lb) {
                return la ? -1 : 1;
            }
        }
        return Integer.compare(b.requiredQueryNames().size(), a.requiredQueryNames().size());
    };
}
