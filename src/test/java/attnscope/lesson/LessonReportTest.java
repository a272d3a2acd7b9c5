package attnscope.lesson;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LessonReportTest {
    @Test
    void aTokenStartingWithTheSpaceMarkStartsANewWord() {
        assertArrayEquals(new int[] {0, 1, 2, 2, 3}, LessonReport.wordOfToken(List.of("the", "Ġcat", "Ġch", "ases", "Ġthe")));
        assertArrayEquals(new int[] {0, 0, 1}, LessonReport.wordOfToken(List.of("The", "'s", "Ġend")));
        assertArrayEquals(new int[] {0}, LessonReport.wordOfToken(List.of("Ġonly")));
    }

    /** Issue 17: a 4-head synthetic model was called "a synthetic model with Qwen2.5-0.5B's geometry". */
    @Test
    void aSyntheticModelIsNamedByItsOwnGeometry() {
        attnscope.model.ModelConfig tiny = new attnscope.model.ModelConfig("qwen2", 64, 2, 4, 2, 16, 128, 512, 1e4, 1e-6, 512, true, true);
        org.junit.jupiter.api.Assertions.assertEquals(
                "a synthetic model (random weights; 2 layers, 4 query heads, 2 key/value heads, d = 16)",
                LessonReport.modelName(tiny, "tiny"));
        attnscope.model.ModelConfig q = attnscope.model.ModelConfig.qwen25_05b();
        attnscope.model.ModelConfig standIn = new attnscope.model.ModelConfig("qwen2", q.hidden(), q.layers(), q.heads(), q.kvHeads(),
                q.headDim(), 256, 1024, q.ropeTheta(), q.normEps(), q.maxPositions(), true, true);
        org.junit.jupiter.api.Assertions.assertEquals("a synthetic model with Qwen2.5-0.5B's geometry (random weights)",
                LessonReport.modelName(standIn, "synthetic-qwen2.5-0.5b-geometry"));
        org.junit.jupiter.api.Assertions.assertEquals("qwen2.5-0.5b-instruct", LessonReport.modelName(q, "qwen2.5-0.5b-instruct"));
    }
}
