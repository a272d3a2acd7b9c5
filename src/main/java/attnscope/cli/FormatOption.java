package attnscope.cli;

import attnscope.render.Figure;
import attnscope.render.FigureFormat;
import attnscope.render.FigureOptions;
import attnscope.render.FigureWriter;
import attnscope.render.ToyCharts;
import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --format png,svg,pdf} for the commands that draw charts (toy, shapes), with the same name
 * and values as in figures and lesson: PNG as always, SVG and PDF the same chart as vectors.
 */
public final class FormatOption {
    @Option(names = "--format", paramLabel = "png,svg,pdf", defaultValue = "png",
            description = "Figure formats, comma-separated (default png); svg and pdf are vector forms with the same names.")
    String format;

    /** The formats asked for; a bad value is a usage error. */
    Set<FigureFormat> formats(CommandSpec spec) {
        try {
            return FigureFormat.parseList(format);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The drawing options of heatmaps, in these formats. */
    FigureOptions figureOptions(CommandSpec spec) {
        return FigureOptions.defaults().withFormats(formats(spec));
    }

    /**
     * Writes {@code chart} as {@code png} (the PNG exactly as before) and beside it, with the same
     * base name, in every other format asked for; returns the files.
     */
    List<Path> write(CommandSpec spec, JFreeChart chart, int width, int height, Path png) {
        Set<FigureFormat> formats = formats(spec);
        List<Path> written = new ArrayList<>();
        if (formats.contains(FigureFormat.PNG)) {
            written.add(ToyCharts.writePng(chart, width, height, png));
        }
        Set<FigureFormat> vectors = EnumSet.copyOf(formats);
        vectors.remove(FigureFormat.PNG);
        if (!vectors.isEmpty()) {
            Figure figure = new Figure() {
                @Override
                public int width() {
                    return width;
                }

                @Override
                public int height() {
                    return height;
                }

                @Override
                public void draw(java.awt.Graphics2D g) {
                    chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
                }
            };
            String name = png.getFileName().toString().replaceFirst("\\.png$", "");
            Path dir = png.getParent() != null ? png.getParent() : Path.of("");
            written.addAll(FigureWriter.write(figure, dir, name, FigureOptions.defaults().withFormats(vectors)));
        }
        return written;
    }
}
