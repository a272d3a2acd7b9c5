package attnscope.render;

import attnscope.capture.Site;
import attnscope.inspect.InspectionResult;
import attnscope.output.FileSink;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The figures of a lesson, with the names of CONTRACT.md: a heatmap per head
 * ({@code layer{LL}_head{HH}}), a grid per layer ({@code layer{LL}_grid}) and the overview of all
 * layers × heads ({@code overview}), each in every format of the options. Figures are drawn in
 * parallel, one figure per task; the files do not depend on the number of threads.
 *
 * <p>File names hold only layer and head numbers, never token text.
 */
public final class LessonFigures {
    /** Base name of the overview figure. */
    public static final String OVERVIEW = "overview";

    private LessonFigures() {
    }

    /** "layer03_head05": two digits, more when there are more than 100 layers or heads. */
    public static String headName(int layer, int head) {
        return String.format("layer%02d_head%02d", layer, head);
    }

    /** "layer03_grid". */
    public static String gridName(int layer) {
        return String.format("layer%02d_grid", layer);
    }

    /**
     * Writes every head heatmap, every layer grid and the overview of an inspection into
     * {@code figuresDir}; a synthetic model's figures carry the synthetic banner.
     *
     * @return the files written: per layer its heads then its grid, then the overview
     */
    public static List<Path> writeAll(InspectionResult result, Path figuresDir, FigureOptions options) {
        return writeAll(result, figuresDir, options, FileSink.ATOMIC);
    }

    /** As {@link #writeAll(InspectionResult, Path, FigureOptions)}, every file going through {@code sink}. */
    public static List<Path> writeAll(InspectionResult result, Path figuresDir, FigureOptions options, FileSink sink) {
        return writeAll(result, figuresDir, options, sink, (layer, head) -> true);
    }

    /**
     * As {@link #writeAll(InspectionResult, Path, FigureOptions, FileSink)}, with a heatmap only for
     * the heads {@code drawHead} accepts (layer, head); every grid and the overview are still written.
     */
    public static List<Path> writeAll(InspectionResult result, Path figuresDir, FigureOptions options, FileSink sink,
            java.util.function.BiPredicate<Integer, Integer> drawHead) {
        FigureOptions opts = options.forModel(result.config());
        List<PatternSet> sets = patternSets(result);
        // One layout for all head heatmaps: same tokens (or window), same size, so labels are measured once.
        MatrixView sample = headView(sets.get(0), 0, opts);
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(sample.rowLabels(), sample.colLabels(), opts);

        // The head heatmaps' PNGs start from one drawing of what they share; each thread keeps its
        // own canvas (a raster of 1600² pixels) from head to head.
        HeatmapFigure first = headFigure(sets.get(0), 0, layout, opts);
        HeatmapFigure.Template template = opts.formats().contains(FigureFormat.PNG) && HeatmapFigure.Template.possible(first)
                ? HeatmapFigure.Template.of(first) : null;
        ThreadLocal<java.awt.image.BufferedImage> canvas = template == null ? null : ThreadLocal.withInitial(template::canvas);

        // The layer grids likewise start from one drawing of what they share.
        LayerGridFigure.Template gridTemplate = opts.formats().contains(FigureFormat.PNG)
                ? LayerGridFigure.Template.of(new LayerGridFigure(sets.get(0), opts)) : null;

        List<Callable<List<Path>>> tasks = new ArrayList<>();
        for (PatternSet set : sets) {
            for (int h = 0; h < set.heads(); h++) {
                int head = h;
                if (!drawHead.test(set.layer(), head)) {
                    continue;
                }
                tasks.add(() -> {
                    HeatmapFigure figure = headFigure(set, head, layout, opts);
                    if (template == null || !template.fits(figure)) {
                        return FigureWriter.write(figure, figuresDir, headName(set.layer(), head), opts, sink);
                    }
                    return FigureWriter.write(figure, () -> {
                        template.draw(figure, canvas.get());
                        return canvas.get();
                    }, figuresDir, headName(set.layer(), head), opts, sink);
                });
            }
            tasks.add(() -> {
                LayerGridFigure grid = new LayerGridFigure(set, opts);
                if (gridTemplate == null || !gridTemplate.fits(grid)) {
                    return FigureWriter.write(grid, figuresDir, gridName(set.layer()), opts, sink);
                }
                return FigureWriter.write(grid, () -> gridTemplate.draw(grid), figuresDir, gridName(set.layer()), opts, sink);
            });
        }
        tasks.add(() -> FigureWriter.write(new OverviewFigure(sets, opts), figuresDir, OVERVIEW, opts, sink));
        // The overview is the largest figure by far (all heads of all layers): started first, it is
        // not left for one thread to draw while the others wait.
        return runAll(tasks, opts.threads(), tasks.size() - 1);
    }

