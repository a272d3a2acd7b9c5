package attnscope.model.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelFetcher#fetch} against {@link FakeHub}: the download path, its faults and its safety rules. */
class ModelFetcherTest {
    static final String REPO = "onnx-community/Qwen2.5-0.5B-Instruct";
    static final String MODEL = "onnx/model.onnx";
    /** A 300 kB stand-in for the model: transport does not look inside it (the converter tests do). */
    static final byte[] MODEL_BYTES = randomBytes(300_000, 1);
    static final byte[] Q4_BYTES = randomBytes(50_000, 2);

    FakeHub hub;
    StringWriter log;
    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void startHub() throws Exception {
        hub = new FakeHub();
        hub.repo(REPO, FakeHub.qwenLikeFiles(Map.of(MODEL, MODEL_BYTES, "onnx/model_q4.onnx", Q4_BYTES)));
        log = new StringWriter();
        dir = tmp.resolve("models/qwen2.5-0.5b-instruct");
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    ModelFetcher fetcher(HubSettings settings) {
        return new ModelFetcher(settings, new PrintWriter(log, true), false);
    }

    ModelFetcher.Outcome fetch(Variant variant) {
        return fetcher(hub.settings()).fetch(REPO, "main", variant, dir, false);
    }

    @Test
    void cleanDownloadWritesTheFilesAndAManifestWithTheirHashes() throws Exception {
        ModelFetcher.Outcome outcome = fetch(Variant.FP32);

        assertFalse(outcome.alreadyComplete());
        assertArrayEquals(MODEL_BYTES, Files.readAllBytes(dir.resolve("onnx/model.onnx")));
        for (String side : ModelFetcher.SIDE_FILES) {
            assertTrue(Files.isRegularFile(dir.resolve(side)), side);
        }
        assertFalse(Files.exists(dir.resolve("README.md")), "only the files a model folder needs");
        assertFalse(Files.exists(dir.resolve("onnx/model.onnx.data")), "a small inline model is not converted");
        assertFalse(Files.exists(dir.resolveSibling("qwen2.5-0.5b-instruct.partial")), "the staging folder is gone");

        FetchManifest m = FetchManifest.read(dir).orElseThrow();
        assertEquals(REPO, m.repo());
        assertEquals("main", m.revision());
        assertEquals(hub.commitOf(REPO), m.commit());
        assertEquals("fp32", m.variant());
        assertEquals(5, m.files().size());
        for (FetchManifest.LocalFile f : m.files()) {
            byte[] bytes = Files.readAllBytes(dir.resolve(f.path()));
            assertEquals(bytes.length, f.size(), f.path());
            assertEquals(FakeHub.hex(FakeHub.sha("SHA-256", bytes)), f.sha256(), f.path());
        }
        FetchManifest.SourceFile modelSource = m.sources().stream().filter(s -> s.path().equals(MODEL)).findFirst().orElseThrow();
        assertEquals("sha256", modelSource.hashKind(), "the model is an LFS file, verified by SHA-256");
        FetchManifest.SourceFile config = m.sources().stream().filter(s -> s.path().equals("config.json")).findFirst().orElseThrow();
        assertEquals("gitSha1", config.hashKind(), "small files are verified by their git blob id");
        assertTrue(Optional.empty().equals(m.verify(dir)));

        // The LFS file went through the CDN redirect, and all requests asked for commit-pinned files.
        List<FakeHub.Request> requests = hub.requests();
        assertTrue(requests.stream().anyMatch(r -> r.path().startsWith("/cdn/") && r.path().endsWith(MODEL)), requests.toString());
        assertTrue(requests.stream().filter(r -> r.path().contains("/resolve/"))
                .allMatch(r -> r.path().contains("/resolve/" + hub.commitOf(REPO) + "/")), requests.toString());
    }

    @Test
    void variantIsStoredUnderTheFixedName() throws Exception {
        fetch(Variant.Q4);
        assertArrayEquals(Q4_BYTES, Files.readAllBytes(dir.resolve("onnx/model.onnx")));
        assertEquals("q4", FetchManifest.read(dir).orElseThrow().variant());
        assertEquals("onnx/model_q4.onnx", FetchManifest.read(dir).orElseThrow().files().stream()
                .filter(f -> f.path().equals("onnx/model.onnx")).findFirst().orElseThrow().from());
    }

    @Test
    void interruptedDownloadResumesWithARangeRequest() throws Exception {
        hub.cutAfter(MODEL, 120_000);

        InputException cut = assertThrows(InputException.class, () -> fetch(Variant.FP32));
        assertTrue(cut.getMessage().contains("run the same command again to resume"), cut.getMessage());
        Path part = dir.resolveSibling("qwen2.5-0.5b-instruct.partial/download/onnx/model.onnx.part");
        // What arrived before the cut is kept (TCP may lose the last bytes the server wrote).
        long kept = Files.size(part);
        assertTrue(kept > 0 && kept <= 120_000, "bytes kept after the cut: " + kept);
        assertFalse(Files.exists(dir), "no half folder under the real name");

        hub.clearLog();
        fetch(Variant.FP32);

        assertArrayEquals(MODEL_BYTES, Files.readAllBytes(dir.resolve("onnx/model.onnx")));
        List<String> ranges = hub.requests().stream().filter(r -> r.path().endsWith(MODEL)).map(FakeHub.Request::range).toList();
        assertTrue(ranges.contains("bytes=" + kept + "-"), "second run must continue at byte " + kept + ", sent " + ranges);
        assertFalse(hub.requests().stream().anyMatch(r -> r.path().endsWith("config.json")),
                "files finished in the first run are not fetched again");
    }

    @Test
    void silentTransferIsAbandonedAndResumed() throws Exception {
        hub.stallAfter(MODEL, 50_000);
        Downloader downloader = new Downloader(new HubClient(hub.settings()), java.time.Duration.ofMillis(500));
        HubFile model = new HubClient(hub.settings()).listFolder(REPO, "main", "onnx").stream()
                .filter(f -> f.path().equals(MODEL)).findFirst().orElseThrow();
        Path target = tmp.resolve("single/model.onnx");
        long start = System.nanoTime();
        try (attnscope.progress.ProgressBar bar = attnscope.progress.ProgressBar.bytes("m", model.size(),
                new PrintWriter(log, true), false)) {
            InputException e = assertThrows(InputException.class, () -> downloader.download(REPO, "main", model, target, bar));
            assertTrue(e.getMessage().contains("(no data for 500 ms): run the same command again to resume"), e.getMessage());
        }
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "the watchdog, not the server, must end the wait");

        try (attnscope.progress.ProgressBar bar = attnscope.progress.ProgressBar.bytes("m", model.size(),
                new PrintWriter(log, true), false)) {
            downloader.download(REPO, "main", model, target, bar);
        }
        assertArrayEquals(MODEL_BYTES, Files.readAllBytes(target));
    }

