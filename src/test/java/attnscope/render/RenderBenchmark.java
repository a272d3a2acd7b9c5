package attnscope.render;

import attnscope.inspect.InspectionResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Times a lesson's figures on Qwen2.5-0.5B's geometry (24 layers × 14 heads, 2 KV heads) at
 * T = 50 tokens on synthetic patterns: 336 head heatmaps + 24 grids + 1 overview. Prints the
 * times; asserts nothing (timings depend on the machine).
 *
 * <p>Run: {@code mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt &&
 * java -Djava.awt.headless=true -cp target/classes:target/test-classes:$(cat target/cp.txt)
 * attnscope.render.RenderBenchmark [tokens=50] [runs=3] [threads=cores] [size=1600]}
 */
public final class RenderBenchmark {
    private RenderBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int t = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 1600;
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.qwenShapedSynthetic(), RenderFixtures.tokens(t),
                true, 7);
        FigureOptions options = FigureOptions.defaults().withThreads(threads).withSize(size);
        Path dir = Files.createTempDirectory("attnscope-bench");
        for (int run = 0; run <= runs; run++) {
            long start = System.nanoTime();
            List<Path> files = LessonFigures.writeAll(r, dir, options);
            double s = (System.nanoTime() - start) / 1e9;
            long bytes = 0;
            for (Path p : files) {
                bytes += Files.size(p);
            }
            System.out.printf("%s T=%d size=%d threads=%d: %d figures in %.2f s (%.1f ms/figure), %.1f MB%n",
                    run == 0 ? "warm-up" : "run " + run, t, size, threads, files.size(), s, 1000 * s / files.size(),
                    bytes / 1e6);
        }
    }
}
