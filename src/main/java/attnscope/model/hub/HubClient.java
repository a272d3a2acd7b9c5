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
    /**
     * How long one request may take to connect, to get its answer's headers, and (for the small JSON
     * answers of the API) to deliver the whole answer. File bodies have their own stall watchdog
     * ({@link Downloader#DEFAULT_STALL_TIMEOUT}).
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The largest JSON answer read: a file listing of a real model repository is a few kB. */
    static final int MAX_API_BYTES = 16 << 20;
    /** httpError's "what" for the request of a revision's commit. */
    private static final String COMMIT = "\0commit";

    private final HubSettings settings;
    private final HttpClient http;
    private final Duration timeout;

    public HubClient(HubSettings settings) {
        this(settings, DEFAULT_TIMEOUT);
    }

    /** @param timeout the limit for connecting, for an answer's headers and for a whole API answer */
    public HubClient(HubSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
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
                throw httpError(response, repo, revision, null, COMMIT);
            }
            JsonNode info = readJson(uri, body, "the commit of " + repo + " at revision " + revision);
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
            JsonNode list = readJson(uri, body, "the file listing of " + repo + what);
            if (list == null || !list.isArray()) {
                throw new InputException(settings.endpoint() + " answered the file listing of " + repo + what
                        + " with something that is not a JSON list: is HF_ENDPOINT a Hugging Face hub?");
            }
            List<HubFile> files = new ArrayList<>();
            for (JsonNode entry : list) {
                if (!"file".equals(entry.path("type").asText("file")) || !entry.hasNonNull("path")) {
                    continue;
                }
                // The listing decides where files are written: a path that could leave the model folder stops the fetch.
                String path = checkRepoPath(entry.get("path").asText(), repo, folder);
                JsonNode lfs = entry.get("lfs");
                Optional<String> sha256 = lfs != null && lfs.hasNonNull("oid")
                        ? Optional.of(lfs.get("oid").asText().toLowerCase(java.util.Locale.ROOT)) : Optional.empty();
                JsonNode sizeNode = lfs != null && lfs.has("size") ? lfs.get("size") : entry.get("size");
                if (sizeNode == null || !sizeNode.isIntegralNumber() || !sizeNode.canConvertToLong() || sizeNode.asLong() < 0) {
                    throw new InputException(settings.endpoint() + " listed " + path + " of " + repo + " with size "
                            + (sizeNode == null ? "(none)" : sizeNode.toString()) + ", not a number of bytes ≥ 0: "
                            + "is HF_ENDPOINT a Hugging Face hub?");
                }
                files.add(new HubFile(path, sizeNode.asLong(), entry.path("oid").asText(""), sha256));
            }
            return files;
        } catch (IOException e) {
            throw networkFailure(uri, e);
        }
    }

    /**
     * Checks a path of the hub's listing before anything is written under it: relative, forward
     * slashes only, no empty, "." or ".." segment, no drive letter, no control character, and inside
     * the folder that was listed.
     */
    String checkRepoPath(String path, String repo, String folder) {
        String why = null;
        if (path.isEmpty()) {
            why = "it is empty";
        } else if (path.startsWith("/")) {
            why = "it is absolute";
        } else if (path.contains("\\")) {
            why = "it has a backslash";
        } else if (path.matches("^[A-Za-z]:.*")) {
            why = "it starts with a drive letter";
        } else if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            why = "it has a control character";
        } else if (List.of(path.split("/", -1)).stream().anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
            why = "it has an empty, '.' or '..' part";
        } else if (!(path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "").equals(folder)) {
            why = "it is not a file of the listed folder " + (folder.isEmpty() ? "(the top)" : folder);
        }
        if (why != null) {
            throw new InputException(settings.endpoint() + " listed the file '" + path.replaceAll("\\p{Cntrl}", "?") + "' in " + repo
                    + ", and " + why + ": attnscope writes only inside the model folder, so nothing was downloaded "
                    + "(is HF_ENDPOINT a trustworthy Hugging Face hub?)");
        }
        return path;
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
                    .timeout(timeout) // until the answer's headers arrive; a server that accepts and never answers is left
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
            } catch (java.net.http.HttpTimeoutException e) {
                throw new InputException(current.getScheme() + "://" + current.getAuthority() + " did not answer within "
                        + seconds(timeout) + " (" + (e instanceof java.net.http.HttpConnectTimeoutException ? "connecting" : "waiting for its answer")
                        + "): check the connection, or set HF_ENDPOINT to a reachable mirror", e);
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
                current = redirectTarget(current, location.get());
                continue;
            }
            return response;
        }
        throw new InputException("more than " + MAX_REDIRECTS + " redirects starting at " + uri);
    }

    /**
     * Reads a JSON answer of the API: at most {@link #MAX_API_BYTES}, within the timeout (a watchdog
     * closes a body that trickles or stops), and says plainly when the answer is not JSON.
     */
    private JsonNode readJson(URI uri, InputStream body, String what) throws IOException {
        byte[] bytes;
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "attnscope-hub-answer-deadline");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
        timer.schedule(() -> {
            late.set(true);
            try {
                body.close();
            } catch (IOException ignored) {
                // the reader fails, which is the point
            }
        }, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            bytes = body.readNBytes(MAX_API_BYTES + 1);
        } catch (IOException e) {
            if (late.get()) {
                throw new InputException(uri.getScheme() + "://" + uri.getAuthority() + " did not finish its answer about " + what
                        + " within " + seconds(timeout) + ": check the connection, or set HF_ENDPOINT to a reachable mirror", e);
            }
            throw e;
        } finally {
            timer.shutdownNow();
        }
        if (bytes.length > MAX_API_BYTES) {
            throw new InputException(settings.endpoint() + " answered about " + what + " with more than "
                    + (MAX_API_BYTES >> 20) + " MiB: is HF_ENDPOINT a Hugging Face hub?");
        }
        try {
            return JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            String start = new String(bytes, 0, Math.min(bytes.length, 60), StandardCharsets.UTF_8).replaceAll("\\s+", " ")
                    .replaceAll("\\p{Cntrl}", "?").strip();
            throw new InputException(settings.endpoint() + " answered about " + what + " with something that is not JSON ("
                    + (start.isEmpty() ? "an empty answer" : "it starts \"" + start + "\"") + "): is HF_ENDPOINT a Hugging Face hub?", e);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
    }

    /** Where a redirect leads: only to another http(s) address; a file:, ftp: or malformed one stops the fetch. */
    private static URI redirectTarget(URI from, String location) {
        URI next;
        try {
            next = from.resolve(location.strip());
        } catch (IllegalArgumentException e) {
            throw new InputException(from.getScheme() + "://" + from.getAuthority() + " redirected to '" + location.replaceAll("\\p{Cntrl}", "?")
                    + "', which is not a valid address: is HF_ENDPOINT a Hugging Face hub?");
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || next.getHost() == null) {
            throw new InputException(from.getScheme() + "://" + from.getAuthority() + " redirected to '" + location.replaceAll("\\p{Cntrl}", "?")
                    + "', which is not an http(s) address: attnscope follows redirects only to web servers");
        }
        return next;
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
        return new InputException("the hub answered HTTP " + status + " for " + (path != null ? path + " of " + repo
                : what.equals(COMMIT) ? "the commit of " + repo + " at revision " + revision : "the file list of " + repo + what)
                + serverMessage + "; try again later, or set HF_ENDPOINT to a mirror");
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
