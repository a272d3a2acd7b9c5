package attnscope.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFolderTest {
    @TempDir
    Path tmp;

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    @Test
    void filesAppearOnlyWhenCommitted() throws IOException {
        Path out = tmp.resolve("a/b/out");
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            assertEquals(out.resolve("summary.json"), folder.write("summary.json", text("{}")));
            folder.write("tensors/layer0.q.npy", text("q"));
            assertFalse(Files.exists(out.resolve("summary.json")), "not before the commit");
            folder.commit();
        }
        assertEquals(List.of("", "summary.json", "tensors", "tensors/layer0.q.npy"), tree(out));
    }

    @Test
    void withoutACommitNothingIsLeftAndCreatedFoldersGoAgain() throws IOException {
        Path out = tmp.resolve("a/b/out");
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.write("summary.json", text("{}"));
        }
        assertFalse(Files.exists(tmp.resolve("a")), "a/b/out were created by the run, and removed with it");
    }

    @Test
    void anEarlierRunStaysAsItWasUntilTheCommitReplacesItsFiles() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("summary.json"), "old");
        Files.writeString(out.resolve("notes.txt"), "mine");
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.write("summary.json", text("new"));
        }
        assertEquals("old", Files.readString(out.resolve("summary.json")));
        assertEquals(List.of("", "notes.txt", "summary.json"), tree(out), "no staging folder left");
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.write("summary.json", text("new"));
            folder.commit();
        }
        assertEquals("new", Files.readString(out.resolve("summary.json")));
        assertEquals("mine", Files.readString(out.resolve("notes.txt")), "files of other names are left alone");
    }

    @Test
    void commitReplacingRemovesTheOldSubfolder() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out/figures"));
        Files.writeString(out.resolve("old.png"), "old");
        try (OutputFolder folder = OutputFolder.open(out.getParent(), FileSink.ATOMIC)) {
            folder.write("figures/new.png", text("new"));
            folder.commitReplacing("figures");
        }
        assertEquals(List.of("", "new.png"), tree(out));
    }

    @Test
    void aFailedWriteNamesTheFileItWasForAndTheCause() throws IOException {
        Path out = tmp.resolve("out");
        FileSink full = (file, bytes) -> {
            throw new IOException("No space left on device");
        };
        try (OutputFolder folder = OutputFolder.open(out, full)) {
            InputException e = assertThrows(InputException.class, () -> folder.write("figures/overview.png", text("x")));
            assertEquals("could not write " + out.toAbsolutePath().resolve("figures/overview.png")
                    + " (No space left on device): is the disk full or the folder read-only? Nothing was written to "
                    + out.toAbsolutePath(), e.getMessage());
        }
        assertFalse(Files.exists(out));
    }

    @Test
    void aFolderInTheWayIsFoundBeforeAnythingMoves() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out/summary.json")); // a folder where a file goes
        try (OutputFolder folder = OutputFolder.open(out.getParent(), FileSink.ATOMIC)) {
            folder.write("a.txt", text("a"));
            folder.write("summary.json", text("{}"));
            InputException e = assertThrows(InputException.class, folder::commit);
            assertTrue(e.getMessage().contains("a folder of that name is in the way"), e.getMessage());
        }
        assertEquals(List.of("", "summary.json"), tree(out.getParent()), "a.txt was not moved either");
    }

    @Test
    void aFileWhereASubfolderGoesIsFoundBeforeAnythingMoves() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("figures"), "a file named like the folder");
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.write("summary.json", text("{}"));
            folder.write("figures/overview.png", text("png"));
            InputException e = assertThrows(InputException.class, folder::commit);
            assertTrue(e.getMessage().contains("is a file, not a folder; nothing was changed"), e.getMessage());
        }
        assertEquals(List.of("", "figures"), tree(out), "summary.json was not moved either");
    }

    @Test
    void fileWhereAFolderGoesIsRefusedAtOnce() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "mine");
        InputException isFile = assertThrows(InputException.class, () -> OutputFolder.requireWritable(file, "--out"));
        assertEquals("--out " + file + " is a file, not a folder: give a folder (it is created if missing)", isFile.getMessage());
        InputException inside = assertThrows(InputException.class,
                () -> OutputFolder.requireWritable(file.resolve("sub/out"), "--out"));
        assertEquals("--out " + file.resolve("sub/out") + " cannot be created: " + file + " is a file, not a folder",
                inside.getMessage());
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void staleStagingOfAFinishedProcessIsRemoved() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        // A process id that cannot be running: pid_max on Linux is at most 2^22.
        Path stale = Files.createDirectories(out.resolve(OutputFolder.STAGING_PREFIX + "999999999-1"));
        Files.writeString(stale.resolve("half.png"), "half");
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.commit();
        }
        assertEquals(List.of(""), tree(out));
    }
}
