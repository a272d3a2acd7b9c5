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
}
