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
            // The manifest is attnscope's record of its own files; the tests about it read it themselves.
            return walk.filter(p -> !p.getFileName().toString().equals(OutputFolder.MANIFEST))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
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
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.write("summary.json", text("old"));
            folder.commit();
        }
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
    void aFileOfTheUsersWhereARunWritesOneIsNeverOverwritten() throws IOException {
        // A folder attnscope never wrote into (no manifest) and one it did (the file not listed in it).
        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        Files.writeString(fresh.resolve("explorer.html"), "mine");
        Path earlier = tmp.resolve("earlier");
        try (OutputFolder folder = OutputFolder.open(earlier, FileSink.ATOMIC)) {
            folder.write("summary.json", text("{}"));
            folder.commit();
        }
        Files.writeString(earlier.resolve("explorer.html"), "mine");
        for (Path out : List.of(fresh, earlier)) {
            try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
                folder.write("summary.json", text("new"));
                folder.write("explorer.html", text("page"));
                InputException e = assertThrows(InputException.class, folder::commit);
                assertTrue(e.getMessage().contains("attnscope did not write") && e.getMessage().contains("nothing was changed"),
                        e.getMessage());
            }
            assertEquals("mine", Files.readString(out.resolve("explorer.html")), out + ": the user's file is untouched");
            assertFalse(Files.exists(out.resolve("summary.json")) && Files.readString(out.resolve("summary.json")).equals("new"),
                    out + ": nothing of the refused run was moved in");
        }
    }

    @Test
    void aFolderOfAnEarlierRunIsReplacedWholeAndTheManifestListsWhatWasWritten() throws IOException {
        Path out = tmp.resolve("out");
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.write("figures/old.png", text("old"));
            folder.write("summary.json", text("{}"));
            folder.commit();
        }
        Files.writeString(out.resolve("notes.txt"), "mine, beside the folders");
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.write("figures/new.png", text("new"));
            folder.commitReplacing("figures");
        }
        assertEquals(List.of("", "figures", "figures/new.png", "notes.txt", "summary.json"), tree(out));
        assertEquals(List.of("figures/new.png", "summary.json"), Files.readAllLines(out.resolve(OutputFolder.MANIFEST)).stream()
                .filter(l -> !l.startsWith("#")).toList(), "the user's notes are never listed as attnscope's");
    }

    @Test
    void aFileOfTheUsersInAFolderToBeReplacedIsRefusedAndNothingChanges() throws IOException {
        Path out = tmp.resolve("out");
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.write("figures/overview.png", text("old"));
            folder.commit();
        }
        Files.writeString(out.resolve("figures/my-own-figure.png"), "mine");
        Files.createDirectories(out.resolve("figures/keep"));
        Files.writeString(out.resolve("figures/keep/precious.txt"), "precious");
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.write("figures/overview.png", text("new"));
            folder.write("summary.json", text("{}"));
            InputException e = assertThrows(InputException.class, folder::commit);
            assertTrue(e.getMessage().contains("was not written by attnscope") && e.getMessage().contains("nothing was changed"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("my-own-figure.png") || e.getMessage().contains("precious.txt"), e.getMessage());
        }
        assertEquals(List.of("", "figures", "figures/keep", "figures/keep/precious.txt", "figures/my-own-figure.png",
                "figures/overview.png"), tree(out));
        assertEquals("old", Files.readString(out.resolve("figures/overview.png")));
        // The same check, before any work: claim() with the folder to be replaced.
        InputException early = assertThrows(InputException.class, () -> OutputFolder.claim(out, "--out", l -> { }, "figures"));
        assertTrue(early.getMessage().contains("was not written by attnscope"), early.getMessage());
        OutputFolder.releaseClaims();
        assertFalse(Files.exists(out.resolve(OutputFolder.LOCK)), "a refused claim leaves no lock behind");
    }

    @Test
    void withoutAManifestOnlyTheNamesThisRunWritesCountAsAttnscopes() throws IOException {
        Path figures = Files.createDirectories(tmp.resolve("out/figures"));
        Files.writeString(figures.resolve("overview.png"), "from an earlier version");
        try (OutputFolder folder = OutputFolder.open(figures.getParent(), FileSink.ATOMIC)) {
            folder.write("figures/overview.png", text("new"));
            folder.commitReplacing("figures");
        }
        assertEquals("new", Files.readString(figures.resolve("overview.png")));
        Files.delete(figures.getParent().resolve(OutputFolder.MANIFEST));
        Files.writeString(figures.resolve("old.png"), "not a name this run writes");
        try (OutputFolder folder = OutputFolder.open(figures.getParent(), FileSink.ATOMIC)) {
            folder.write("figures/overview.png", text("newer"));
            InputException e = assertThrows(InputException.class, () -> folder.commitReplacing("figures"));
            assertTrue(e.getMessage().startsWith(figures.resolve("old.png") + " was not written by attnscope"), e.getMessage());
        }
        assertEquals(List.of("", "old.png", "overview.png"), tree(figures));
    }

    @Test
    void aStagingFolderWhoseProcessIdWasReusedIsStillRemoved() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        // Process 1 is always running (init): the run that left this was killed and its id reused.
        Files.createDirectories(out.resolve(OutputFolder.STAGING_PREFIX + "1-1"));
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.commit();
        }
        assertEquals(List.of(""), tree(out));
    }

    @Test
    void aFolderLeftAsideByAKilledSwapGoesBackWhereNoNewOneArrived() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        // As kill -9 leaves it between the two renames of a swap: the old figures aside, no new ones in place.
        Path aside = Files.createDirectories(out.resolve(OutputFolder.OLD_PREFIX + "999999999-3-figures"));
        Files.writeString(aside.resolve("overview.png"), "old");
        Path asideTensors = Files.createDirectories(out.resolve(OutputFolder.OLD_PREFIX + "999999999-4-tensors"));
        Files.writeString(asideTensors.resolve("a.npy"), "old");
        Files.createDirectories(out.resolve("tensors"));
        Files.writeString(out.resolve("tensors/a.npy"), "new");
        try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
            folder.commit();
        }
        assertEquals(List.of("", "figures", "figures/overview.png", "tensors", "tensors/a.npy"), tree(out));
        assertEquals("new", Files.readString(out.resolve("tensors/a.npy")), "where the new folder had arrived, the old one goes");
    }

    @Test
    void aSecondRunIntoTheSameFolderIsRefusedWhileTheFirstHoldsIt() throws Exception {
        Path out = tmp.resolve("out");
        try (OutputFolder first = OutputFolder.open(out, FileSink.ATOMIC)) {
            first.write("summary.json", text("first"));
            var second = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                var attempt = second.submit(() -> OutputFolder.open(out, FileSink.ATOMIC));
                Throwable refused = assertThrows(java.util.concurrent.ExecutionException.class, attempt::get).getCause();
                assertTrue(refused instanceof InputException, String.valueOf(refused));
                assertTrue(refused.getMessage().contains("is in use by another attnscope run (process "
                        + ProcessHandle.current().pid()), refused.getMessage());
            } finally {
                second.shutdown();
            }
            first.commit();
        }
        assertEquals("first", Files.readString(out.resolve("summary.json")));
        assertFalse(Files.exists(out.resolve(OutputFolder.LOCK)), "the lock goes with the run");
    }

    @Test
    void aCommandsClaimIsJoinedByTheThreadThatWritesItsResults() throws Exception {
        Path out = tmp.resolve("out");
        OutputFolder.claim(out, "--out", l -> { });
        var worker = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            worker.submit(() -> {
                try (OutputFolder folder = OutputFolder.open(out, FileSink.ATOMIC)) {
                    folder.write("summary.json", text("{}"));
                    folder.commit();
                }
                return null;
            }).get();
        } finally {
            worker.shutdown();
        }
        assertTrue(Files.exists(out.resolve(OutputFolder.LOCK)), "still the command's until it ends");
        OutputFolder.releaseClaims();
        assertEquals(List.of(OutputFolder.MANIFEST, "summary.json"), attnscope.testing.Subprocess.names(out), "the lock went at the end");
    }

    @Test
    void aFigureFolderThatIsASymbolicLinkIsRefusedNotFollowed() throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("precious.txt"), "mine");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.createSymbolicLink(out.resolve("figures"), elsewhere);
        InputException e = assertThrows(InputException.class, () -> OutputFolder.claim(out, "--out", l -> { }, "figures"));
        assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
        OutputFolder.releaseClaims();
        assertEquals(List.of("", "precious.txt"), tree(elsewhere));
    }

    @Test
    void aLinkOrAFolderPlantedAsTheLockFileIsRefusedNotFollowed() throws IOException {
        Path victim = Files.writeString(tmp.resolve("victim"), "keep");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.createSymbolicLink(out.resolve(OutputFolder.LOCK), victim);
        InputException link = assertThrows(InputException.class, () -> OutputFolder.open(out, FileSink.ATOMIC));
        assertEquals(out.toRealPath().resolve(OutputFolder.LOCK) + " is a symbolic link where attnscope keeps the lock of " + out
                + ": remove it, or choose another folder", link.getMessage());
        assertEquals("keep", Files.readString(victim));
        Path other = Files.createDirectories(tmp.resolve("other/" + OutputFolder.LOCK)).getParent();
        assertTrue(assertThrows(InputException.class, () -> OutputFolder.open(other, FileSink.ATOMIC)).getMessage()
                .contains("is a folder where attnscope keeps the lock"));
    }

    @Test
    void aDiskTooFullForTheLockLeavesNothingBehind() throws Exception {
        // A 64 kB tmpfs, filled up: needs root (mount), skipped elsewhere.
        Path small = Files.createDirectories(tmp.resolve("small"));
        boolean mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString())
                .redirectErrorStream(true).start().waitFor() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(mounted, "no tmpfs mount here");
        try {
            try (var out = Files.newOutputStream(small.resolve("filler"))) {
                byte[] block = new byte[4096];
                for (int i = 0; i < 64; i++) {
                    out.write(block);
                }
            } catch (IOException full) {
                // full now
            }
            InputException e = assertThrows(InputException.class, () -> OutputFolder.claim(small.resolve("out"), "--out", l -> { }));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            OutputFolder.releaseClaims();
            assertEquals(List.of("", "filler"), tree(small), "neither the lock file nor the folder created for it stays");
        } finally {
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }

    @Test
    void aReadOnlyDiskIsSaidToBeReadOnly() throws Exception {
        Path ro = Files.createDirectories(tmp.resolve("ro"));
        boolean mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", ro.toString())
                .redirectErrorStream(true).start().waitFor() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(mounted, "no tmpfs mount here");
        try {
            InputException e = assertThrows(InputException.class, () -> OutputFolder.requireWritable(ro.resolve("out"), "--out"));
            assertEquals("--out " + ro.resolve("out") + ": " + ro + " is not writable (it is on a read-only file system): choose "
                    + "a folder you can write to", e.getMessage());
        } finally {
            new ProcessBuilder("umount", ro.toString()).start().waitFor();
        }
    }

    @Test
    void aDanglingSymbolicLinkAsTheFolderIsNamedAtOnce() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("out"), tmp.resolve("gone"));
        InputException e = assertThrows(InputException.class, () -> OutputFolder.requireWritable(link, "--out"));
        assertEquals("--out " + link + " is a symbolic link to " + tmp.resolve("gone")
                + ", which does not exist: create that folder or give another --out", e.getMessage());
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
