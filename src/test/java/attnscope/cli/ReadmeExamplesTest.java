package attnscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import attnscope.testing.TestAssets;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README as a new user reads it: every command line in its examples, typed as written into a
 * shell whose PATH was set as the README says, in a fresh copy of the project (README, pom.xml,
 * scripts, sources, and a target/attnscope.jar made from this build's classes, so the launcher
 * finds it current). Commands that take minutes or need the network (fetch, bench, lesson) are
 * checked for their options with --help; the scripts for their syntax; everything else runs and
 * must exit 0. The inspect sample output in the README must be what inspect prints.
 */
class ReadmeExamplesTest {
    static final Path ROOT = TestAssets.projectRoot();

    @TempDir
    Path fresh;

    /** A README command line, with the shell's line continuations joined. */
    record Example(String line) {
        String subcommand() {
            Matcher m = Pattern.compile("^attnscope\\s+(\\S+)").matcher(line);
            return m.find() ? m.group(1) : "";
        }

        /** The line without its trailing comment (two spaces, then #). */
        String withoutComment() {
            return line.replaceFirst("\\s{2,}#\\s.*$", "").strip();
        }
    }

    /** Every command line of the README's indented code blocks that a reader would type. */
    static List<Example> examples(String readme) {
        List<Example> out = new ArrayList<>();
        StringBuilder pending = null;
        for (String raw : readme.split("\n", -1)) {
            if (pending != null) {
                String part = raw.strip();
                boolean more = part.endsWith("\\");
                pending.append(' ').append(more ? part.substring(0, part.length() - 1).strip() : part);
                if (!more) {
                    out.add(new Example(pending.toString()));
                    pending = null;
                }
                continue;
            }
            if (!raw.startsWith("    ") || raw.startsWith("     ")) {
                continue;
            }
            String line = raw.strip();
            if (!(line.startsWith("attnscope") || line.startsWith("scripts/") || line.startsWith("java ")
                    || line.startsWith("export PATH"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending = new StringBuilder(line.substring(0, line.length() - 1).strip());
            } else {
                out.add(new Example(line));
            }
        }
        return out;
    }

    @Test
    void everyReadmeCommandRunsAsWrittenOnAFreshCopy() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<Example> examples = examples(readme);
        String pathLine = examples.stream().map(Example::line).filter(l -> l.startsWith("export PATH")).findFirst()
                .orElseThrow(() -> new AssertionError("the README says how to put attnscope on PATH"));
        assertEquals("export PATH=\"$PWD/scripts:$PATH\"", pathLine);
        freshCopy();

        // Models first: later examples read the folder `synth` writes.
        List<Example> ordered = new ArrayList<>(examples.stream().filter(e -> e.subcommand().equals("synth")).toList());
        examples.stream().filter(e -> !e.subcommand().equals("synth")).forEach(ordered::add);
        List<String> failures = new ArrayList<>();
        String inspectOutput = null;
        for (Example e : ordered) {
            String command;
            if (e.line().startsWith("export PATH")) {
                continue;
            } else if (e.line().startsWith("scripts/")) {
                command = "bash -n " + e.withoutComment().split("\\s+")[0]; // lesson.sh, test.sh: minutes; syntax only
            } else if (List.of("fetch", "bench", "lesson").contains(e.subcommand())) {
                command = e.withoutComment() + " --help"; // network or minutes: the options must parse
            } else {
                command = e.line();
            }
            Shell r = shell(pathLine + "; " + command);
            if (r.exit() != 0) {
                failures.add(e.line() + "\n    exit " + r.exit() + ": " + r.err().strip());
            }
            if (e.subcommand().equals("inspect")) {
                inspectOutput = r.out();
            }
        }
        assertTrue(failures.isEmpty(), "README commands that fail on a fresh copy:\n" + String.join("\n", failures));
        assertTrue(inspectOutput != null, "the README has an inspect example");
        assertSampleMatches(sampleAfter(readme, "untouched graph's. Output of the two commands above"), inspectOutput);
    }

    @Test
    void theLauncherBuildsAMissingJarWithMavenAndFindsJava() throws Exception {
        freshCopy();
        Files.delete(fresh.resolve("target/attnscope.jar"));
        // A stand-in for Maven that "builds" by putting the jar back, and says what it was asked.
        Path bin = Files.createDirectories(fresh.resolve("stub-bin"));
        Path built = fresh.resolve("built.jar");
        writeJar(built);
        Files.writeString(bin.resolve("mvn"), "#!/usr/bin/env bash\necho \"mvn $*\" >> \"" + fresh.resolve("mvn.log")
                + "\"\ncp \"" + built + "\" target/attnscope.jar\n");
        bin.resolve("mvn").toFile().setExecutable(true);
        Shell first = shell("PATH=\"" + bin + ":$PATH\" scripts/attnscope --version");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.err().contains("building"), "the build is announced: " + first.err());
        assertTrue(first.out().startsWith("attnscope "), first.out());
        assertEquals("mvn -q -B -Dstyle.color=never -DskipTests package", Files.readString(fresh.resolve("mvn.log")).strip());
        Shell again = shell("PATH=\"" + bin + ":$PATH\" scripts/attnscope --version");
        assertEquals(0, again.exit(), again.err());
        assertEquals(1, Files.readAllLines(fresh.resolve("mvn.log")).size(), "a current jar is not built again");

        // A Java older than 17 first in line is passed over for one that can run the jar.
        Path old = Files.createDirectories(fresh.resolve("old-jdk/bin")).resolve("java");
        Files.writeString(old, "#!/usr/bin/env bash\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\nexit 1\n");
        old.toFile().setExecutable(true);
        Shell skipped = shell("ATTNSCOPE_JAVA=\"" + old + "\" JAVA_HOME=\"" + old.getParent().getParent() + "\" scripts/attnscope --version");
        assertEquals(0, skipped.exit(), skipped.err());
        assertTrue(skipped.out().contains("; Java ") && !skipped.out().contains("Java 11"), skipped.out());
    }

