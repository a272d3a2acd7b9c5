package attnscope.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The targets are verdicts on the measured numbers: a miss is printed as a miss, a missing step as n/a. */
class BenchTableTest {
    private static final long MODEL = 2_000_000_000L;

    private static BenchReport report(BenchReport.Seconds s, long peak, long lessonPeak) {
        BenchReport.Result r = new BenchReport.Result(50, s, 361, peak, lessonPeak, Optional.empty(), true, true);
        return new BenchReport(2, 2, MODEL, 5, List.of(r), new BenchReport.SessionTimes(0.3, 0.2), 842, 24, 14);
    }

    @Test
    void everyTargetMetWhenTheNumbersAreWithinTheirLimits() {
        // session 0.5 + hooked 0.5 = 1.0: figures ≤ 1.0, lesson ≤ 2.0; reference ≤ 0.05; hooked ≤ 1.1 × plain.
        BenchReport rep = report(new BenchReport.Seconds(0.5, 0.46, 0.5, 0.05, 1.0, 2.0), MODEL + 1_500_000_000L, MODEL);
        List<BenchTable.Target> targets = BenchTable.targets(rep, rep.results().get(0));
        assertEquals(6, targets.size());
        targets.forEach(t -> assertEquals(Boolean.TRUE, t.met(), t.description()));
        assertFalse(BenchTable.text(rep).contains("✗"));
    }

    @Test
    void eachTargetFailsJustAboveItsLimit() {
        BenchReport rep = report(new BenchReport.Seconds(0.5, 0.45, 0.5, 0.051, 1.001, 2.01), MODEL + 1_500_000_001L,
                MODEL + 1_600_000_000L);
        List<BenchTable.Target> targets = BenchTable.targets(rep, rep.results().get(0));
        targets.forEach(t -> assertEquals(Boolean.FALSE, t.met(), t.description() + " ratio " + t.ratio()));
        String text = BenchTable.text(rep);
        assertEquals(6, text.chars().filter(c -> c == '✗').count(), text);
        assertTrue(text.contains("1.111"), "hooked / plain = 0.5 / 0.45 is printed:\n" + text);
    }

    @Test
    void aStepThatDidNotRunIsNotAVerdict() {
        BenchReport rep = report(new BenchReport.Seconds(0.5, 0.5, 0.5, 0.01, 0.5, -1), MODEL, -1);
        List<BenchTable.Target> targets = BenchTable.targets(rep, rep.results().get(0));
        assertNull(targets.get(3).met(), "lesson n/a");
        assertNull(targets.get(5).met(), "lesson memory n/a");
        assertTrue(rep.json().contains("\"lesson\" : -1.0"), rep.json());
    }
}
