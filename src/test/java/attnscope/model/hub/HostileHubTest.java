package attnscope.model.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ModelFetcher#fetch} against a hub (or mirror) that lies, stalls or attacks: loopback only. */
class HostileHubTest {
    static final String REPO = ModelFetcherTest.REPO;

    FakeHub hub;
    StringWriter log;
    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void startHub() throws Exception {
        hub = new FakeHub();
        hub.repo(REPO, FakeHub.qwenLikeFiles(Map.of(ModelFetcherTest.MODEL, ModelFetcherTest.MODEL_BYTES)));
        log = new StringWriter();
        dir = tmp.resolve("models/qwen2.5-0.5b-instruct");
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private ModelFetcher.Outcome fetch(HubSettings settings, Duration timeout) {
        return new ModelFetcher(settings, new PrintWriter(log, true), false, timeout).fetch(REPO, "main", Variant.FP32, dir, false);
    }

    private InputException refused(Duration timeout) {
        return assertThrows(InputException.class, () -> fetch(hub.settings(), timeout));
    }

    /** The genuine listing of {@code folder}, as the fake hub gives it. */
    private String genuineListing(String folder) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(hub.endpoint() + hub.treePath(REPO, folder))).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    /** The listing of onnx/ with one more entry: a small file at {@code path}. */
    private void listAlso(String path) throws Exception {
        String listing = genuineListing("onnx");
        String entry = "{\"type\":\"file\",\"path\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(path)
                + ",\"oid\":\"" + FakeHub.gitBlobSha1("evil".getBytes(StandardCharsets.UTF_8)) + "\",\"size\":4}";
        hub.answerJson(hub.treePath(REPO, "onnx"), listing.substring(0, listing.length() - 1) + "," + entry + "]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ABS/model.onnx_data", "onnx/../../../model.onnx_data", "onnx\\..\\..\\model.onnx_data",
        "C:/x/model.onnx_data", "onnx//model.onnx_data", "onnx/./model.onnx_data", "onnx/sub/model.onnx_data",
        "onnx/model.onnx_data\u0000.txt", ""})
    void aListedPathThatCouldLeaveTheModelFolderStopsTheFetch(String path) throws Exception {
        String hostile = path.replace("/ABS", tmp.resolve("outside").toString());
        listAlso(hostile);
        InputException e = refused(Duration.ofSeconds(10));
        assertTrue(e.getMessage().contains("attnscope writes only inside the model folder, so nothing was downloaded"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("outside")), "nothing written outside");
        assertFalse(Files.exists(dir), "no model folder");
        assertFalse(e.getMessage().contains("\u0000"), "the message shows no control character");
    }

