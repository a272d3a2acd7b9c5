package attnscope.cli;

import attnscope.bench.BenchModel;
import attnscope.bench.BenchReport;
import attnscope.bench.BenchTable;
import attnscope.bench.Benchmark;
import attnscope.synth.SynthSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code attnscope bench}: the whole job at Qwen2.5-0.5B scale, timed step by step. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measure the whole job at Qwen2.5-0.5B scale (speed and memory).",
        description = {
            "Measure the whole job at Qwen2.5-0.5B scale: a synthetic model with its full",
            "shape (24 layers, D 896, 14 query / 2 key-value heads, d 64, MLP 4864, vocab",
            "151936, float32, about 2 GB; written once and kept in --model-cache) runs a",
            "fixed passage cut to exactly T tokens. Each step is the median of --runs runs",
            "after a warm-up: session creation, untouched forward, hooked forward,",
            "reference recomputation with every check (24 x 14 heads), every figure of a",
            "lesson (336 heads, 24 grids, the overview), the lesson command as its own",
            "process, and peak memory. Prints a table with the targets and their ratios,",
            "and writes OUT/bench.json (CONTRACT.md) and OUT/bench.txt.",
            "",
            "Examples:",
            "  attnscope bench",
            "      T = 50, 5 runs",
            "  attnscope bench --tokens 50,200,1000",
            "      how each step grows with T",
            "  attnscope bench --quick",
            "      smoke test: a 2-layer model, 1 run",
            ""
        })
public final class BenchCommand implements Callable<Integer> {
    /** Where the real Qwen2 tokenizer may be, tried in order; without it synth's byte-level tokenizer is used. */
    static final List<Path> TOKENIZER_CANDIDATES = List.of(
            Path.of(".test-assets", "qwen2-tokenizer", "tokenizer.json"),
            Path.of("models", "qwen2-tokenizer", "tokenizer.json"));

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Option(names = "--tokens", paramLabel = "T[,T...]", hideParamSyntax = true, split = ",", defaultValue = "50",
            description = "Token counts to measure (default: ${DEFAULT-VALUE}); e.g. 50,200,1000.")
    int[] tokens;

    @Option(names = "--runs", paramLabel = "N",
            description = "Timed runs per step after one warm-up; each time is their median (default: 5, 1 with --quick).")
    Integer runs;

    @Option(names = "--quick", description = "Smoke test: Qwen2.5's attention geometry with 2 layers and a 1024-token vocabulary, "
            + "1 run.")
    boolean quick;

    @Option(names = "--model-cache", paramLabel = "DIR",
            description = "Where the benchmark model is kept and reused while its spec is unchanged "
                    + "(default: target/bench-model, target/bench-model-quick with --quick).")
    Path modelCache;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "tokenizer.json for the full model (default: the real Qwen2 tokenizer in .test-assets/qwen2-tokenizer/ "
                    + "or models/qwen2-tokenizer/ when present, else synth's byte-level one). --quick always uses the byte-level one.")
    Path tokenizer;

    @Option(names = "--jar", paramLabel = "FILE", defaultValue = "target/attnscope.jar",
            description = "attnscope.jar that runs the lesson step as its own process (default: ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = "--no-lesson", description = "Skip the lesson step (reported as n/a, -1 in bench.json).")
    boolean noLesson;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "reports/bench",
            description = "Folder for bench.json and bench.txt (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws IOException, Exception {
        int n = runs != null ? runs : quick ? 1 : 5;
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), "--runs must be at least 1, found " + n);
        }
        int[] ts = tokens.clone();
        Arrays.sort(ts);
        if (ts.length == 0 || ts[0] < 2) {
            throw new ParameterException(spec.commandLine(), "--tokens: every T must be at least 2 (a pattern needs a past), found "
                    + Arrays.toString(tokens));
        }
        if (Arrays.stream(ts).distinct().count() != ts.length) {
            throw new ParameterException(spec.commandLine(), "--tokens: each T once, found " + Arrays.toString(tokens));
        }
        if (tokenizer != null && !Files.isRegularFile(tokenizer)) {
            throw new ParameterException(spec.commandLine(), "--tokenizer: no such file: " + tokenizer);
        }
        PrintWriter err = spec.commandLine().getErr();
        java.util.function.Consumer<String> progress = line -> {
            err.println(line);
            err.flush();
        };

        SynthSpec model = quick ? BenchModel.quick() : BenchModel.full();
        Path tok = quick ? null : tokenizer != null ? tokenizer
                : TOKENIZER_CANDIDATES.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        if (!quick && tok == null) {
            progress.accept("bench: no Qwen2 tokenizer found (" + TOKENIZER_CANDIDATES + "): using synth's byte-level tokenizer");
        }
        Path dir = modelCache != null ? modelCache : Path.of("target", quick ? "bench-model-quick" : "bench-model");
        dir = BenchModel.ensure(model, dir.toAbsolutePath(), tok, progress);

        // Figures and lesson outputs are written beside the report, as a lesson writes into the
        // project, not into the system's temporary folder (which can be much slower to create files
        // in: on the 2-core benchmark machine 1 ms per file in /tmp, 0.03 ms in the project).
        Files.createDirectories(out);
        Path scratch = Files.createTempDirectory(out.toAbsolutePath(), ".scratch-");
        BenchReport report;
        try {
            report = new Benchmark(new Benchmark.Settings(dir, ts, n, noLesson ? null : jar, scratch, 600), progress).run();
        } finally {
            deleteQuietly(scratch);
        }
        String table = BenchTable.text(report);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(table);
        stdout.flush();
        BenchReport.writeAtomically(out.resolve("bench.json"), report.json());
        BenchReport.writeAtomically(out.resolve("bench.txt"), table);
        progress.accept("bench: wrote " + out.resolve("bench.json") + " and " + out.resolve("bench.txt"));
        return ExitCodes.OK;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
