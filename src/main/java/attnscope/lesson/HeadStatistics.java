package attnscope.lesson;

import attnscope.capture.Site;
import attnscope.inspect.InspectionResult;
import attnscope.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Measured statistics of one head's pattern (T, T), used to choose the heads worth discussing.
 * Averages run over query rows 1..T−1: row 0 can only look at itself in a causal model, so it
 * would pull every statistic towards a trivial value.
 *
 * @param entropyBits   mean row entropy −Σ w·log₂w: 0 = all weight on one key, log₂(i+1) = uniform
 * @param previousToken mean weight on the key just before the query, w[i][i−1]
 * @param firstToken    mean weight on the first key, w[i][0] (an "attention sink" puts most here)
 * @param selfWeight    mean weight on the query's own position, w[i][i]
 */
public record HeadStatistics(int layer, int head, double entropyBits, double previousToken, double firstToken, double selfWeight) {

    /** Statistics of every captured head, layer by layer. */
    public static List<HeadStatistics> of(InspectionResult result) {
        List<HeadStatistics> all = new ArrayList<>();
        for (int layer : result.layers()) {
            Tensor pattern = result.model().get(layer, Site.PATTERN); // (H, T, T)
            int heads = pattern.dim(0);
            for (int h = 0; h < heads; h++) {
                all.add(of(layer, h, pattern.data(), h, pattern.dim(1)));
            }
        }
        return all;
    }

    /** Statistics of head {@code h} of a (H, T, T) row-major pattern. */
    static HeadStatistics of(int layer, int head, float[] pattern, int h, int t) {
        if (t < 2) {
            throw new IllegalArgumentException("Head statistics need at least 2 tokens but found " + t);
        }
        double entropy = 0;
        double previous = 0;
        double first = 0;
        double self = 0;
        int base = h * t * t;
        for (int i = 1; i < t; i++) {
            int row = base + i * t;
            double e = 0;
            for (int j = 0; j < t; j++) {
                double w = pattern[row + j];
                if (w > 0) {
                    e -= w * Math.log(w);
                }
            }
            entropy += e / Math.log(2);
            previous += pattern[row + i - 1];
            first += pattern[row];
            self += pattern[row + i];
        }
        int rows = t - 1;
        return new HeadStatistics(layer, head, entropy / rows, previous / rows, first / rows, self / rows);
    }

    /** A head chosen for discussion, and why. */
    public record Pick(HeadStatistics head, String why) {
    }

    /**
     * A head is called a previous-token head only when at least this share of each query's weight
     * (on average) goes to the token just before it, and an attention sink only when at least this
     * share goes to the first token. Below it a head mixes several behaviours and gets no role name.
     */
    public static final double ROLE_THRESHOLD = 0.5;

    /** The words a synthetic model's heads get instead of a role. */
    public static final String NO_ROLES = "random weights: no learned roles";

    /** As {@link #pick(List, boolean)} for a trained model. */
    public static List<Pick> pick(List<HeadStatistics> stats) {
        return pick(stats, false);
    }

    /**
     * Up to four distinct heads that show a behaviour worth a slide. A role is named only at or above
     * {@link #ROLE_THRESHOLD}: the strongest previous-token head, the strongest first-token "sink";
     * then the sharpest (lowest entropy) and the broadest (highest entropy) heads, which are
     * measurements, not roles. A synthetic model's heads get no role at all ({@link #NO_ROLES}): their
     * weights are random, so a high share on the previous token is chance. The reasons quote the
     * measured numbers.
     */
    public static List<Pick> pick(List<HeadStatistics> stats, boolean synthetic) {
        List<Pick> picks = new ArrayList<>();
        if (!synthetic) {
            choose(picks, stats.stream().filter(s -> s.previousToken() >= ROLE_THRESHOLD).toList(),
                    Comparator.comparingDouble(HeadStatistics::previousToken).reversed(),
                    s -> String.format(java.util.Locale.ROOT, "previous-token head: on average %.0f %% of each query's weight goes to the token just before it",
                            100 * s.previousToken()));
            choose(picks, stats.stream().filter(s -> s.firstToken() >= ROLE_THRESHOLD).toList(),
                    Comparator.comparingDouble(HeadStatistics::firstToken).reversed(),
                    s -> String.format(java.util.Locale.ROOT, "attention sink: on average %.0f %% of each query's weight goes to the first token",
                            100 * s.firstToken()));
        }
        String suffix = synthetic ? " (" + NO_ROLES + ")" : "";
        choose(picks, stats, Comparator.comparingDouble(HeadStatistics::entropyBits),
                s -> String.format(java.util.Locale.ROOT, "sharpest head: mean row entropy %.2f bits (0 bits = all weight on one key)",
                        s.entropyBits()) + suffix);
        choose(picks, stats, Comparator.comparingDouble(HeadStatistics::entropyBits).reversed(),
                s -> String.format(java.util.Locale.ROOT, "broadest head: mean row entropy %.2f bits (weight spread over many keys)",
                        s.entropyBits()) + suffix);
        return picks;
    }

    private static void choose(List<Pick> picks, List<HeadStatistics> stats, Comparator<HeadStatistics> best,
            java.util.function.Function<HeadStatistics, String> why) {
        stats.stream().sorted(best.thenComparingInt(HeadStatistics::layer).thenComparingInt(HeadStatistics::head))
                .filter(s -> picks.stream().noneMatch(p -> p.head().layer() == s.layer() && p.head().head() == s.head()))
                .findFirst()
                .ifPresent(s -> picks.add(new Pick(s, why.apply(s))));
    }
}
