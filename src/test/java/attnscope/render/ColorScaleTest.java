package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ColorScaleTest {
    @Test
    void linearIsTheWeightClampedToZeroOne() {
        assertEquals(0.0, ColorScale.LINEAR.position(0f, 1f));
        assertEquals(0.25, ColorScale.LINEAR.position(0.25f, 1f));
        assertEquals(1.0, ColorScale.LINEAR.position(1f, 0.5f));
        assertEquals(1.0, ColorScale.LINEAR.position(1.5f, 1f));
        assertEquals(0.0, ColorScale.LINEAR.position(-0.1f, 1f));
    }

    @Test
    void logGivesEachDecadeAQuarter() {
        assertEquals(0.0, ColorScale.LOG.position(0f, 1f));
        assertEquals(0.0, ColorScale.LOG.position(1e-6f, 1f));
        assertEquals(0.0, ColorScale.LOG.position(1e-4f, 1f), 1e-6);
        assertEquals(0.5, ColorScale.LOG.position(0.01f, 1f), 1e-6);
        assertEquals(0.75, ColorScale.LOG.position(0.1f, 1f), 1e-6);
        assertEquals(1.0, ColorScale.LOG.position(1f, 1f), 1e-9);
    }

    @Test
    void rowStretchesEachRowToItsMaximum() {
        assertEquals(1.0, ColorScale.ROW.position(0.2f, 0.2f), 1e-9);
        assertEquals(0.5, ColorScale.ROW.position(0.1f, 0.2f), 1e-6);
        assertEquals(0.0, ColorScale.ROW.position(0f, 0f));
    }

    @Test
    void parsesNamesAndRejectsOthers() {
        assertEquals(ColorScale.LOG, ColorScale.parse(" Log "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ColorScale.parse("sqrt"));
        assertEquals("Expected a colour scale linear, log or row but found \"sqrt\"", e.getMessage());
    }

    @Test
    void formatsParseAsAListAndRejectUnknownOnes() {
        assertEquals(java.util.EnumSet.of(FigureFormat.PNG, FigureFormat.PDF), FigureFormat.parseList("pdf, PNG"));
        assertThrows(IllegalArgumentException.class, () -> FigureFormat.parseList("png,jpg"));
        assertThrows(IllegalArgumentException.class, () -> FigureFormat.parseList(" , "));
    }
}
