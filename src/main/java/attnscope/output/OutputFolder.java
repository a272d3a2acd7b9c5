package attnscope.output;

import attnscope.InputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An output folder written all at once, by one run at a time.
 *
 * <ul>
 * <li><b>One run at a time.</b> A run locks the folder ({@code OUT/.attnscope-lock}, see
 * {@link FolderLock}) from {@link #claim} — before the model runs — to the end of the command; a
 * second run into the same folder is refused (exit 4) naming the process that holds it.
 * <li><b>All or nothing.</b> Files are written into a hidden staging folder inside it
 * ({@code OUT/.attnscope-partial-PID-N}) and moved into place by {@link #commit} only after every one
 * of them was written. A run that fails before that (a full disk, a bad model found late, SIGINT or
 * SIGTERM) removes the staging folder, and the output folder too when the run created it: the folder
 * is left absent or as it was, never half-written.
 * <li><b>The final step.</b> Each top-level entry of the staging folder lands with one rename: a file
 * over the old file of its name; a folder ({@code figures/}, {@code tensors/}) that did not exist by
 * one rename of the complete folder; a folder that existed by a swap — the old folder renamed aside
 * ({@code OUT/.attnscope-old-PID-N-NAME}), the new one renamed in, the old one deleted. A signal that
 * arrives during these renames waits for them to finish (a shutdown hook); after {@code kill -9} the
 * next run puts an old folder left aside back where no new one arrived, and deletes it otherwise.
 * <li><b>The user's files.</b> {@code OUT/.attnscope-manifest} lists every file attnscope wrote here.
 * A folder that a run replaces whole must hold only such files (or files of the names the run writes):
 * one that holds a file of the user's is refused with exit 4 naming it, and nothing is changed. Files
 * beside those folders are never touched.
 * </ul>
 *
 * <p>Renames stay within the output folder, so committing needs no disk space.
 */
public final class OutputFolder implements AutoCloseable {
    /** Every name attnscope keeps for itself in an output folder starts with this. */
    public static final String OWN_PREFIX = ".attnscope-";
    /**
     * Names of staging folders start with this, then the process id and a number: a stale one (its
     * run was killed) is recognised by its process id and removed by the next run.
     */
    public static final String STAGING_PREFIX = OWN_PREFIX + "partial-";
    /** An earlier folder renamed aside during a swap: {@code .attnscope-old-PID-N-NAME}. */
    public static final String OLD_PREFIX = OWN_PREFIX + "old-";
    /** The lock file, holding the process id of the run that writes here. */
    public static final String LOCK = OWN_PREFIX + "lock";
    /** The list of files attnscope wrote here, one path relative to the folder per line. */
    public static final String MANIFEST = OWN_PREFIX + "manifest";
    /**
     * A test hook: milliseconds to wait between the renames of a commit, so that a test can send a
     * signal in the middle of them. Never set in normal use.
     */
    static final String PAUSE_PROPERTY = "attnscope.test.pauseBetweenMovesMillis";

    /** Tells apart the staging folders of runs in one process (tests run commands one after another). */
    private static final java.util.concurrent.atomic.AtomicLong RUNS = new java.util.concurrent.atomic.AtomicLong();
    /** Folders this process has claimed, by real path. */
    private static final Map<Path, Claim> CLAIMS = new ConcurrentHashMap<>();
    /** Output folders open (staging exists, not yet committed or closed), for the shutdown hook. */
    private static final Set<OutputFolder> OPEN = ConcurrentHashMap.newKeySet();
    /** Set by the shutdown hook (guarded by CLAIMS): no claim or staging folder is made after it ran. */
    private static boolean shuttingDown;

    static {
        Thread hook = new Thread(OutputFolder::onShutdown, "attnscope-output-cleanup");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: nothing of ours to clean
        }
    }

    private final Path out;
    private final Path staging;
    private final Claim claim;
    /** True when this folder took its own claim (library use without a command), released on close. */
    private final boolean ownClaim;
    private final FileSink sink;
    private boolean committed;
    /** The file by which lesson folders were known before manifests existed (lesson.Lesson.MARKER). */
    private static final String LEGACY_LESSON_MARKER = ".attnscope-lesson";
    /** Top-level files of an earlier run that this run makes out of date when it does not write them. */
    private final Set<String> superseded = new TreeSet<>();
    private boolean abandoned;

    private OutputFolder(Path out, Path staging, Claim claim, boolean ownClaim, FileSink sink) {
        this.out = out;
        this.staging = staging;
        this.claim = claim;
        this.ownClaim = ownClaim;
        this.sink = sink;
    }

    /** True for the names attnscope keeps for itself (lock, manifest, staging, folders left aside): never the user's. */
    public static boolean isOwnName(String fileName) {
        return fileName.startsWith(OWN_PREFIX);
    }

    /**
     * Refuses, before any long work, a folder that cannot be written: a file where the folder or one
     * of its parents should be, a dangling symbolic link, or a parent without write permission.
     *
     * @param option the option that named the folder ("--out"), for the message
     */
    public static void requireWritable(Path out, String option) {
        Path folder = out.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(folder) && !Files.exists(folder)) {
            String target;
            try {
                target = String.valueOf(Files.readSymbolicLink(folder));
            } catch (IOException e) {
                target = "?";
            }
            throw new InputException(option + " " + out + " is a symbolic link to " + target
                    + ", which does not exist: create that folder or give another --out");
        }
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new InputException(option + " " + out + " is a file, not a folder: give a folder (it is created if missing)");
        }
        Path existing = folder;
        while (existing != null && !Files.exists(existing)) {
            if (Files.isSymbolicLink(existing)) {
                throw new InputException(option + " " + out + " cannot be created: " + existing
                        + " is a symbolic link to a folder that does not exist");
            }
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new InputException(option + " " + out + " cannot be created: none of its parent folders exists");
        }
        if (!Files.isDirectory(existing)) {
            throw new InputException(option + " " + out + " cannot be created: " + existing + " is a file, not a folder");
        }
        if (!Files.isWritable(existing)) {
            throw new InputException(option + " " + out + ": " + existing + " is not writable (" + (readOnlyDisk(existing)
                    ? "it is on a read-only file system" : "permission denied") + "): choose a folder you can write to");
        }
    }

    private static boolean readOnlyDisk(Path p) {
        try {
            return Files.getFileStore(p).isReadOnly();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Takes the output folder for this run, before any long work: checks that it can be written,
     * creates it if missing, locks it, and checks that the subfolders the run will replace whole hold
     * no file of the user's. The claim lasts until {@link #releaseClaims()} (the command line calls it
     * when a command ends) or until the process ends; on failure the folder is left as it was.
     *
     * @param option   the option that named the folder ("--out"), for messages
     * @param notice   told when a stale lock is taken over
     * @param replaced the subfolders the run replaces whole ("figures")
     */
    public static void claim(Path out, String option, Consumer<String> notice, String... replaced) {
        requireWritable(out, option);
        Claim c = claimFor(out, notice, false);
        try {
            for (String sub : replaced) {
                requireReplaceable(c.folder, sub, readManifest(c.folder), Set.of(), "");
            }
        } catch (RuntimeException e) {
            release(c);
            throw e;
        }
    }

    /**
     * Releases the claims of this process that no open output folder uses (a command has ended): lock
     * files go, and folders created for them if still empty.
     */
    public static void releaseClaims() {
        synchronized (CLAIMS) {
            for (Claim c : List.copyOf(CLAIMS.values())) {
                if (!inUse(c)) {
                    release(c);
                }
            }
        }
    }

    private static boolean inUse(Claim c) {
        return OPEN.stream().anyMatch(f -> f.claim == c);
    }

    /**
     * The claim of this thread on {@code out}, or a new one. With {@code joinIdle}, a claim another
     * thread of this process made and no output folder uses is joined (a command may do its work on a
     * thread of its own); two output folders open on one folder at once are refused.
     */
    private static Claim claimFor(Path out, Consumer<String> notice, boolean joinIdle) {
        Path folder = out.toAbsolutePath().normalize();
        Path created = null;
        for (Path p = folder; p != null && !Files.exists(p); p = p.getParent()) {
            created = p;
        }
        Path real;
        try {
            Files.createDirectories(folder);
            real = folder.toRealPath();
        } catch (IOException e) {
            removeCreated(folder, created);
            throw new InputException("cannot write to " + out + " (" + IoProblems.reason(e) + "): choose a folder you can write to");
        }
        synchronized (CLAIMS) {
            if (shuttingDown) {
                removeCreated(folder, created);
                throw new InputException("stopped (the process is ending): nothing was written to " + out);
            }
            Claim held = CLAIMS.get(real);
            if (held != null) {
                if (held.owner == Thread.currentThread() || (joinIdle && !inUse(held))) {
                    return held;
                }
                if (held.owner.isAlive() || inUse(held)) {
                    throw new InputException(out + " is in use by another attnscope run (process "
                            + ProcessHandle.current().pid() + ", lock file " + real.resolve(LOCK)
                            + "): wait for it to finish or choose another folder");
                }
                release(held);
            }
            FolderLock lock;
            try {
                lock = FolderLock.acquire(real.resolve(LOCK), out.toString(), notice);
            } catch (RuntimeException e) {
                removeCreated(folder, created);
                throw e;
            }
            Claim c = new Claim(real, folder, created, lock, Thread.currentThread());
            CLAIMS.put(real, c);
            return c;
        }
    }

    private static void release(Claim c) {
        synchronized (CLAIMS) {
            if (!CLAIMS.remove(c.folder, c)) {
                return;
            }
            c.lock.release();
            removeCreated(c.asGiven, c.created);
        }
    }

    /** Creates {@code out} if needed and an empty staging folder inside it (claiming it, unless this thread has). */
    public static OutputFolder open(Path out, FileSink sink) {
        requireWritable(out, "output folder");
        Path folder = out.toAbsolutePath().normalize();
        synchronized (CLAIMS) {
            Path real = realOrNull(folder);
            Claim held = real == null ? null : CLAIMS.get(real);
            Claim c = claimFor(out, line -> System.err.println("attnscope: " + line), true);
            boolean own = c != held; // a claim made here is released on close; a command's claim at its end
            try {
                cleanLeftovers(c.folder);
                Path staging = c.folder.resolve(STAGING_PREFIX + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet());
                Files.createDirectory(staging);
                OutputFolder f = new OutputFolder(c.folder, staging, c, own, sink);
                OPEN.add(f);
                return f;
            } catch (IOException e) {
                if (own) {
                    release(c);
                }
                throw new InputException("cannot write to " + out + " (" + IoProblems.reason(e) + "): choose a folder you can write to");
            }
        }
    }

    private static Path realOrNull(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return null;
        }
    }

    /** The folder to write into, laid out as the output folder will be. */
    public Path staging() {
        return staging;
    }

    /** The output folder. */
    public Path folder() {
        return out;
    }

    /**
     * The sink for files under {@link #staging()}: a failed write becomes one line naming the file
     * where it would have gone, and saying that nothing was written.
     */
    public FileSink sink() {
        return this::writeStaged;
    }

    /** Writes one file, {@code relative} to the output folder (e.g. "summary.json", "tensors/layer0.q.npy"). */
    public Path write(String relative, byte[] bytes) {
        Path file = staging.resolve(relative);
        writeStaged(file, bytes);
        return finalPath(file);
    }

    private void writeStaged(Path file, byte[] bytes) {
        try {
            sink.write(file, bytes);
        } catch (IOException e) {
            throw new InputException("could not write " + finalPath(file) + " (" + IoProblems.reason(e)
                    + "): is the disk full or the folder read-only? Nothing was written to " + out, e);
        }
    }

    /** Where a file of the staging folder lands once committed. */
    public Path finalPath(Path staged) {
        Path abs = staged.toAbsolutePath().normalize();
        return abs.startsWith(staging) ? out.resolve(staging.relativize(abs)) : staged;
    }

    /**
     * Moves everything staged into place: each file over the file of its name, each folder in place of
     * the folder of its name (replaced whole); other files of the output folder are left alone.
     */
    public void commit() {
        commitReplacing();
    }

    /**
     * Names top-level files that belong to a run's result only when that run writes them (figures'
     * explorer.html, say): one written by an earlier run (listed in its manifest) and not by this one
     * is removed at the commit, so an old page never stands beside new figures. Files the manifest
     * does not list (the user's) are never touched.
     */
    public synchronized OutputFolder supersedes(String... files) {
        superseded.addAll(List.of(files));
        return this;
    }

    /**
     * As {@link #commit}, and the named subfolders of the output folder are removed even where this
     * run wrote nothing into them: no file of an earlier run stays among the new ones.
     */
    public synchronized void commitReplacing(String... subfolders) {
        if (abandoned) {
            throw new InputException("stopped before the results were moved into place: nothing was changed in " + out);
        }
        List<Path> entries;
        Set<String> written = new TreeSet<>();
        try (Stream<Path> top = Files.list(staging); Stream<Path> walk = Files.walk(staging)) {
            entries = top.sorted().toList();
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> written.add(relative(staging, p)));
        } catch (IOException | UncheckedIOException e) {
            throw new InputException("cannot read back " + staging + " (" + reason(e) + ")");
        }
        Set<String> earlier = readManifest(out);
        Set<String> replaced = new TreeSet<>(List.of(subfolders));
        List<Path> files = new ArrayList<>();
        for (Path e : entries) {
            if (Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
                replaced.add(e.getFileName().toString());
            } else {
                files.add(e);
            }
        }
        // Everything that can stop a move is checked before the first one, so a refused commit changes nothing.
        if (!Files.isWritable(out)) {
            throw new InputException("cannot write into " + out + ": it is not writable (permission denied); nothing was changed");
        }
        for (String sub : replaced) {
            requireReplaceable(out, sub, earlier, written, "; nothing was changed in " + out);
        }
        for (Path e : files) {
            String name = e.getFileName().toString();
            Path target = out.resolve(name);
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new InputException("cannot write " + target + ": a folder of that name is in the way; move it or choose "
                        + "another output folder");
            }
            // A file of the same name that attnscope did not write (its manifest does not list it) is the
            // user's: never overwritten. A lesson folder of a version before manifests has its marker.
            boolean ours = isOwnName(name) || (earlier != null ? earlier.contains(name) : Files.exists(out.resolve(LEGACY_LESSON_MARKER)));
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !ours) {
                throw new InputException("cannot write " + target + ": a file of that name is in the way that attnscope did not "
                        + "write (" + MANIFEST + " does not list it); move it or choose another output folder; nothing was changed");
            }
        }
        // The manifest goes first and lists the files of the earlier run and this one: killed half-way
        // (kill -9), a rerun still knows every file here as attnscope's.
        Set<String> manifest = new TreeSet<>(written);
        if (earlier != null) {
            for (String f : earlier) {
                if (!replaced.contains(topName(f)) && !superseded.contains(f) && Files.exists(out.resolve(f), LinkOption.NOFOLLOW_LINKS)) {
                    manifest.add(f);
                }
            }
        }
        long pid = ProcessHandle.current().pid();
        long run = RUNS.incrementAndGet();
        List<Path> aside = new ArrayList<>();
        try {
            Path staged = staging.resolve(MANIFEST);
            Files.write(staged, manifestText(manifest).getBytes(StandardCharsets.UTF_8));
            rename(staged, out.resolve(MANIFEST), true);
            for (String sub : replaced) {
                Path target = out.resolve(sub);
                Path fresh = staging.resolve(sub);
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    Path old = out.resolve(OLD_PREFIX + pid + "-" + run + "-" + sub);
                    rename(target, old, false);
                    aside.add(old);
                    pauseForTests();
                }
                if (Files.exists(fresh, LinkOption.NOFOLLOW_LINKS)) {
                    rename(fresh, target, false);
                }
            }
            for (Path e : files) {
                pauseForTests();
                rename(e, out.resolve(e.getFileName().toString()), true);
            }
            if (earlier != null) {
                for (String f : superseded) {
                    if (earlier.contains(f) && !written.contains(f)) {
                        Files.deleteIfExists(out.resolve(f));
                    }
                }
            }
            committed = true;
        } catch (IOException e) {
            throw new InputException("could not move the results into " + out + " (" + IoProblems.reason(e) + ")", e);
        } finally {
            for (Path old : aside) {
                deleteQuietly(old);
            }
            if (committed) {
                deleteQuietly(staging);
                OPEN.remove(this);
            }
        }
    }

    /**
     * Refuses to replace {@code folder/sub} when it is a file or a link, or holds a file that is neither
     * in the manifest nor among the files this run writes.
     */
    private static void requireReplaceable(Path folder, String sub, Set<String> manifest, Set<String> written, String suffix) {
        Path target = folder.resolve(sub);
        if (Files.isSymbolicLink(target)) {
            throw new InputException("cannot write " + target + ": it is a symbolic link, and attnscope replaces that folder whole; "
                    + "remove the link or choose another output folder" + suffix);
        }
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new InputException("cannot write " + target.resolve("…") + ": " + target + " is a file, not a folder" + suffix);
        }
        if (manifest == null && written.isEmpty()) {
            return; // written by an earlier version, without a manifest: judged at the commit, by the names this run writes
        }
        try (Stream<Path> walk = Files.walk(target)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String rel = relative(folder, p);
                if (!(manifest != null && manifest.contains(rel)) && !written.contains(rel)) {
                    throw new InputException(p + " was not written by attnscope (it is not in " + folder.resolve(MANIFEST)
                            + "), and attnscope replaces " + target + " whole: move your files out of it or choose another "
                            + "output folder" + (suffix.isEmpty() ? "; nothing was changed" : suffix));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new InputException("cannot read " + target + " (" + reason(e) + "): choose another output folder");
        }
    }

    /** Without a commit: removes the staging folder, and (for a folder opened without a claim) the lock and created folders. */
    @Override
    public void close() {
        abandon(); // nothing after a commit
        OPEN.remove(this);
        if (ownClaim) {
            release(claim);
        }
    }

    /** Stops this run's output: a commit in progress has finished (this method waits for it), a later one is refused. */
    private synchronized void abandon() {
        if (committed) {
            return;
        }
        abandoned = true;
        deleteQuietly(staging);
    }

    /** On SIGINT, SIGTERM or System.exit: staging folders go, commits in progress finish first, locks are released. */
    private static void onShutdown() {
        // Under the claims' monitor: a claim or staging folder being made right now is finished first, and no later one starts.
        synchronized (CLAIMS) {
            shuttingDown = true;
            for (OutputFolder f : List.copyOf(OPEN)) {
                f.abandon();
            }
            for (Claim c : List.copyOf(CLAIMS.values())) {
                release(c);
            }
        }
    }

    /** Deletes the folders this run created, innermost first, as long as they are empty. */
    private static void removeCreated(Path folder, Path created) {
        if (created == null) {
            return;
        }
        for (Path p = folder; p != null && p.startsWith(created); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return; // not empty (someone else wrote there) or not ours to delete: leave it
            }
        }
    }

    /**
     * What other runs left behind (killed with kill -9; called with the folder locked): their staging
     * folders are removed; a folder they had renamed aside goes back where no new one arrived, and is
     * deleted otherwise.
     */
    private static void cleanLeftovers(Path folder) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder, OWN_PREFIX + "*")) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                String rest = name.startsWith(STAGING_PREFIX) ? name.substring(STAGING_PREFIX.length())
                        : name.startsWith(OLD_PREFIX) ? name.substring(OLD_PREFIX.length()) : null;
                if (rest == null) {
                    continue;
                }
                String[] parts = rest.split("-", 3);
                long pid;
                try {
                    pid = Long.parseLong(parts[0]);
                } catch (NumberFormatException e) {
                    continue;
                }
                // This process holds the folder's lock, so no other run is writing here: whatever another process
                // left is stale even when its id now belongs to a running process (ids are reused). Of this
                // process's own, only those of folders still open are in use.
                if (pid == ProcessHandle.current().pid() && OPEN.stream().anyMatch(f -> p.equals(f.staging))) {
                    continue;
                }
                if (name.startsWith(OLD_PREFIX) && parts.length == 3 && !Files.exists(folder.resolve(parts[2]), LinkOption.NOFOLLOW_LINKS)) {
                    rename(p, folder.resolve(parts[2]), false);
                } else {
                    deleteTree(p);
                }
            }
        }
    }

    /** The files attnscope wrote into {@code folder} (relative paths), or null where it keeps no list. */
    static Set<String> readManifest(Path folder) {
        Path file = folder.resolve(MANIFEST);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            Set<String> files = new TreeSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String l = line.strip();
                // Only plain relative paths count: a line that climbs out ("..") or is absolute names nothing here.
                if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith("/") && !l.contains("\\")
                        && !List.of(l.split("/")).contains("..")) {
                    files.add(l);
                }
            }
            return files;
        } catch (IOException | UncheckedIOException e) {
            return null; // unreadable: as if absent, which is the cautious reading (fewer files count as ours)
        }
    }

    private static String manifestText(Set<String> files) {
        StringBuilder b = new StringBuilder("# files written by attnscope into this folder; the next run replaces only these\n");
        for (String f : files) {
            b.append(f).append('\n');
        }
        return b.toString();
    }

    private static String relative(Path base, Path p) {
        return base.relativize(p).toString().replace('\\', '/');
    }

    private static String topName(String relative) {
        int slash = relative.indexOf('/');
        return slash < 0 ? relative : relative.substring(0, slash);
    }

    private static void rename(Path from, Path to, boolean replace) throws IOException {
        try {
            if (replace) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            if (replace) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to);
            }
        }
    }

    private static void pauseForTests() {
        long millis = Long.getLong(PAUSE_PROPERTY, 0L);
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String reason(Exception e) {
        IOException io = e instanceof IOException i ? i : ((UncheckedIOException) e).getCause();
        return IoProblems.reason(io);
    }

    /** Best effort, a few times: figure threads may still be finishing a file in it. */
    private static void deleteQuietly(Path dir) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                deleteTree(dir);
                return;
            } catch (IOException | UncheckedIOException e) {
                // try again; a leftover is hidden, named as such, and removed by the next run
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A folder this process holds: its real path, the path as given, the outermost folder created for it (or null), its lock and the thread of its run. */
    private record Claim(Path folder, Path asGiven, Path created, FolderLock lock, Thread owner) {
    }
}
