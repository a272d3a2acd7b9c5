package attnscope.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark as a person reads it: a table of the steps per T, the targets of issue 6 with
 * their measured ratios (a miss is printed as a miss), how each step grows with T, and where the
 * memory guard stops.
 */
public final class BenchTable {
    /** Peak memory may exceed the model file by this much (1.5 GB, decimal). */
    public static final long MEMORY_HEADROOM_BYTES = 1_500_000_000L;

    private BenchTable() {
    }

    /**
     * One target: {@code measured ≤ limit × base}.
     *
     * @param met null where a value is missing (n/a)
     */
    public record Target(String description, double measured, double base, double limit, Boolean met) {
        public double ratio() {
            return measured / base;
        }
    }

    /** The targets of issue 6 at one T (the issue sets them at T = 50). */
    public static List<Target> targets(BenchReport report, BenchReport.Result r) {
        BenchReport.Seconds s = r.seconds();
        double sessionAndHooked = s.session() + s.hookedForward();
        long memoryLimit = report.modelBytes() + MEMORY_HEADROOM_BYTES;
        List<Target> out = new ArrayList<>();
        out.add(target("hooked forward ≤ 1.10 × plain forward", s.hookedForward(), s.plainForward(), 1.10));
        out.add(target("reference and all checks ≤ 0.10 × hooked forward", s.reference(), s.hookedForward(), 0.10));
        out.add(target("all figures ≤ 1.0 × (session creation + hooked forward)", s.figures(), sessionAndHooked, 1.0));
        out.add(target("whole lesson ≤ 2.0 × (session creation + hooked forward)", s.lesson(), sessionAndHooked, 2.0));
        out.add(target("peak RSS of the bench process ≤ model file + 1.5 GB", r.peakRssBytes(), memoryLimit, 1.0));
        out.add(target("peak RSS of the lesson process ≤ model file + 1.5 GB", r.lessonPeakRssBytes(), memoryLimit, 1.0));
        return out;
    }

    private static Target target(String description, double measured, double base, double limit) {
        boolean missing = measured < 0 || base <= 0;
        return new Target(description, measured, base, limit, missing ? null : measured <= limit * base);
    }

    public static String text(BenchReport report) {
        StringBuilder b = new StringBuilder();
        List<BenchReport.Result> rs = report.results();
        b.append(String.format(Locale.ROOT, "attnscope bench: %d layers × %d heads, model %.2f GB, %d cores, "
                + "ONNX Runtime intra-op threads %d, median of %d run(s) after a warm-up%n%n",
                report.layers(), report.heads(), report.modelBytes() / 1e9, report.cores(), report.ortThreads(), report.runs()));

        StringBuilder header = new StringBuilder(String.format("%-36s", "step"));
        for (BenchReport.Result r : rs) {
            header.append(String.format("%12s", "T = " + r.tokens()));
        }
        b.append(header).append('\n');
        row(b, "session creation (s)", rs, r -> r.seconds().session());
        row(b, "  hooked graph (s)", rs, r -> report.session().hooked());
        row(b, "  untouched graph (s)", rs, r -> report.session().plain());
        row(b, "plain forward (s)", rs, r -> r.seconds().plainForward());
        row(b, "hooked forward (s)", rs, r -> r.seconds().hookedForward());
        row(b, "reference + all checks (s)", rs, r -> r.seconds().reference());
        row(b, "figures (s)", rs, r -> r.seconds().figures());
        intRow(b, "  figure count", rs, r -> r.figureCount());
        row(b, "lesson command (s)", rs, r -> r.seconds().lesson());
        gbRow(b, "peak RSS, bench process (GB)", rs, r -> r.peakRssBytes());
        gbRow(b, "peak RSS, lesson process (GB)", rs, r -> r.lessonPeakRssBytes());
        textRow(b, "all checks passed", rs, r -> r.checksPassed() ? "yes" : "NO");
        textRow(b, "memory guard admits T (24 layers)".replace("24", Integer.toString(report.layers())), rs,
                r -> r.withinGuard() ? "yes" : "no");
        for (BenchReport.Result r : rs) {
            r.lessonNote().ifPresent(n -> b.append(String.format("lesson at T = %d: %s%n", r.tokens(), n)));
        }

        BenchReport.Result base = rs.stream().filter(r -> r.tokens() == 50).findFirst().orElse(rs.get(0));
        b.append(String.format(Locale.ROOT, "%nTargets (T = %d; ratio = measured / base, must be ≤ the limit):%n", base.tokens()));
        for (Target t : targets(report, base)) {
            String verdict = t.met() == null ? "n/a" : t.met() ? "✓" : "✗";
            String ratio = t.met() == null ? "    n/a" : String.format(Locale.ROOT, "%7.3f", t.ratio());
            b.append(String.format(Locale.ROOT, "  %-62s %s (limit %.2f)  %s%n", t.description(), ratio, t.limit(), verdict));
        }

        if (rs.size() > 1) {
            b.append(String.format("%nGrowth with T (time at T / time at T = %d, and the exponent k of T^k between neighbours):%n",
                    rs.get(0).tokens()));
            growth(b, "plain forward", rs, r -> r.seconds().plainForward());
            growth(b, "hooked forward", rs, r -> r.seconds().hookedForward());
            growth(b, "reference + all checks", rs, r -> r.seconds().reference());
            growth(b, "figures", rs, r -> r.seconds().figures());
            growth(b, "lesson command", rs, r -> r.seconds().lesson());
            growth(b, "peak RSS (bench process)", rs, r -> r.peakRssBytes());
        }
        b.append(String.format(Locale.ROOT, "%nMemory guard: at its default limit (2 GiB of captured and recomputed tensors) it admits "
                + "T ≤ %d for all %d layers; longer texts need --layers or --max-memory.%n", report.guardMaxTokens(), report.layers()));
        b.append(String.format(Locale.ROOT, "Session creation does not depend on T: it is measured once and repeated in every column.%n"));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, List<BenchReport.Result> rs, ToDoubleFunction<BenchReport.Result> f) {
        b.append(String.format("%-36s", name));
        for (BenchReport.Result r : rs) {
            double v = f.applyAsDouble(r);
            b.append(v < 0 ? String.format("%12s", "n/a") : String.format(Locale.ROOT, "%12.4f", v));
        }
        b.append('\n');
    }

