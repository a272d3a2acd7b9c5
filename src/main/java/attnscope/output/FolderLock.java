package attnscope.output;

import attnscope.InputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The lock of one output folder: the file {@code OUT/.attnscope-lock}, holding the process id of the
 * run that writes there, and an operating-system lock on it. The operating system drops its lock
 * when the process ends however it ends (even {@code kill -9}), so a lock file left behind by a dead
 * run is recognised as stale and taken over; the process id in it is there to name the holder.
 *
 * <p>Releasing deletes the file while still holding the lock, then lets go. A run that opened the
 * file just before (and would then lock a file that no longer has a name) sees that the name now
 * leads to another file, or none, and tries again.
 */
public final class FolderLock implements AutoCloseable {
    /** Channels a refused attempt in this process must not close: closing any channel to a file drops every lock this process holds on it (POSIX). */
    private static final List<FileChannel> KEPT_OPEN = new ArrayList<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock {@code file} (its folder exists) or refuses with an {@link InputException} naming
     * the process that holds it.
     *
     * @param shownAs what the lock guards, as the user named it, for messages
     * @param notice  told when a stale lock of a dead run is taken over
     */
    public static FolderLock acquire(Path file, String shownAs, Consumer<String> notice) {
        long me = ProcessHandle.current().pid();
        for (int attempt = 0; attempt < 5; attempt++) {
            FileChannel channel = null;
            boolean created = !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            try {
                if (Files.isSymbolicLink(file) || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InputException(file + " is " + (Files.isSymbolicLink(file) ? "a symbolic link" : "a folder")
                            + " where attnscope keeps the lock of " + shownAs + ": remove it, or choose another folder");
                }
                // NOFOLLOW_LINKS: a symbolic link planted under the lock's name never makes us write elsewhere.
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
                Object before = inode(file);
                FileLock lock;
                try {
                    lock = channel.tryLock(); // null: another process holds it
                    if (lock == null) {
                        throw inUse(shownAs, holderPid(channel), file);
                    }
                } catch (OverlappingFileLockException e) {
                    // Held by this very process under another path (a symbolic link to the same folder).
                    synchronized (KEPT_OPEN) {
                        KEPT_OPEN.add(channel);
                    }
                    channel = null;
                    throw inUse(shownAs, me, file);
                } catch (IOException e) {
                    lock = null; // a file system without locks (some network mounts): the process id alone decides
                    long holder = holderPid(channel);
                    if (holder > 0 && holder != me && ProcessHandle.of(holder).isPresent()) {
                        throw inUse(shownAs, holder, file);
                    }
                }
                Object after = inode(file);
                if (before == null || !before.equals(after)) {
                    // The previous holder released (and deleted) the file between our open and our lock: try again.
                    if (lock != null) {
                        lock.release();
                    }
                    channel.close();
                    channel = null;
                    continue;
                }
                long previous = holderPid(channel);
                if (previous > 0 && previous != me) {
                    notice.accept("taking over the lock of " + shownAs + " left by process " + previous
                            + (ProcessHandle.of(previous).isPresent() ? ", which no longer holds it" : ", which is no longer running"));
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                channel.force(false);
                FolderLock held = new FolderLock(file, channel, lock);
                channel = null;
                return held;
            } catch (IOException e) {
                if (created) {
                    try {
                        Files.deleteIfExists(file); // a full disk: the empty lock file must not stay behind
                    } catch (IOException ignored) {
                        // the next run takes it over
                    }
                }
                throw new InputException("cannot lock " + shownAs + " (" + IoProblems.reason(e) + " on " + file
                        + "): choose a folder you can write to", e);
            } finally {
                if (channel != null) {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // nothing was locked through it
                    }
                }
            }
        }
        throw new InputException(shownAs + " is being locked and released by other runs again and again: try again");
    }

    @Override
    public void close() {
        release();
    }

    /** Deletes the lock file, then lets go of the lock. */
    public void release() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Left behind: the next run finds no process holding it and takes it over.
        }
        try {
            if (lock != null) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            // the process ending lets go of it anyway
        }
    }

    private static InputException inUse(String shownAs, long holder, Path file) {
        return new InputException(shownAs + " is in use by another attnscope run (process " + (holder > 0 ? holder : "unknown")
                + ", lock file " + file + "): wait for it to finish or choose another folder");
    }

    /** The process id written in the lock file, or -1. */
    private static long holderPid(FileChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        channel.read(b, 0);
        String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The inode behind the name (read without opening it, which would drop our lock), or null where there is none. */
    private static Object inode(Path file) {
        try {
            return Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "exists" : null;
        } catch (IOException e) {
            return null;
        }
    }
}
