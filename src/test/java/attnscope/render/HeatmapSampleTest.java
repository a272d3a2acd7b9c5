package attnscope.render;

import attnscope.capture.Site;
import attnscope.inspect.InspectionResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HeatmapSampleTest {
    @Test
    void sample() {
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(1, 14, 2, true), RenderFixtures.ANIMAL_TOKENS, true, 1);
        var labels = TokenLabels.display(r.tokens());
        for (int h = 0; h < 2; h++) {
            MatrixView v = MatrixView.ofHead(r.model().get(0, Site.PATTERN), h, labels, true);
            FigureOptions o = FigureOptions.defaults().forModel(r.config());
            FigureWriter.write(HeatmapFigure.pattern(v, "layer 0 · head " + h + " (KV head 0)", "pattern", o), Path.of("target/samples"), "h" + h, o);
        }
    }
}