    /** The heatmap of one head, titled "layer L · head H (KV head h)". */
    static HeatmapFigure headFigure(PatternSet set, int head, HeatmapFigure.Layout layout, FigureOptions opts) {
        String title = "layer " + set.layer() + " · head " + head + " (KV head " + set.kvHeadOf(head) + ")";
        String subtitle = "pattern = softmax(Q·Kᵀ/√d + mask), T = " + set.tokens() + " tokens"
                + (set.groupSize() > 1 ? " · shares keys and values with heads " + set.kvHeadOf(head) * set.groupSize()
                + "–" + ((set.kvHeadOf(head) + 1) * set.groupSize() - 1) : "");
        Projector.Window w = opts.projector() == null ? null : opts.projector().window();
        if (w != null) {
            w = w.clip(set.tokens());
            subtitle = String.format(java.util.Locale.ROOT, "queries %d–%d, keys %d–%d of T = %d tokens", w.q0(), w.q1() - 1,
                    w.k0(), w.k1() - 1, set.tokens());
        }
        return new HeatmapFigure(headView(set, head, opts), layout, title, subtitle, HeatmapFigure.QUERY_AXIS,
                HeatmapFigure.KEY_AXIS, opts);
    }

    /** A head's pattern as drawn: whole, or cropped to the projector's window. */
    static MatrixView headView(PatternSet set, int head, FigureOptions opts) {
        MatrixView view = set.head(head);
        Projector p = opts.projector();
        return p == null || p.window() == null ? view : view.window(p.window().clip(set.tokens()));
    }

    /** The model-side pattern of every captured layer, checked against the tokens and the config. */
    static List<PatternSet> patternSets(InspectionResult result) {
        List<String> labels = TokenLabels.display(result.tokens());
        List<PatternSet> sets = new ArrayList<>();
        for (int layer : result.layers()) {
            var pattern = result.model().get(layer, Site.PATTERN);
            if (pattern.dim(0) != result.config().heads()) {
                throw new IllegalArgumentException("pattern, layer " + layer + ": expected H=" + result.config().heads()
                        + " heads as config.json says but found " + pattern.dim(0));
            }
            sets.add(new PatternSet(layer, pattern, result.config().kvHeads(), labels, result.causal()));
        }
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("The inspection captured no layers: nothing to draw");
        }
        return sets;
    }

    /**
     * Runs the tasks on {@code threads} threads, task {@code startFirst} before the others, and
     * returns their results in task order.
     */
    static List<Path> runAll(List<Callable<List<Path>>> tasks, int threads, int startFirst) {
        List<Path> out = new ArrayList<>();
        if (threads <= 1) {
            for (Callable<List<Path>> t : tasks) {
                try {
                    out.addAll(t.call());
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "attnscope-figures");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<List<Path>>> futures = new ArrayList<>(java.util.Collections.nCopies(tasks.size(), null));
            futures.set(startFirst, pool.submit(tasks.get(startFirst)));
            for (int i = 0; i < tasks.size(); i++) {
                if (i != startFirst) {
                    futures.set(i, pool.submit(tasks.get(i)));
                }
            }
            for (Future<List<Path>> f : futures) {
                out.addAll(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while drawing figures", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException u) {
                throw u;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } finally {
            // After a failure the figures still being drawn are stopped and waited for, so that none
            // of them writes a file after the caller has cleaned up (a staging folder, say).
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
