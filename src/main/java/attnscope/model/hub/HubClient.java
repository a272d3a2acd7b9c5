package attnscope.model.hub;

import attnscope.InputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The two hub endpoints a download needs, over {@link HttpClient}:
 * <ul>
 *   <li>{@code GET {endpoint}/api/models/{repo}/tree/{revision}/{folder}}: a JSON list of
 *       {@code {"type", "path", "size", "oid", "lfs": {"oid": sha256, "size"}}};</li>
 *   <li>{@code GET {endpoint}/{repo}/resolve/{revision}/{path}}: the file, for LFS files through a
 *       redirect to a CDN; {@code Range: bytes=N-} resumes.</li>
 * </ul>
 * Redirects are followed here rather than by the HttpClient so that the token goes only to
 * the hub's own host, never to the CDN (a presigned CDN address needs no token and must not
 * see it). Every failure becomes an {@link InputException} with one clear sentence.
 */
public final class HubClient {
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final int MAX_REDIRECTS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    public HubSettings settings() {
        return settings;
    }

    /** Checks an {@code owner/name} repository id (a bad one would build a wrong address). */
    public static String checkRepoId(String repo) {
        if (repo == null || !REPO_ID.matcher(repo).matches() || repo.contains("..")) {
            throw new InputException("a repository is written owner/name, e.g. onnx-community/Qwen2.5-0.5B-Instruct; found '"
                    + repo + "'");
        }
        return repo;
    }

