package dev.hearth.server.modelfiles;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model file to pull: either a Hugging Face file ({@code hf://OWNER/REPO/PATH/IN/REPO[@REVISION]}, also
 * accepted as {@code hf://OWNER/REPO@REVISION/PATH}) or a plain {@code http(s)://} URL, each optionally
 * followed by {@code #sha256=HEX} naming the expected digest.
 *
 * <p>Every reference maps to a path relative to the cache directory ({@link #cacheRelativePath()}) made only
 * of validated segments, so {@link #cachePath(Path)} can never point outside the cache.
 */
public final class ModelReference {

    /** The endpoint used for {@code hf://} references when neither HF_ENDPOINT nor an option says otherwise. */
    public static final URI DEFAULT_HF_ENDPOINT = URI.create("https://huggingface.co");
    /** The environment variable huggingface tools read the endpoint from. */
    public static final String HF_ENDPOINT_ENV = "HF_ENDPOINT";

    /** Suffixes the cache uses for its own files next to a model file; refs may not end with them. */
    static final String PART_SUFFIX = ".part";
    static final String SIDECAR_SUFFIX = ".hearth.json";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern HF_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final int MAX_SEGMENT_BYTES = 255;

    /** What kind of source a reference names. */
    public enum Kind { HUGGING_FACE, URL }

    private final Kind kind;
    private final URI url;
    private final String expectedSha256;
    private final Path cacheRelativePath;
    private final String canonical;
    // Hugging Face parts; null for URL references.
    private final String owner;
    private final String repo;
    private final String revision;
    private final String pathInRepo;

    private ModelReference(Kind kind, URI url, String expectedSha256, Path cacheRelativePath, String canonical,
                           String owner, String repo, String revision, String pathInRepo) {
        this.kind = kind;
        this.url = url;
        this.expectedSha256 = expectedSha256;
        this.cacheRelativePath = cacheRelativePath;
        this.canonical = canonical;
        this.owner = owner;
        this.repo = repo;
        this.revision = revision;
        this.pathInRepo = pathInRepo;
    }

    /** Parses {@code ref} resolving {@code hf://} references against {@link #hfEndpointFrom(Map)} of the process environment. */
    public static ModelReference parse(String ref) {
        return parse(ref, hfEndpointFrom(System.getenv()));
    }

    /**
     * Parses a reference.
     *
     * @param ref        {@code hf://OWNER/REPO/PATH[@REVISION][#sha256=HEX]} or {@code http(s)://...[#sha256=HEX]}
     * @param hfEndpoint base URL of the Hugging Face hub (or a mirror) for {@code hf://} references
     * @throws IllegalArgumentException with a message naming what is wrong
     */
    public static ModelReference parse(String ref, URI hfEndpoint) {
        Objects.requireNonNull(ref, "ref");
        String s = ref.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty model reference");
        }
        String sha = null;
        int hash = s.indexOf('#');
        if (hash >= 0) {
            String fragment = s.substring(hash + 1);
            s = s.substring(0, hash);
            if (!fragment.regionMatches(true, 0, "sha256=", 0, 7) || !SHA256.matcher(fragment.substring(7)).matches()) {
                throw new IllegalArgumentException("bad fragment '#" + fragment + "' in '" + ref
                        + "': the only supported fragment is #sha256= followed by 64 hex digits");
            }
            sha = fragment.substring(7).toLowerCase(Locale.ROOT);
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("hf://")) {
            return parseHf(ref, s.substring(5), sha, normalizeEndpoint(hfEndpoint));
        }
        if (lower.startsWith("https://") || lower.startsWith("http://")) {
            return parseUrl(ref, s, sha);
        }
        throw new IllegalArgumentException("unsupported model reference '" + ref
                + "': expected hf://OWNER/REPO/PATH[@REVISION] or an http(s):// URL");
    }

    /** The hub endpoint from {@code HF_ENDPOINT} in {@code env}, or {@link #DEFAULT_HF_ENDPOINT}. */
    public static URI hfEndpointFrom(Map<String, String> env) {
        String v = env.get(HF_ENDPOINT_ENV);
        if (v == null || v.isBlank()) {
            return DEFAULT_HF_ENDPOINT;
        }
        return normalizeEndpoint(parseEndpoint(v.strip(), HF_ENDPOINT_ENV));
    }

    /** Parses and validates an endpoint given by a user (option or environment variable named {@code source}). */
    public static URI parseEndpoint(String value, String source) {
        try {
            return normalizeEndpoint(new URI(value.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("bad Hugging Face endpoint in " + source + ": '" + value
                    + "' (expected an http(s):// URL such as https://huggingface.co)");
        }
    }

    private static URI normalizeEndpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "hfEndpoint");
        String scheme = endpoint.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || endpoint.getHost() == null || endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw new IllegalArgumentException("bad Hugging Face endpoint '" + endpoint
                    + "' (expected an http(s):// URL such as https://huggingface.co)");
        }
        String str = endpoint.toString();
        while (str.endsWith("/")) {
            str = str.substring(0, str.length() - 1);
        }
        return URI.create(str);
    }

    private static ModelReference parseHf(String original, String rest, String sha, URI endpoint) {
        String usage = "expected hf://OWNER/REPO/PATH/IN/REPO[@REVISION]";
        String[] parts = rest.split("/", 3);
        if (parts.length < 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new IllegalArgumentException("incomplete Hugging Face reference '" + original + "': " + usage);
        }
        String owner = parts[0];
        String repo = parts[1];
        String path = parts[2];
        String revision = null;
        int at = repo.indexOf('@');
        if (at >= 0) { // hf://owner/repo@rev/path, the huggingface_hub file-system form
            revision = repo.substring(at + 1);
            repo = repo.substring(0, at);
            // the revision may itself contain slashes (refs/pr/1): they were split into the path
            if (revision.equals("refs") && path.startsWith("pr/")) {
                int slash = path.indexOf('/', 3);
                if (slash < 0) {
                    throw new IllegalArgumentException("incomplete Hugging Face reference '" + original + "': " + usage);
                }
                revision = "refs/" + path.substring(0, slash);
                path = path.substring(slash + 1);
            }
        }
        int pathAt = path.lastIndexOf('@');
        if (pathAt >= 0) {
            if (revision != null) {
                throw new IllegalArgumentException("Hugging Face reference '" + original + "' names two revisions");
            }
            revision = path.substring(pathAt + 1);
            path = path.substring(0, pathAt);
        }
        if (revision == null) {
            revision = "main";
        }
        checkName(owner, "owner", original);
        checkName(repo, "repository", original);
        if (revision.isEmpty() || !REVISION.matcher(revision).matches() || hasDotSegment(revision)) {
            throw new IllegalArgumentException("bad revision '" + revision + "' in '" + original
                    + "': use a branch, tag or commit made of letters, digits, '.', '_', '-' (and '/')");
        }
        List<String> segments = checkPath(path, original);
        String revisionDir = revision.replace("/", "--");

        StringBuilder url = new StringBuilder(endpoint.toString())
                .append('/').append(encode(owner)).append('/').append(encode(repo))
                .append("/resolve/").append(encode(revision));
        for (String seg : segments) {
            url.append('/').append(encode(seg));
        }
        List<String> rel = new ArrayList<>(List.of("hf", owner, repo, revisionDir));
        rel.addAll(segments);
        String joinedPath = String.join("/", segments);
        String canonical = "hf://" + owner + "/" + repo + "/" + joinedPath + "@" + revision;
        return new ModelReference(Kind.HUGGING_FACE, URI.create(url.toString()), sha, toPath(rel), canonical,
                owner, repo, revision, joinedPath);
    }

    private static ModelReference parseUrl(String original, String s, String sha) {
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad URL '" + original + "': " + e.getReason());
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("bad URL '" + original + "': no host name");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("bad URL '" + original
                    + "': credentials in URLs are not supported (they would be stored in the cache metadata)");
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            throw new IllegalArgumentException("bad URL '" + original + "': it must name a file, not a site");
        }
        List<String> segments = checkPath(path.substring(1), original);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) { // IPv6 literal
            host = host.substring(1, host.length() - 1).replace(':', '_');
        }
        checkSegment(host, original);
        if (uri.getPort() >= 0) {
            host = host + "_" + uri.getPort();
        }
        List<String> rel = new ArrayList<>(List.of("url", host));
        rel.addAll(segments);
        URI normalized = URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + ":" + uri.getRawSchemeSpecificPart());
        return new ModelReference(Kind.URL, normalized, sha, toPath(rel), normalized.toString(),
                null, null, null, null);
    }

    private static void checkName(String name, String what, String original) {
        if (!HF_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("bad " + what + " name '" + name + "' in '" + original
                    + "': use letters, digits, '.', '_' and '-'");
        }
    }

    private static boolean hasDotSegment(String s) {
        for (String seg : s.split("/", -1)) {
            if (seg.equals(".") || seg.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static List<String> checkPath(String path, String original) {
        if (path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("bad file path '" + path + "' in '" + original
                    + "': it must be a relative path to a file");
        }
        List<String> segments = List.of(path.split("/", -1));
        for (String seg : segments) {
            checkSegment(seg, original);
        }
        String last = segments.getLast();
        if (last.endsWith(PART_SUFFIX) || last.endsWith(SIDECAR_SUFFIX)) {
            throw new IllegalArgumentException("bad file name '" + last + "' in '" + original
                    + "': names ending in " + PART_SUFFIX + " or " + SIDECAR_SUFFIX + " are reserved by the model cache");
        }
        return segments;
    }

    private static void checkSegment(String seg, String original) {
        if (seg.isEmpty()) {
            throw new IllegalArgumentException("bad path in '" + original + "': empty path segment");
        }
        if (seg.equals(".") || seg.equals("..")) {
            throw new IllegalArgumentException("bad path in '" + original + "': '" + seg
                    + "' segments are not allowed");
        }
        if (seg.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("bad path in '" + original + "': a path segment is longer than "
                    + MAX_SEGMENT_BYTES + " bytes");
        }
        for (int i = 0; i < seg.length(); i++) {
            char c = seg.charAt(i);
            if (c < 0x20 || c == 0x7f || "\\:*?\"<>|".indexOf(c) >= 0) {
                throw new IllegalArgumentException("bad path in '" + original + "': segment '" + seg
                        + "' contains a character that is not allowed in file names");
            }
        }
    }

    private static Path toPath(List<String> segments) {
        Path p = Path.of(segments.getFirst(), segments.subList(1, segments.size()).toArray(String[]::new));
        // Belt and braces: the segments were validated, but make sure the platform agrees.
        if (p.isAbsolute() || !p.normalize().equals(p) || p.getNameCount() != segments.size()) {
            throw new IllegalArgumentException("path '" + String.join("/", segments) + "' is not a safe relative path");
        }
        return p;
    }

    private static final String UNRESERVED = "-._~!$&'()*+,;=@";

    private static String encode(String segment) {
        StringBuilder sb = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || UNRESERVED.indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    public Kind kind() {
        return kind;
    }

    public boolean isHuggingFace() {
        return kind == Kind.HUGGING_FACE;
    }

    /** The URL to fetch. */
    public URI url() {
        return url;
    }

    /** The lower-case hex sha256 given with {@code #sha256=}, if any. */
    public Optional<String> expectedSha256() {
        return Optional.ofNullable(expectedSha256);
    }

    /** Where the file lives below the cache directory: {@code hf/OWNER/REPO/REVISION/PATH} or {@code url/HOST[_PORT]/PATH}. */
    public Path cacheRelativePath() {
        return cacheRelativePath;
    }

    /** The file's location in {@code cacheDir}; guaranteed to be inside it. */
    public Path cachePath(Path cacheDir) {
        Path root = cacheDir.toAbsolutePath().normalize();
        Path p = root.resolve(cacheRelativePath).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new IllegalArgumentException("reference '" + canonical + "' would escape the cache directory");
        }
        return p;
    }

    /** Owner, repository, revision and path in the repository: present for {@code hf://} references only. */
    public Optional<String> hfOwner() {
        return Optional.ofNullable(owner);
    }

    public Optional<String> hfRepo() {
        return Optional.ofNullable(repo);
    }

    public Optional<String> hfRevision() {
        return Optional.ofNullable(revision);
    }

    public Optional<String> hfPath() {
        return Optional.ofNullable(pathInRepo);
    }

    /** The reference in canonical form without the digest: {@code hf://OWNER/REPO/PATH@REVISION} or the URL. */
    public String canonical() {
        return canonical;
    }

    /** The canonical form with {@code #sha256=} when a digest was given. */
    @Override
    public String toString() {
        return expectedSha256 == null ? canonical : canonical + "#sha256=" + expectedSha256;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelReference r && r.toString().equals(toString()) && r.url.equals(url);
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