    @Test
    void withJava25TheLauncherRecordsAStartUpCacheOnceAndUsesIt() throws Exception {
        Path java25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(java25), "a JDK 25 where the launcher looks");
        freshCopy();
        Shell first = shell("ATTNSCOPE_AOT=1 scripts/attnscope --version");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.err().contains("recording a start-up cache"), first.err());
        assertTrue(Files.size(fresh.resolve("target/attnscope.aot")) > 1_000_000, "the cache is written");
        Shell again = shell("ATTNSCOPE_AOT=1 scripts/attnscope --version");
        assertEquals("", again.err(), "used silently, not recorded again");
        assertTrue(again.out().contains("Java 25"), again.out());
        Shell plain = shell("ATTNSCOPE_AOT=0 scripts/attnscope --version");
        assertTrue(plain.out().contains("Java 17") || !plain.out().contains("Java 25"), "switched off: " + plain.out());
    }

    /** README, pom.xml, scripts/, src/ and .mvn/ copied; target/ with a jar made from this build. */
    private void freshCopy() throws IOException {
        for (String f : List.of("README.md", "pom.xml")) {
            Files.copy(ROOT.resolve(f), fresh.resolve(f));
        }
        for (String d : List.of("scripts", "src/main", ".mvn", "docs")) {
            copyTree(ROOT.resolve(d), fresh.resolve(d));
        }
        fresh.resolve("scripts/attnscope").toFile().setExecutable(true);
        Files.createDirectories(fresh.resolve("target/lib"));
        writeJar(fresh.resolve("target/attnscope.jar"));
    }

    /** The jar Maven's package makes: this build's classes, and a manifest naming main and lib/*.jar. */
    private void writeJar(Path jar) throws IOException {
        List<String> libs = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p) && !p.getFileName().toString().startsWith("surefire")) {
                Path link = fresh.resolve("target/lib").resolve(p.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, p.toAbsolutePath());
                }
                libs.add("lib/" + p.getFileName());
            }
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, AttnscopeCommand.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", libs));
        Path classes = ROOT.resolve("target/classes");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    record Shell(int exit, String out, String err) {
    }

    private Shell shell(String script) throws Exception {
        Path out = Files.createTempFile(fresh, "out", ".txt");
        Path err = Files.createTempFile(fresh, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(fresh.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        // The Java 25 start-up cache costs a training run (tested on its own below); these tests run plain.
        pb.environment().putIfAbsent("ATTNSCOPE_AOT", "0");
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("did not finish in 5 minutes: " + script);
        }
        return new Shell(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The indented block that follows the paragraph starting with {@code marker}. */
    static List<String> sampleAfter(String readme, String marker) {
        int at = readme.indexOf(marker);
        assertTrue(at >= 0, "the README has the paragraph: " + marker);
        List<String> block = new ArrayList<>();
        boolean inBlock = false;
        for (String line : readme.substring(at).split("\n", -1)) {
            if (line.startsWith("    ")) {
                inBlock = true;
                block.add(line.substring(4));
            } else if (inBlock && line.isBlank()) {
                continue; // a blank line inside an indented block (Markdown keeps the block going)
            } else if (inBlock) {
                break;
            }
        }
        return block;
    }

    /**
     * The README's sample lines appear in the output in the same order; "…" stands for lines left
     * out. Rounding-level numbers (1.43e-06) may differ between machines and are compared by form.
     */
    static void assertSampleMatches(List<String> sample, String output) {
        assertFalse(sample.isEmpty());
        List<String> actual = output.lines().map(ReadmeExamplesTest::normalise).toList();
        int from = 0;
        for (String s : sample) {
            if (s.strip().equals("…")) {
                continue;
            }
            int found = actual.subList(from, actual.size()).indexOf(normalise(s));
            assertTrue(found >= 0, "README sample line not in inspect's output (in order):\n  " + s + "\noutput:\n" + output);
            from += found + 1;
        }
    }

    private static String normalise(String line) {
        return line.stripTrailing().replaceAll("\\d\\.\\d\\de-\\d\\d", "N.NNe-NN");
    }
}
