package attnscope.render;

import attnscope.inspect.InspectionResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Measures what issue 18 sets targets for: the size and drawing time of every figure of a model
 * with Qwen2.5-0.5B's geometry (24 layers × 14 heads, 2 KV heads, synthetic patterns from the
 * reference attention) at T tokens, PNG only and PNG + SVG + PDF. Prints one line per format set
 * (figures, MB, median seconds over the runs, the largest head heatmap) and the ratio of the times.
 * Targets (issue 18, T = 13): PNG set ≤ 25 MB; all three formats ≤ 60 MB and ≤ 3× the PNG time.
 *
 * <p>Run with {@code scripts/measure-figures.sh [tokens=13] [runs=3] [threads=cores] [pngLevel=default]
 * [png|png,all]}.
 */
public final class MeasureFigures {
    private MeasureFigures() {
    }

    public static void main(String[] args) throws IOException {
        int t = args.length > 0 ? Integer.parseInt(args[0]) : 13;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        int pngLevel = args.length > 3 ? Integer.parseInt(args[3]) : FigureOptions.DEFAULT_PNG_LEVEL;
        String which = args.length > 4 ? args[4] : "png,all";
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.qwenShapedSynthetic(), RenderFixtures.tokens(t),
                true, 7);
        System.out.printf(Locale.ROOT, "PNG level %d (0: RGB FlatPng, 1–9: palette PNG)%n", pngLevel);
        double png = measure(r, EnumSet.of(FigureFormat.PNG), runs, threads, t, pngLevel);
        if (which.contains("all")) {
            double all = measure(r, EnumSet.allOf(FigureFormat.class), runs, threads, t, pngLevel);
            System.out.printf(Locale.ROOT, "png,svg,pdf takes %.2f× the PNG time%n", all / png);
        }
    }

    /** Writes every figure {@code runs} times after a warm-up; prints sizes; returns the median seconds. */
    private static double measure(InspectionResult r, Set<FigureFormat> formats, int runs, int threads, int t, int pngLevel)
            throws IOException {
        FigureOptions options = FigureOptions.defaults().withThreads(threads).withFormats(formats).withPngCompression(pngLevel)
                .forModel(r.config());
        List<Double> seconds = new ArrayList<>();
        List<Path> files = List.of();
        Path dir = Files.createTempDirectory("attnscope-measure");
        for (int run = 0; run <= runs; run++) {
            long start = System.nanoTime();
            files = LessonFigures.writeAll(r, dir, options);
            if (run > 0) {
                seconds.add((System.nanoTime() - start) / 1e9);
            }
        }
        Collections.sort(seconds);
        double median = seconds.get(seconds.size() / 2);
        long bytes = 0;
        long[] perFormat = new long[FigureFormat.values().length];
        long largestHead = 0;
        for (Path p : files) {
            long size = Files.size(p);
            bytes += size;
            String name = p.getFileName().toString();
            for (FigureFormat f : FigureFormat.values()) {
                if (name.endsWith("." + f.extension())) {
                    perFormat[f.ordinal()] += size;
                }
            }
            if (name.startsWith("layer") && name.contains("_head") && name.endsWith(".png")) {
                largestHead = Math.max(largestHead, size);
            }
        }
        for (Path p : files) {
            Files.delete(p);
        }
        Files.delete(dir);
        StringBuilder split = new StringBuilder();
        for (FigureFormat f : formats) {
            split.append(String.format(Locale.ROOT, " %s %.1f MB", f.extension(), perFormat[f.ordinal()] / 1e6));
        }
        System.out.printf(Locale.ROOT, "T=%d %-11s %4d files %6.1f MB (%s), median %.2f s over %d runs on %d threads; "
                + "largest head PNG %d KB%n", t, formats.toString().toLowerCase(Locale.ROOT).replace(" ", ""), files.size(),
                bytes / 1e6, split.toString().strip(), median, runs, threads, largestHead / 1000);
        return median;
    }
}