    @Test
    void serverIgnoringTheRangeMakesTheDownloadStartOver() throws Exception {
        hub.cutAfter(MODEL, 100_000);
        assertThrows(InputException.class, () -> fetch(Variant.FP32));
        hub.ignoreRange();

        fetch(Variant.FP32);

        assertArrayEquals(MODEL_BYTES, Files.readAllBytes(dir.resolve("onnx/model.onnx")));
        assertTrue(FetchManifest.read(dir).orElseThrow().verify(dir).isEmpty());
    }

    @Test
    void leftoversOfAnEarlierAttemptDoNotEnterTheFolder() throws Exception {
        Path partial = dir.resolveSibling("qwen2.5-0.5b-instruct.partial");
        Files.createDirectories(partial.resolve("onnx"));
        Files.writeString(partial.resolve("onnx/model.onnx.data"), "weights of another variant");
        Files.createDirectories(partial.resolve("download/onnx"));
        Files.writeString(partial.resolve("download/.commit"), "0".repeat(40) + "\n");
        Files.write(partial.resolve("download/onnx/model.onnx.part"), new byte[1000]);

        fetch(Variant.FP32);

        assertFalse(Files.exists(dir.resolve("onnx/model.onnx.data")));
        assertArrayEquals(MODEL_BYTES, Files.readAllBytes(dir.resolve("onnx/model.onnx")));
        assertTrue(log.toString().contains("since the last attempt: starting over"), log.toString());
        assertTrue(hub.requests().stream().filter(r -> r.path().endsWith(MODEL)).allMatch(r -> r.range() == null),
                "a .part of another commit is not resumed");
    }

