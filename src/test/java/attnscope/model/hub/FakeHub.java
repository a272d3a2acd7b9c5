package attnscope.model.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Hugging Face hub in miniature for the tests, on 127.0.0.1 (loopback only, a free port):
 * <ul>
 *   <li>{@code /api/models/{repo}/revision/{rev}} → {@code {"sha": commit}};</li>
 *   <li>{@code /api/models/{repo}/tree/{rev}[/{folder}]} → the hub's JSON list, with
 *       {@code lfs: {oid: sha256, size}} for large files and the git blob SHA-1 as {@code oid};</li>
 *   <li>{@code /{repo}/resolve/{rev}/{path}} → small files directly, LFS files by a 302 redirect
 *       to {@code http://localhost:PORT/cdn/...} (another host name, like the real CDN);</li>
 *   <li>Range requests ({@code bytes=N-}) answered with 206.</li>
 * </ul>
 * Faults on demand: {@link #cutAfter} ends a transfer early (once), {@link #corrupt} flips a
 * byte of what is served (not of what the tree lists), {@link #requireToken} answers 401
 * without the right Bearer token, {@link #missing} answers 404 for a listed file. Every request
 * is logged with its Range and Authorization headers.
 */
final class FakeHub implements AutoCloseable {
    static final int LFS_THRESHOLD = 10_000;

    /** One request as the server saw it. */
    record Request(String path, String host, String range, String authorization) {
    }

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newCachedThreadPool();
    private final Map<String, Map<String, byte[]>> repos = new ConcurrentHashMap<>();
    private final Map<String, String> commits = new ConcurrentHashMap<>();
    private final Map<String, Long> cuts = new ConcurrentHashMap<>();
    private final Map<String, Integer> corruptions = new ConcurrentHashMap<>();
    private final List<String> missing = Collections.synchronizedList(new ArrayList<>());
    private final List<Request> log = Collections.synchronizedList(new ArrayList<>());
    private volatile String requiredToken;
    private volatile boolean ignoreRange;
    private volatile boolean gated;
    private final Map<String, Long> stalls = new ConcurrentHashMap<>();
    /** Raw answers of a hostile or broken hub: request path (raw, after the host) → what it answers. */
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    /** What a hostile hub answers to one request. */
    @FunctionalInterface
    interface Answer {
        void serve(HttpExchange ex) throws IOException;
    }

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor); // one thread per request: a stalled transfer blocks no other
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    HubSettings settings() {
        return new HubSettings(endpoint(), Optional.empty(), false);
    }

    /** Adds a repository with these files (path → content); its commit is derived from the name. */
    FakeHub repo(String repo, Map<String, byte[]> files) {
        repos.put(repo, new TreeMap<>(files));
        commits.put(repo, hex(sha("SHA-1", ("commit of " + repo).getBytes(StandardCharsets.UTF_8))));
        return this;
    }

    String commitOf(String repo) {
        return commits.get(repo);
    }

    /** The next transfer of {@code path} stops after {@code bytes} bytes (the connection closes). */
    void cutAfter(String path, long bytes) {
        cuts.put(path, bytes);
    }

    /** The next transfer of {@code path} goes silent after {@code bytes} bytes (for 20 s), connection open. */
    void stallAfter(String path, long bytes) {
        stalls.put(path, bytes);
    }

    /** Every transfer of {@code path} has byte {@code index} flipped. */
    void corrupt(String path, int index) {
        corruptions.put(path, index);
    }

    /** Answer Range requests with the whole file (200), as some servers do. */
    void ignoreRange() {
        ignoreRange = true;
    }

    /** Answer every hub request 403 GatedRepo, as for a repository whose conditions were not accepted. */
    void gated() {
        gated = true;
    }

    void requireToken(String token) {
        requiredToken = token;
    }

    /** The tree lists {@code path} but the file endpoint answers 404. */
    void missing(String path) {
        missing.add(path);
    }

    /** {@code path} (e.g. "/api/models/o/n/tree/COMMIT/onnx") is answered by {@code answer} instead. */
    void answer(String path, Answer answer) {
        answers.put(path, answer);
    }

    /** {@code path} is answered 200 with {@code body} as JSON. */
    void answerJson(String path, String body) {
        answer(path, ex -> send(ex, 200, body, Map.of("Content-Type", "application/json")));
    }

    /** The raw path of the tree API for {@code folder} ("" for the top) of {@code repo} at its commit. */
    String treePath(String repo, String folder) {
        return "/api/models/" + repo + "/tree/" + commits.get(repo) + (folder.isEmpty() ? "" : "/" + folder);
    }

    List<Request> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    void clearLog() {
        log.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        log.add(new Request(path, ex.getRequestHeaders().getFirst("Host"), ex.getRequestHeaders().getFirst("Range"),
                ex.getRequestHeaders().getFirst("Authorization")));
        try {
            Answer special = answers.get(path);
            if (special != null) {
                special.serve(ex);
                return;
            }
            if (path.startsWith("/cdn/")) {
                serveCdn(ex, path.substring("/cdn/".length()));
                return;
            }
            if (gated) {
                send(ex, 403, "{\"error\":\"Access to this model is restricted\"}", Map.of("X-Error-Code", "GatedRepo"));
                return;
            }
            if (requiredToken != null && !("Bearer " + requiredToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"error\":\"Invalid credentials\"}", Map.of());
                return;
            }
            if (path.startsWith("/api/models/")) {
                serveApi(ex, path.substring("/api/models/".length()));
            } else {
                serveResolve(ex, path.substring(1));
            }
        } finally {
            ex.close();
        }
    }

    /** {owner}/{name}/revision/{rev} or {owner}/{name}/tree/{rev}[/{folder}]. */
    private void serveApi(HttpExchange ex, String rest) throws IOException {
        String[] parts = rest.split("/", 5);
        String repo = parts[0] + "/" + parts[1];
        Map<String, byte[]> files = repos.get(repo);
        if (files == null || parts.length < 4) {
            send(ex, 404, "{\"error\":\"Repository not found\"}", Map.of("X-Error-Code", "RepoNotFound"));
            return;
        }
        String rev = decode(parts[3]);
        if (!rev.equals("main") && !rev.equals(commits.get(repo))) {
            send(ex, 404, "{\"error\":\"Invalid rev id\"}", Map.of("X-Error-Code", "RevisionNotFound"));
            return;
        }
        if (parts[2].equals("revision")) {
            send(ex, 200, "{\"id\":\"" + repo + "\",\"sha\":\"" + commits.get(repo) + "\"}", Map.of());
            return;
        }
        String folder = parts.length == 5 ? decode(parts[4]) : "";
        StringBuilder json = new StringBuilder("[");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String p = f.getKey();
            String parent = p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : "";
            if (!parent.equals(folder)) {
                continue;
            }
            if (json.length() > 1) {
                json.append(',');
            }
            byte[] content = f.getValue();
            json.append("{\"type\":\"file\",\"path\":\"").append(p).append("\",");
            if (content.length >= LFS_THRESHOLD) {
                json.append("\"oid\":\"").append(hex(sha("SHA-1", ("pointer " + p).getBytes(StandardCharsets.UTF_8))))
                        .append("\",\"size\":134,\"lfs\":{\"oid\":\"").append(hex(sha("SHA-256", content)))
                        .append("\",\"size\":").append(content.length).append(",\"pointerSize\":134}}");
            } else {
                json.append("\"oid\":\"").append(gitBlobSha1(content)).append("\",\"size\":").append(content.length).append('}');
            }
        }
        json.append(']');
        send(ex, 200, json.toString(), Map.of());
    }

    /** {owner}/{name}/resolve/{rev}/{path}. */
    private void serveResolve(HttpExchange ex, String rest) throws IOException {
        String[] parts = rest.split("/", 5);
        if (parts.length < 5 || !parts[2].equals("resolve")) {
            send(ex, 404, "not found", Map.of());
            return;
        }
        String repo = parts[0] + "/" + parts[1];
        Map<String, byte[]> files = repos.get(repo);
        String file = decode(parts[4]);
        if (files == null) {
            send(ex, 404, "Repository not found", Map.of("X-Error-Code", "RepoNotFound"));
            return;
        }
        byte[] content = files.get(file);
        if (content == null || missing.contains(file)) {
            send(ex, 404, "Entry not found", Map.of("X-Error-Code", "EntryNotFound"));
            return;
        }
        Map<String, String> headers = Map.of("X-Repo-Commit", commits.get(repo));
        if (content.length >= LFS_THRESHOLD) {
            String cdn = "http://localhost:" + server.getAddress().getPort() + "/cdn/" + repo + "/" + file;
            ex.getResponseHeaders().add("Location", cdn);
            send(ex, 302, "", headers);
            return;
        }
        serveBytes(ex, file, content, headers);
    }

    private void serveCdn(HttpExchange ex, String rest) throws IOException {
        String[] parts = rest.split("/", 3);
        byte[] content = repos.getOrDefault(parts[0] + "/" + parts[1], Map.of()).get(decode(parts[2]));
        if (content == null) {
            send(ex, 404, "NoSuchKey", Map.of());
            return;
        }
        serveBytes(ex, decode(parts[2]), content, Map.of());
    }

    /** 200 or, for {@code Range: bytes=N-}, 206 from byte N; faults applied. */
    private void serveBytes(HttpExchange ex, String file, byte[] content, Map<String, String> headers) throws IOException {
        byte[] served = content.clone();
        Integer flip = corruptions.get(file);
        if (flip != null) {
            served[flip] ^= 0x5a;
        }
        int from = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (!ignoreRange && range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
        }
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        int length = served.length - from;
        if (from > 0) {
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (served.length - 1) + "/" + served.length);
        }
        ex.sendResponseHeaders(from > 0 ? 206 : 200, length);
        Long stall = stalls.remove(file);
        if (stall != null) {
            ex.getResponseBody().write(served, from, (int) Math.min(stall, length));
            ex.getResponseBody().flush();
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("stall ended by the test");
        }
        Long cut = cuts.remove(file);
        OutputStream out = ex.getResponseBody();
        if (cut != null) {
            out.write(served, from, (int) Math.min(cut, length));
            out.flush();
            // Fewer bytes than Content-Length, then the connection goes: a transfer cut mid-file.
            throw new IOException("transfer cut by the test");
        }
        out.write(served, from, length);
    }

    static void send(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    static String gitBlobSha1(byte[] content) {
        byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + content.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(content, 0, all, header.length, content.length);
        return hex(sha("SHA-1", all));
    }

    static byte[] sha(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The small files of a Qwen-like repository, plus {@code extra}. */
    static Map<String, byte[]> qwenLikeFiles(Map<String, byte[]> extra) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", "{\"model_type\": \"qwen2\", \"hidden_size\": 896}\n".getBytes(StandardCharsets.UTF_8));
        files.put("tokenizer.json", "{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\"}}\n".getBytes(StandardCharsets.UTF_8));
        files.put("tokenizer_config.json", "{\"model_max_length\": 32768}\n".getBytes(StandardCharsets.UTF_8));
        files.put("generation_config.json", "{\"do_sample\": true}\n".getBytes(StandardCharsets.UTF_8));
        files.put("README.md", "# not fetched\n".getBytes(StandardCharsets.UTF_8));
        files.putAll(extra);
        return files;
    }
}
