package attnscope.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Memory of the attention scores against the number of tokens, on log–log axes: a power law
 * is a straight line there, and the scores' T² shows as slope 2 (×4 per doubling). The numbers
 * are computed by the caller ({@link attnscope.toy.AttentionShapes}); this only draws them.
 */
public final class MemoryPlot {
    private MemoryPlot() {
    }

    /**
     * @param tokens         the x values, T
     * @param bytesPerLayer  fp32 bytes of one layer's scores at each T
     * @param bytesModel     fp32 bytes of all layers' scores at each T
     */
    public static JFreeChart chart(String title, List<Integer> tokens, long[] bytesPerLayer, long[] bytesModel, int layers) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries layer = new XYSeries("scores of one layer (H × T × T × 4 bytes)");
        XYSeries model = new XYSeries("all " + layers + " layers");
        for (int i = 0; i < tokens.size(); i++) {
            layer.add(tokens.get(i).doubleValue(), bytesPerLayer[i] / (1024.0 * 1024.0));
            model.add(tokens.get(i).doubleValue(), bytesModel[i] / (1024.0 * 1024.0));
        }
        data.addSeries(layer);
        data.addSeries(model);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "T (tokens)", "memory (MiB, fp32)", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("T (tokens), log scale");
        x.setBase(2);
        x.setSmallestValue(1);
        x.setNumberFormatOverride(new java.text.DecimalFormat("#,##0", java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT)));
        LogAxis y = new LogAxis("memory of the scores (MiB, fp32), log scale");
        y.setBase(10);
        y.setSmallestValue(1e-3);
        // One tick per power of ten (the unit is in log space), printed as plain numbers.
        y.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0));
        y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###", java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT)));
        plot.setDomainAxis(x);
        plot.setRangeAxis(y);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, new Color(0x4C72B0));
        r.setSeriesPaint(1, new Color(0xC44E52));
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesStroke(1, new BasicStroke(2f));
        plot.setRenderer(r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        ToyCharts.style(chart);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle("O(T²): doubling T multiplies the memory by 4 (slope 2 on log–log axes)",
                new Font(ToyCharts.FONT, Font.PLAIN, 13)));
        return chart;
    }
}
