package attnscope.output;

import attnscope.InputException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An output folder written all at once. Files are written into a hidden staging folder inside it
 * ({@code OUT/.attnscope-partial-PID}) and moved into place by {@link #commit} only after every
 * one of them was written. A run that fails before that (a full disk, a bad model found late)
 * removes the staging folder on {@link #close}, and the output folder too when the run created
 * it: the folder is left absent or as it was, never half-written.
 *
 * <p>Moving is a rename within one folder tree, so committing needs no disk space and cannot
 * fail for lack of it.
 */
public final class OutputFolder implements AutoCloseable {
    /**
     * Names of staging folders start with this, then the process id and a number: a stale one (its
     * run was killed) is recognised by its process id and removed by the next run.
     */
    public static final String STAGING_PREFIX = ".attnscope-partial-";
    /** Tells apart the staging folders of runs in one process (tests run commands one after another). */
    private static final java.util.concurrent.atomic.AtomicLong RUNS = new java.util.concurrent.atomic.AtomicLong();

    private final Path out;
    private final Path staging;
    /** The outermost folder this run created on the way to {@code out}, or null when {@code out} existed. */
    private final Path created;
    private final FileSink sink;
    private boolean committed;

    private OutputFolder(Path out, Path staging, Path created, FileSink sink) {
        this.out = out;
        this.staging = staging;
        this.created = created;
        this.sink = sink;
    }

    /**
     * Refuses, before any long work, a folder that cannot be written: a file where the folder or one
     * of its parents should be, or a parent without write permission.
     *
     * @param option the option that named the folder ("--out"), for the message
     */
    public static void requireWritable(Path out, String option) {
        Path folder = out.toAbsolutePath().normalize();
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new InputException(option + " " + out + " is a file, not a folder: give a folder (it is created if missing)");
        }
        Path existing = folder;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new InputException(option + " " + out + " cannot be created: none of its parent folders exists");
        }
        if (!Files.isDirectory(existing)) {
            throw new InputException(option + " " + out + " cannot be created: " + existing + " is a file, not a folder");
        }
        if (!Files.isWritable(existing)) {
            throw new InputException(option + " " + out + ": " + existing + " is not writable (permission denied): "
                    + "choose a folder you can write to");
        }
    }

    /** Creates {@code out} if needed and an empty staging folder inside it. */
    public static OutputFolder open(Path out, FileSink sink) {
        Path folder = out.toAbsolutePath().normalize();
        requireWritable(folder, "output folder");
        Path created = null;
        for (Path p = folder; p != null && !Files.exists(p); p = p.getParent()) {
            created = p;
        }
        try {
            Files.createDirectories(folder);
            removeStaleStaging(folder);
            Path staging = folder.resolve(STAGING_PREFIX + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet());
            Files.createDirectory(staging);
            return new OutputFolder(folder, staging, created, sink);
        } catch (IOException e) {
            removeCreated(folder, created);
            throw new InputException("cannot write to " + out + " (" + IoProblems.reason(e) + "): choose a folder you can write to");
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

    /** Moves every staged file into place, replacing files of the same name; others are left alone. */
    public void commit() {
        commitReplacing();
    }

    /**
     * As {@link #commit}, after deleting the named subfolders of the output folder: they are replaced
     * wholesale, so no file of an earlier run stays among the new ones.
     */
    public void commitReplacing(String... subfolders) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(staging)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new InputException("cannot read back " + staging + " (" + IoProblems.reason(e) + ")");
        }
        // Everything that can stop a move is checked before the first one, so a refused commit changes nothing.
        for (Path f : files) {
            Path target = finalPath(f);
            if (Files.isDirectory(target)) {
                throw new InputException("cannot write " + target + ": a folder of that name is in the way; move it or choose "
                        + "another output folder");
            }
            Path parent = target.getParent();
            if (Files.exists(parent) && !(Files.isDirectory(parent) && Files.isWritable(parent))) {
                throw new InputException("cannot write " + target + ": " + parent + (Files.isDirectory(parent)
                        ? " is not writable (permission denied)" : " is a file, not a folder") + "; nothing was changed in " + out);
            }
        }
        try {
            for (String sub : subfolders) {
                deleteTree(out.resolve(sub));
            }
            for (Path f : files) {
                Path target = finalPath(f);
                Files.createDirectories(target.getParent());
                try {
                    Files.move(f, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            deleteTree(staging);
            committed = true;
        } catch (IOException e) {
            throw new InputException("could not move the results into " + out + " (" + IoProblems.reason(e) + ")", e);
        }
    }

    /** Without a commit: removes the staging folder, and the output folder when this run created it. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            deleteTree(staging);
        } catch (IOException e) {
            // Best effort: a leftover staging folder is hidden, named as such, and removed by the next run.
        }
        removeCreated(out, created);
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

    /** Staging folders of runs that no longer exist (killed before they could clean up). */
    private static void removeStaleStaging(Path folder) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder, STAGING_PREFIX + "*")) {
            for (Path p : s) {
                String rest = p.getFileName().toString().substring(STAGING_PREFIX.length());
                String pid = rest.contains("-") ? rest.substring(0, rest.indexOf('-')) : rest;
                boolean running;
                try {
                    running = ProcessHandle.of(Long.parseLong(pid)).isPresent();
                } catch (NumberFormatException e) {
                    continue;
                }
                if (!running) {
                    deleteTree(p);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
