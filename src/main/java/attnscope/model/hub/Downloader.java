package attnscope.model.hub;

import attnscope.InputException;
import attnscope.progress.ProgressBar;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Downloads one hub file into a folder, so that an interruption loses nothing and a damaged
 * file never takes the real name:
 * <ol>
 *   <li>bytes go to {@code NAME.part}; a later run continues it with {@code Range: bytes=N-}
 *       (a server that ignores the range and answers 200 makes the run start over);</li>
 *   <li>the content is hashed as it arrives (the bytes already in {@code .part} first) and
 *       compared with what the hub publishes: SHA-256 for LFS files, the git blob SHA-1
 *       (of "blob SIZE\0" + content) for small files;</li>
 *   <li>only a verified file is renamed to {@code NAME}. A mismatch deletes the {@code .part}
 *       and throws: the next run starts from byte 0.</li>
 * </ol>
 */
public final class Downloader {
    private static final int BUFFER = 1 << 20;
    /** A transfer that delivers nothing for this long is abandoned (and can be resumed). */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

    private final HubClient client;
    private final Duration stallTimeout;

    public Downloader(HubClient client) {
        this(client, DEFAULT_STALL_TIMEOUT);
    }

    /** @param stallTimeout how long a transfer may deliver no byte before it is abandoned */
    public Downloader(HubClient client, Duration stallTimeout) {
        this.client = client;
        this.stallTimeout = stallTimeout;
    }

    /** The name a download has while it is incomplete. */
    public static Path partOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /**
     * Makes {@code target} a verified copy of {@code file} and returns its hex digest (SHA-256
     * for LFS files, git SHA-1 otherwise). Progress is added to {@code progress}.
     */
    public String download(String repo, String revision, HubFile file, Path target, ProgressBar progress) {
        Path part = partOf(target);
        try {
            Files.createDirectories(target.getParent());
            if (Files.isRegularFile(target) && Files.size(target) == file.size()) {
                // Verified by an earlier run, then the run stopped before installing: check it again.
                MessageDigest digest = newDigest(file);
                hashExisting(target, digest);
                String found = HexFormat.of().formatHex(digest.digest());
                if (found.equals(expected(file))) {
                    progress.skip(file.size());
                    return found;
                }
                Files.delete(target);
            }
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            if (have > file.size()) {
                Files.delete(part);
                have = 0;
            }
            MessageDigest digest = newDigest(file);
            if (have > 0) {
                hashExisting(part, digest);
            }
            progress.skip(have);
            if (have < file.size()) {
                digest = fetchInto(repo, revision, file, part, have, digest, progress);
                have = Files.size(part);
            }
            if (have != file.size()) {
                throw new InputException("download of " + file.path() + " ended at byte " + have + " of " + file.size()
                        + ": run the same command again to resume");
            }
            String found = HexFormat.of().formatHex(digest.digest());
            String expected = expected(file);
            if (!found.equals(expected)) {
                Files.deleteIfExists(part);
                throw new InputException("checksum mismatch for " + file.path() + ": the hub publishes "
                        + (file.isLfs() ? "sha256 " : "git sha1 ") + expected + " but the downloaded bytes give " + found
                        + "; the partial file was deleted, run the command again");
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return found;
        } catch (IOException e) {
            throw new InputException("cannot write " + part + ": " + describe(e), e);
        }
    }

    /**
     * Continues {@code part} from byte {@code have}, feeding {@code digest}; returns the digest
     * of the whole content (a fresh one when the server ignored the range).
     */
    private MessageDigest fetchInto(String repo, String revision, HubFile file, Path part, long have, MessageDigest digest,
            ProgressBar progress) throws IOException {
        HttpResponse<InputStream> response = client.openFile(repo, revision, file.path(), have);
        boolean append = have > 0 && response.statusCode() == 206;
        long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        long expectedBytes = file.size() - (append ? have : 0);
        if (announced > expectedBytes) {
            response.body().close();
            throw new InputException("the server announced " + announced + " bytes for " + file.path() + " where the hub lists "
                    + file.size() + (append ? " (" + expectedBytes + " still to come)" : "") + ": is HF_ENDPOINT a Hugging Face hub?");
        }
        if (have > 0 && !append) {
            // The server ignored the range and sends the whole file: start the hash and the file
            // again (the digest of a git file starts with its "blob SIZE\0" header).
            digest = newDigest(file);
            have = 0;
        }
        byte[] buffer = new byte[BUFFER];
        // HttpClient has no read timeout for a body: a watchdog closes the stream when no byte
        // has arrived for stallTimeout, which makes the blocked read fail.
        StallWatchdog watchdog = new StallWatchdog(response.body(), stallTimeout);
        try (InputStream in = response.body();
                watchdog;
                // NOFOLLOW_LINKS: a link planted under the .part name is never written through.
                OutputStream out = Files.newOutputStream(part, java.nio.file.LinkOption.NOFOLLOW_LINKS, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    out.flush();
                    String why = watchdog.fired() ? "no data for " + (stallTimeout.toMillis() < 1000
                            ? stallTimeout.toMillis() + " ms" : stallTimeout.toSeconds() + " s") : describe(e);
                    throw new InputException("network failure while downloading " + file.path() + " at byte " + have + " of "
                            + file.size() + " (" + why + "): run the same command again to resume", e);
                }
                if (n < 0) {
                    break;
                }
                watchdog.alive();
                if (have + n > file.size()) {
                    throw new InputException("the server sent more than the " + file.size() + " bytes the hub lists for "
                            + file.path() + ": run again later");
                }
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                have += n;
                progress.advance(n);
            }
        }
        return digest;
    }

    /** Closes a stream that has been silent for too long; checks four times per timeout. */
    private static final class StallWatchdog implements AutoCloseable {
        private final InputStream stream;
        private final long timeoutNanos;
        private final java.util.concurrent.ScheduledExecutorService timer;
        private volatile long lastByteNanos = System.nanoTime();
        private volatile boolean fired;

        StallWatchdog(InputStream stream, Duration timeout) {
            this.stream = stream;
            this.timeoutNanos = timeout.toNanos();
            this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "attnscope-download-watchdog");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, timeout.toMillis() / 4);
            timer.scheduleAtFixedRate(this::check, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        void alive() {
            lastByteNanos = System.nanoTime();
        }

        boolean fired() {
            return fired;
        }

        private void check() {
            if (!fired && System.nanoTime() - lastByteNanos > timeoutNanos) {
                fired = true;
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // The reader sees the failure; nothing more to do here.
                }
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    private static String expected(HubFile file) {
        return file.lfsSha256().orElse(file.gitOid().toLowerCase(java.util.Locale.ROOT));
    }

    /** SHA-256 for LFS content; for git-stored files SHA-1 over "blob SIZE\0" then the content. */
    private static MessageDigest newDigest(HubFile file) {
        try {
            if (file.isLfs()) {
                return MessageDigest.getInstance("SHA-256");
            }
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + file.size() + "\0").getBytes(StandardCharsets.US_ASCII));
            return sha1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-1 and SHA-256", e);
        }
    }

    /** Feeds a file's bytes to {@code digest}. */
    static void hashExisting(Path file, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
    }

    /** The hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            hashExisting(file, digest);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage().strip();
    }
}
