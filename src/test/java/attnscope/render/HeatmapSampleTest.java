package attnscope.render;

import attnscope.inspect.InspectionResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeatmapSampleTest {
    @Test
    void sample() {
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(24, 14, 2, true), RenderFixtures.ANIMAL_TOKENS, true, 1);
        FigureOptions o = FigureOptions.defaults();
        LessonFigures.writeAll(r, Path.of("target/samples"), o);
        RowView.write(r, 3, 8, List.of(0, 1, 2), Path.of("target/samples"), o);
        InspectionResult r50 = RenderFixtures.inspection(RenderFixtures.config(2, 12, 12, false), RenderFixtures.tokens(50), false, 1);
        LessonFigures.writeAll(r50, Path.of("target/samples50"), o);
    }
}