    private static void gbRow(StringBuilder b, String name, List<BenchReport.Result> rs, ToDoubleFunction<BenchReport.Result> f) {
        b.append(String.format("%-36s", name));
        for (BenchReport.Result r : rs) {
            double v = f.applyAsDouble(r);
            b.append(v < 0 ? String.format("%12s", "n/a") : String.format(Locale.ROOT, "%12.2f", v / 1e9));
        }
        b.append('\n');
    }

    private static void intRow(StringBuilder b, String name, List<BenchReport.Result> rs, ToDoubleFunction<BenchReport.Result> f) {
        b.append(String.format("%-36s", name));
        for (BenchReport.Result r : rs) {
            b.append(String.format(Locale.ROOT, "%12d", (long) f.applyAsDouble(r)));
        }
        b.append('\n');
    }

    private static void textRow(StringBuilder b, String name, List<BenchReport.Result> rs,
            java.util.function.Function<BenchReport.Result, String> f) {
        b.append(String.format("%-36s", name));
        for (BenchReport.Result r : rs) {
            b.append(String.format("%12s", f.apply(r)));
        }
        b.append('\n');
    }

    /** t(T)/t(T₀) for every T, and k = log(t₂/t₁)/log(T₂/T₁) between neighbouring T: 1 is linear, 2 quadratic. */
    private static void growth(StringBuilder b, String name, List<BenchReport.Result> rs, ToDoubleFunction<BenchReport.Result> f) {
        b.append(String.format("  %-28s", name));
        double first = f.applyAsDouble(rs.get(0));
        for (int i = 1; i < rs.size(); i++) {
            double prev = f.applyAsDouble(rs.get(i - 1));
            double v = f.applyAsDouble(rs.get(i));
            if (v <= 0 || prev <= 0 || first <= 0) {
                b.append(String.format("  T = %d: n/a", rs.get(i).tokens()));
                continue;
            }
            double k = Math.log(v / prev) / Math.log((double) rs.get(i).tokens() / rs.get(i - 1).tokens());
            b.append(String.format(Locale.ROOT, "  T = %d: ×%.1f (k = %.2f)", rs.get(i).tokens(), v / first, k));
        }
        b.append('\n');
    }
}