    @Test
    void aLinkPlantedInThePartialFolderIsNotWrittenThrough() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path download = Files.createDirectories(dir.resolveSibling(dir.getFileName() + ".partial/download"));
        Files.createSymbolicLink(download.resolve("onnx"), outside);
        InputException e = refused(Duration.ofSeconds(10));
        assertTrue(e.getMessage().contains("outside") && e.getMessage().contains("a symbolic link?"), e.getMessage());
        try (var s = Files.list(outside)) {
            assertEquals(List.of(), s.toList(), "nothing written through the link");
        }
    }

    @Test
    void aServerThatAcceptsAndNeverAnswersIsLeftAfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never answered
                    }
                } catch (java.io.IOException end) {
                    // the test closed the server
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HubSettings mute = new HubSettings(URI.create("http://127.0.0.1:" + silent.getLocalPort()), Optional.empty(), false);
            InputException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(InputException.class, () -> fetch(mute, Duration.ofMillis(700))));
            assertEquals("http://127.0.0.1:" + silent.getLocalPort() + " did not answer within 700 ms (waiting for its answer): "
                    + "check the connection, or set HF_ENDPOINT to a reachable mirror", e.getMessage());
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void anApiAnswerThatTricklesIsLeftAfterTheTimeout() {
        hub.answer("/api/models/" + REPO + "/revision/main", ex -> {
            ex.sendResponseHeaders(200, 1000);
            ex.getResponseBody().write("{\"sha\":".getBytes(StandardCharsets.US_ASCII));
            ex.getResponseBody().flush();
            try {
                Thread.sleep(15_000);
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        });
        InputException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> refused(Duration.ofMillis(700)));
        assertTrue(e.getMessage().contains("did not finish its answer about the commit of " + REPO + " at revision main within 700 ms"),
                e.getMessage());
    }

    @Test
    void anAnswerThatIsNotJsonIsSaidToBeNotJsonNotANetworkFailure() {
        hub.answer("/api/models/" + REPO + "/revision/main",
                ex -> FakeHub.send(ex, 200, "<html><body>Welcome to the captive portal</body></html>", Map.of()));
        InputException e = refused(Duration.ofSeconds(10));
        assertTrue(e.getMessage().contains("answered about the commit of " + REPO + " at revision main with something that is not JSON"
                + " (it starts \"<html><body>Welcome to the captive portal</body></html>\")"), e.getMessage());
        assertFalse(e.getMessage().contains("network failure"), e.getMessage());
    }

    @Test
    void aHugeApiAnswerIsRefusedWithoutReadingItAll() {
        byte[] huge = new byte[HubClient.MAX_API_BYTES + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        hub.answer("/api/models/" + REPO + "/revision/main", ex -> {
            ex.sendResponseHeaders(200, huge.length);
            ex.getResponseBody().write(huge);
        });
        InputException e = refused(Duration.ofSeconds(20));
        assertTrue(e.getMessage().contains("with more than 16 MiB"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "\"many\"", "null", "7.5", "99999999999999999999999"})
    void aListedSizeThatIsNotACountOfBytesIsNamed(String size) throws Exception {
        String listing = genuineListing("").replaceFirst("(\"path\":\"config.json\",\"oid\":\"[0-9a-f]+\",\"size\":)\\d+", "$1" + size);
        hub.answerJson(hub.treePath(REPO, ""), listing);
        InputException e = refused(Duration.ofSeconds(10));
        assertTrue(e.getMessage().contains("listed config.json of " + REPO + " with size " + size + ", not a number of bytes ≥ 0"),
                e.getMessage());
    }

    @Test
    void aListedSizeLargerThanTheDiskIsRefusedBeforeTheFirstByte() throws Exception {
        String listing = genuineListing("onnx").replaceFirst("(\"path\":\"onnx/model.onnx\".*?\"lfs\":\\{[^}]*\"size\":)\\d+",
                "$1" + (1L << 60));
        hub.answerJson(hub.treePath(REPO, "onnx"), listing);
        hub.clearLog();
        InputException e = refused(Duration.ofSeconds(10));
        assertTrue(e.getMessage().matches(REPO + " needs \\d+ TB more on the disk of .* but only .* is free: free some space or "
                + "choose another --models-dir"), e.getMessage());
        assertTrue(hub.requests().stream().noneMatch(r -> r.path().contains("/resolve/")), "no file was requested");
        assertFalse(Files.exists(dir.resolveSibling(dir.getFileName() + ".partial")), "no partial folder either");
    }

    @Test
    void aRedirectLoopEndsWithOneLine() {
        String resolve = "/" + REPO + "/resolve/" + hub.commitOf(REPO) + "/config.json";
        hub.answer(resolve, ex -> {
            ex.getResponseHeaders().add("Location", resolve);
            FakeHub.send(ex, 302, "", Map.of());
        });
        InputException e = refused(Duration.ofSeconds(10));
        assertTrue(e.getMessage().startsWith("more than 8 redirects starting at"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://127.0.0.1/x", "http://[::1", "mailto:x@y"})
    void aRedirectToSomethingOtherThanAWebServerIsRefusedNotACrash(String location) {
        hub.answer("/api/models/" + REPO + "/revision/main", ex -> {
            ex.getResponseHeaders().add("Location", location);
            FakeHub.send(ex, 302, "", Map.of());
        });
        InputException e = refused(Duration.ofSeconds(10));
        assertTrue(e.getMessage().startsWith(hub.endpoint() + " redirected to '" + location + "', which is not "), e.getMessage());
    }

    @Test
    void aServerErrorOnTheCommitIsNotCalledTheFileList() {
        hub.answer("/api/models/" + REPO + "/revision/main", ex -> FakeHub.send(ex, 500, "<html>oops</html>", Map.of()));
        assertEquals("the hub answered HTTP 500 for the commit of " + REPO + " at revision main; try again later, or set "
                + "HF_ENDPOINT to a mirror", refused(Duration.ofSeconds(10)).getMessage());
    }

    @Test
    void aFileAnnouncedLargerThanListedIsRefusedBeforeItsBody() {
        String resolve = "/" + REPO + "/resolve/" + hub.commitOf(REPO) + "/config.json";
        hub.answer(resolve, ex -> {
            ex.sendResponseHeaders(200, 999_999_999_999L);
            ex.getResponseBody().write('{');
        });
        InputException e = refused(Duration.ofSeconds(10));
        assertTrue(e.getMessage().startsWith("the server announced 999999999999 bytes for config.json where the hub lists "),
                e.getMessage());
    }

    @Test
    void aLockLeftByAFetchStoppedWithCtrlCIsGone() throws Exception {
        // The lock file beside the model folder is registered for deletion at exit; a fetch that ends normally removes it.
        fetch(hub.settings(), Duration.ofSeconds(10));
        try (var s = Files.list(dir.getParent())) {
            assertEquals(List.of(dir.getFileName().toString()), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void twoFetchesIntoOneFolderAtOnceNeitherFailsStrangely() throws Exception {
        hub.stallAfter(ModelFetcherTest.MODEL, 1000); // the first fetch holds the folder a while
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Callable<String> one = () -> {
                try {
                    return "ok " + fetch(hub.settings(), Duration.ofSeconds(10)).dir();
                } catch (InputException e) {
                    return "refused " + e.getMessage();
                }
            };
            Future<String> a = two.submit(one);
            Thread.sleep(300);
            Future<String> b = two.submit(one);
            String second = b.get();
            assertTrue(second.startsWith("refused " + dir.toAbsolutePath() + " is in use by another attnscope run (process "), second);
            a.cancel(true);
        } finally {
            two.shutdownNow();
        }
    }
}