    /**
     * The commit a revision (branch, tag or commit) points to now:
     * {@code GET {endpoint}/api/models/{repo}/revision/{revision}} → {@code {"sha": …}}. Files are
     * then fetched at that commit, so a branch that moves during a download cannot mix versions.
     */
    public String resolveCommit(String repo, String revision) {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + checkRepoId(repo) + "/revision/" + encodeSegment(revision));
        HttpResponse<InputStream> response = send(uri, -1);
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw httpError(response, repo, revision, null, "");
            }
            JsonNode info = JSON.readTree(body);
            String sha = info == null ? "" : info.path("sha").asText("");
            if (!sha.matches("[0-9a-f]{40}")) {
                throw new InputException(settings.endpoint() + " did not name the commit of " + repo + " at revision "
                        + revision + " (no 40-digit \"sha\" in its answer): is HF_ENDPOINT a Hugging Face hub?");
            }
            return sha;
        } catch (IOException e) {
            throw networkFailure(uri, e);
        }
    }

    /** The files (not sub-folders) of {@code folder} ("" for the top) at {@code revision}. */
    public List<HubFile> listFolder(String repo, String revision, String folder) {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + checkRepoId(repo) + "/tree/" + encodeSegment(revision)
                + (folder.isEmpty() ? "" : "/" + encodePath(folder)));
        HttpResponse<InputStream> response = send(uri, -1);
        String what = folder.isEmpty() ? "" : " (folder " + folder + ")";
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status != 200) {
                throw httpError(response, repo, revision, null, what);
            }
            JsonNode list = JSON.readTree(body);
            if (list == null || !list.isArray()) {
                throw new InputException(settings.endpoint() + " answered the file listing of " + repo + what
                        + " with something that is not a JSON list: is HF_ENDPOINT a Hugging Face hub?");
            }
            List<HubFile> files = new ArrayList<>();
            for (JsonNode entry : list) {
                if (!"file".equals(entry.path("type").asText("file")) || !entry.hasNonNull("path")) {
                    continue;
                }
                JsonNode lfs = entry.get("lfs");
                Optional<String> sha256 = lfs != null && lfs.hasNonNull("oid")
                        ? Optional.of(lfs.get("oid").asText().toLowerCase(java.util.Locale.ROOT)) : Optional.empty();
                long size = lfs != null && lfs.has("size") ? lfs.get("size").asLong() : entry.path("size").asLong(-1);
                files.add(new HubFile(entry.get("path").asText(), size, entry.path("oid").asText(""), sha256));
            }
            return files;
        } catch (IOException e) {
            throw networkFailure(uri, e);
        }
    }

    /**
     * Opens a file for download from byte {@code fromByte} (0 = the whole file). The caller reads
     * and closes the body; a 206 status means the server honoured the range, 200 that it sends
     * the whole file.
     */
    public HttpResponse<InputStream> openFile(String repo, String revision, String path, long fromByte) {
        URI uri = fileUri(repo, revision, path);
        HttpResponse<InputStream> response = send(uri, fromByte);
        int status = response.statusCode();
        if (status == 200 || status == 206) {
            return response;
        }
        try (InputStream ignored = response.body()) {
            throw httpError(response, repo, revision, path, "");
        } catch (IOException e) {
            throw networkFailure(uri, e);
        }
    }

    /** {@code {endpoint}/{repo}/resolve/{revision}/{path}}. */
    public URI fileUri(String repo, String revision, String path) {
        return URI.create(settings.endpoint() + "/" + checkRepoId(repo) + "/resolve/" + encodeSegment(revision) + "/" + encodePath(path));
    }

    /** Sends a GET, following up to 8 redirects; the token goes only to the hub's host. */
    private HttpResponse<InputStream> send(URI uri, long fromByte) {
        if (settings.offline()) {
            // The caller should have checked; this is the last line of defence for "no network at all".
            throw new InputException("HF_HUB_OFFLINE is set: offline mode is on, so " + uri + " is not fetched");
        }
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).GET()
                    .header("User-Agent", "attnscope-fetch");
            if (fromByte > 0) {
                request.header("Range", "bytes=" + fromByte + "-");
            }
            if (settings.token().isPresent() && sameOrigin(current, settings.endpoint())) {
                request.header("Authorization", "Bearer " + settings.token().get());
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw networkFailure(current, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InputException("interrupted while contacting " + current);
            }
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if (status >= 300 && status < 400 && status != 304 && location.isPresent()) {
                closeQuietly(response);
                current = current.resolve(location.get());
                continue;
            }
            return response;
        }
        throw new InputException("more than " + MAX_REDIRECTS + " redirects starting at " + uri);
    }

    private InputException httpError(HttpResponse<?> response, String repo, String revision, String path, String what) {
        int status = response.statusCode();
        String code = response.headers().firstValue("X-Error-Code").orElse("");
        String serverMessage = response.headers().firstValue("X-Error-Message").map(m -> " (" + m + ")").orElse("");
        String tokenAdvice = settings.token().isPresent()
                ? "HF_TOKEN is set but does not give access to it"
                : "if it is gated or private, set HF_TOKEN to an access token that can read it";
        if (code.equals("GatedRepo")) {
            return new InputException("repository " + repo + " is gated: accept its conditions on its hub page, then "
                    + (settings.token().isPresent() ? "use a token of that account in HF_TOKEN" : "set HF_TOKEN") + serverMessage);
        }
        if (code.equals("RevisionNotFound")) {
            return new InputException("revision '" + revision + "' not found in repository " + repo + serverMessage);
        }
        if (code.equals("RepoNotFound") || (path == null && status == 404 && !code.equals("EntryNotFound"))) {
            return new InputException("repository not found: " + repo + " at " + settings.endpoint() + " (check the name; "
                    + tokenAdvice + ")");
        }
        if (status == 404) {
            return new InputException(path == null
                    ? "repository " + repo + " has no" + what.replace("(", "").replace(")", "") + " at revision " + revision
                    : "file not found: " + path + " in " + repo + " at revision " + revision
                            + " (the repository may not offer this variant)");
        }
        if (status == 401 || status == 403) {
            return new InputException("access denied (HTTP " + status + ") to " + repo + ": " + tokenAdvice + serverMessage);
        }
        return new InputException("the hub answered HTTP " + status + " for " + (path == null ? "the file list of " + repo + what
                : path + " of " + repo) + serverMessage + "; try again later, or set HF_ENDPOINT to a mirror");
    }

    private InputException networkFailure(URI uri, IOException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new InputException("network failure talking to " + uri.getScheme() + "://" + uri.getAuthority() + " ("
                + detail.strip() + "): check the connection, or set HF_ENDPOINT to a reachable mirror", e);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static void closeQuietly(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // The redirect's body is not needed.
        }
    }

    /** Percent-encodes one path segment (a revision like refs/pr/1 becomes refs%2Fpr%2F1, as the hub expects). */
    static String encodeSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Percent-encodes each segment of a slash-separated path. */
    static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new InputException("a path in a repository cannot contain '" + segment + "': " + path);
            }
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(encodeSegment(segment));
        }
        return sb.toString();
    }
}
