package attnscope.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    final AtomicLong clock = new AtomicLong();
    final StringWriter out = new StringWriter();

    ProgressBar bar(long total, String unit, boolean interactive) {
        return bar(total, unit, interactive ? ProgressMode.TERMINAL : ProgressMode.LOG);
    }

    ProgressBar bar(long total, String unit, ProgressMode mode) {
        return ProgressBar.withClock("model.onnx", total, unit, new PrintWriter(out, true), mode, clock::get);
    }

    @Test
    void lineShowsPercentSizeSpeedAndTimeLeft() {
        ProgressBar bar = bar(2_000_000_000L, null, true);
        clock.set(10_000_000_000L); // 10 s
        bar.advance(500_000_000L);
        // 500 MB in 10 s = 50 MB/s; 1.5 GB left → 30 s.
        assertEquals("model.onnx  25% [#####---------------] 500 MB / 2.00 GB  50.0 MB/s  0:30 left", bar.line(clock.get()));
    }

    @Test
    void skippedWorkCountsForThePercentButNotTheSpeed() {
        ProgressBar bar = bar(1_000_000L, null, false);
        bar.skip(500_000);
        clock.set(1_000_000_000L);
        bar.advance(100_000);
        String line = bar.line(clock.get());
        assertTrue(line.contains(" 60% ") && line.contains("100 kB/s") && line.contains("0:04 left"), line);
    }

    @Test
    void aShortStepIsOneLineInALog() {
        ProgressBar bar = bar(1000, null, false);
        for (int i = 0; i < 1000; i++) {
            clock.addAndGet(1_000_000); // 1 ms per step: 1 s in all, as synth's weights
        }
        for (int i = 0; i < 1000; i++) {
            bar.advance(1);
        }
        bar.close();
        List<String> lines = out.toString().lines().toList();
        assertEquals(1, lines.size(), "only the end: " + lines);
        assertTrue(lines.get(0).contains("100%"), lines.get(0));
        assertFalse(out.toString().contains("\r"), "no carriage returns in a log");
    }

    @Test
    void aLongJobInALogGetsALineEveryHalfMinute() {
        ProgressBar bar = bar(100, null, false);
        for (int i = 0; i < 100; i++) {
            clock.addAndGet(1_200_000_000L); // 1.2 s per step: 2 minutes in all
            bar.advance(1);
        }
        bar.close();
        List<String> lines = out.toString().lines().toList();
        assertEquals(4, lines.size(), "one at 30, 60 and 90 s, and the end: " + lines);
        assertFalse(out.toString().contains("\r"));
    }

    @Test
    void quietPrintsNothing() {
        ProgressBar bar = bar(100, null, ProgressMode.QUIET);
        clock.addAndGet(100_000_000_000L);
        bar.advance(50);
        bar.close();
        assertEquals("", out.toString());
    }

    @Test
    void terminalDevicesAreRecognisedByPath() {
        assertTrue(ProgressMode.isTerminalDevice("/dev/pts/3"));
        assertTrue(ProgressMode.isTerminalDevice("/dev/tty1"));
        assertFalse(ProgressMode.isTerminalDevice("/tmp/log.txt"));
        assertFalse(ProgressMode.isTerminalDevice("pipe:[12345]"));
    }

    @Test
    void terminalModeRedrawsInPlaceAtMostTenTimesASecond() {
        ProgressBar bar = bar(1000, null, true);
        for (int i = 0; i < 1000; i++) {
            clock.addAndGet(1_000_000); // 1 ms per step: 1 s in all
            bar.advance(1);
        }
        bar.close();
        long redraws = out.toString().chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 10 && redraws <= 12, "about 10 redraws in one second plus the final one, found " + redraws);
        assertTrue(out.toString().endsWith(System.lineSeparator()), "the final state ends the line");
    }

    @Test
    void itemsAreCountedWithTheirUnit() {
        ProgressBar bar = bar(361, "figures", false);
        bar.advance(361);
        assertTrue(bar.line(clock.get()).contains("361 figures / 361 figures"), bar.line(clock.get()));
    }

    @Test
    void humanSizesAndDurations() {
        assertEquals("512 B", ProgressBar.humanBytes(512));
        assertEquals("1.99 GB", ProgressBar.humanBytes(1_988_000_000L));
        assertEquals("830 MB", ProgressBar.humanBytes(830_100_000L));
        assertEquals("12.5 kB", ProgressBar.humanBytes(12_500));
        assertEquals("1:01:05", ProgressBar.duration(3665));
        assertEquals("0:07", ProgressBar.duration(7.2));
    }
}