    @Test
    void corruptedByteFailsTheChecksumAndDeletesThePartialFile() throws Exception {
        hub.corrupt(MODEL, 777);

        InputException e = assertThrows(InputException.class, () -> fetch(Variant.FP32));

        assertTrue(e.getMessage().contains("checksum mismatch for onnx/model.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("partial file was deleted"), e.getMessage());
        Path download = dir.resolveSibling("qwen2.5-0.5b-instruct.partial/download/onnx");
        try (Stream<Path> s = Files.list(download)) {
            assertEquals(List.of(), s.toList(), "neither the .part nor a file under the real name may remain");
        }
        assertFalse(Files.exists(dir));
    }

    @Test
    void corruptedSmallFileFailsItsGitHash() {
        hub.corrupt("tokenizer.json", 3);
        InputException e = assertThrows(InputException.class, () -> fetch(Variant.FP32));
        assertTrue(e.getMessage().contains("checksum mismatch for tokenizer.json") && e.getMessage().contains("git sha1"),
                e.getMessage());
    }

    @Test
    void completeFolderIsNotDownloadedAgain() throws Exception {
        fetch(Variant.FP32);
        hub.clearLog();

        ModelFetcher.Outcome again = fetch(Variant.FP32);

        assertTrue(again.alreadyComplete());
        assertEquals(List.of(), hub.requests(), "a complete folder needs no request at all");
        assertTrue(log.toString().contains("already complete"), log.toString());
        assertTrue(fetcher(hub.settings()).fetch(REPO, hub.commitOf(REPO), Variant.FP32, dir, false).alreadyComplete(),
                "asking for the commit main resolved to is the same folder");
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void damagedFolderIsReportedAndLeftAlone() throws Exception {
        fetch(Variant.FP32);
        Path model = dir.resolve("onnx/model.onnx");
        byte[] damaged = Files.readAllBytes(model);
        damaged[10] ^= 1;
        Files.write(model, damaged);
        hub.clearLog();

        InputException e = assertThrows(InputException.class, () -> fetch(Variant.FP32));

        assertTrue(e.getMessage().contains("is damaged") && e.getMessage().contains("onnx/model.onnx has sha256"), e.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(model), "nothing is overwritten");
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void folderOfAnotherVariantOrOriginIsNotOverwritten() throws Exception {
        fetch(Variant.FP32);
        InputException e = assertThrows(InputException.class, () -> fetch(Variant.Q4));
        assertTrue(e.getMessage().contains("holds " + REPO + "@main (fp32), not " + REPO + "@main (q4)"), e.getMessage());

        Path foreign = tmp.resolve("models/mine");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "my own");
        InputException e2 = assertThrows(InputException.class,
                () -> fetcher(hub.settings()).fetch(REPO, "main", Variant.FP32, foreign, false));
        assertTrue(e2.getMessage().contains("was not written by `attnscope fetch`"), e2.getMessage());
        assertEquals("my own", Files.readString(foreign.resolve("notes.txt")));
    }

    @Test
    void offlineModeSucceedsOnACompleteFolderWithoutNetwork() throws Exception {
        fetch(Variant.FP32);
        hub.clearLog();
        HubSettings offline = new HubSettings(hub.endpoint(), Optional.empty(), true);

        ModelFetcher.Outcome outcome = fetcher(offline).fetch(REPO, "main", Variant.FP32, dir, false);

        assertTrue(outcome.alreadyComplete());
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void offlineModeFailsOnAMissingFolderWithoutNetwork() {
        HubSettings offline = new HubSettings(hub.endpoint(), Optional.empty(), true);

        InputException e = assertThrows(InputException.class,
                () -> fetcher(offline).fetch(REPO, "main", Variant.FP32, dir, false));

        assertTrue(e.getMessage().contains("offline mode is on (HF_HUB_OFFLINE=1)"), e.getMessage());
        assertEquals(List.of(), hub.requests(), "offline means no request at all");
        assertFalse(Files.exists(dir.getParent()), "nothing is created");
    }

    @Test
    void variantTheRepositoryDoesNotHaveIsNamedWithTheOnesItHas() {
        InputException e = assertThrows(InputException.class, () -> fetch(Variant.INT8));
        assertTrue(e.getMessage().contains("file not found: onnx/model_int8.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("variants there: fp32, q4"), e.getMessage());
    }

    @Test
    void fileListedButAnswered404IsAMissingFile() {
        hub.missing("tokenizer_config.json");
        InputException e = assertThrows(InputException.class, () -> fetch(Variant.FP32));
        assertTrue(e.getMessage().contains("file not found: tokenizer_config.json"), e.getMessage());
    }

    @Test
    void unknownRepositoryIsReported() {
        InputException e = assertThrows(InputException.class,
                () -> fetcher(hub.settings()).fetch("nobody/no-such-model", "main", Variant.FP32, dir, false));
        assertTrue(e.getMessage().startsWith("repository not found: nobody/no-such-model"), e.getMessage());
        assertFalse(Files.exists(dir.getParent()), "nothing is created for a repository that does not exist");
    }

    @Test
    void unknownRevisionIsReported() {
        InputException e = assertThrows(InputException.class,
                () -> fetcher(hub.settings()).fetch(REPO, "v9", Variant.FP32, dir, false));
        assertTrue(e.getMessage().contains("revision 'v9' not found"), e.getMessage());
    }

    @Test
    void unwritableTargetIsAnInputError() throws Exception {
        Path notAFolder = tmp.resolve("models");
        Files.writeString(notAFolder, "a file where the models folder should be");

        InputException e = assertThrows(InputException.class,
                () -> fetcher(hub.settings()).fetch(REPO, "main", Variant.FP32, notAFolder.resolve("qwen"), false));

        assertTrue(e.getMessage().startsWith("cannot create folder"), e.getMessage());
    }

    @Test
    void tokenIsSentAsBearerToTheHubButNotToTheCdn() throws Exception {
        hub.requireToken("hf_secret");
        InputException denied = assertThrows(InputException.class, () -> fetch(Variant.FP32));
        assertTrue(denied.getMessage().contains("access denied (HTTP 401)") && denied.getMessage().contains("set HF_TOKEN"),
                denied.getMessage());
        hub.clearLog();

        HubSettings withToken = new HubSettings(hub.endpoint(), Optional.of("hf_secret"), false);
        fetcher(withToken).fetch(REPO, "main", Variant.FP32, dir, false);

        for (FakeHub.Request r : hub.requests()) {
            if (r.path().startsWith("/cdn/")) {
                assertNull(r.authorization(), "the token must not leave the hub: " + r);
            } else {
                assertEquals("Bearer hf_secret", r.authorization(), r.toString());
            }
        }
        assertTrue(hub.requests().stream().anyMatch(r -> r.path().startsWith("/cdn/")));
        assertFalse(log.toString().contains("hf_secret"), "the token is never printed");
    }

    @Test
    void gatedRepositorySaysToAcceptItsConditions() {
        hub.gated();
        InputException e = assertThrows(InputException.class, () -> fetch(Variant.FP32));
        assertTrue(e.getMessage().startsWith("repository " + REPO + " is gated: accept its conditions"), e.getMessage());
        assertTrue(e.getMessage().contains("set HF_TOKEN"), e.getMessage());
    }

    @Test
    void wrongTokenSaysItWasRejected() {
        hub.requireToken("hf_secret");
        HubSettings wrong = new HubSettings(hub.endpoint(), Optional.of("hf_other"), false);
        InputException e = assertThrows(InputException.class,
                () -> fetcher(wrong).fetch(REPO, "main", Variant.FP32, dir, false));
        assertTrue(e.getMessage().contains("HF_TOKEN is set but does not give access"), e.getMessage());
        assertFalse(e.getMessage().contains("hf_other"));
    }

    @Test
    void unreachableHubIsOneNetworkLine() {
        int port = hub.endpoint().getPort();
        hub.close(); // nothing listens there any more
        HubSettings gone = new HubSettings(java.net.URI.create("http://127.0.0.1:" + port), Optional.empty(), false);

        InputException e = assertThrows(InputException.class,
                () -> fetcher(gone).fetch(REPO, "main", Variant.FP32, dir, false));

        assertTrue(e.getMessage().startsWith("network failure talking to http://127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().contains("HF_ENDPOINT"), e.getMessage());
    }

    @Test
    void settingsReadTheEnvironmentVariables() {
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "https://hf-mirror.com/", "HF_TOKEN", " hf_x ",
                "HF_HUB_OFFLINE", "1"));
        assertEquals("https://hf-mirror.com", s.endpoint().toString());
        assertEquals(Optional.of("hf_x"), s.token());
        assertTrue(s.offline());
        assertFalse(s.toString().contains("hf_x"));
        HubSettings d = HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "0"));
        assertEquals(HubSettings.DEFAULT_ENDPOINT, d.endpoint().toString());
        assertFalse(d.offline());
        assertEquals(Optional.empty(), d.token());
        assertThrows(InputException.class, () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x")));
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
