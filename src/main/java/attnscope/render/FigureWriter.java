package attnscope.render;

import attnscope.output.FileSink;
import com.pngencoder.PngEncoder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.pdf.PDFDocument;
import org.jfree.pdf.PDFGraphics2D;
import org.jfree.pdf.PDFHints;
import org.jfree.pdf.Page;
import org.jfree.svg.SVGGraphics2D;

/**
 * Writes a {@link Figure} as PNG, SVG or PDF through a {@link FileSink}; the default sink writes
 * every file beside its target under a temporary name and then moves it into place, so a reader
 * never sees half a figure.
 *
 * <p>The same figure gives the same bytes every time: no time stamps, no random ids (SVG's
 * definition prefix is fixed; PDF's creation date is replaced by a fixed one).
 */
public final class FigureWriter {
    /** SVG ids are prefixed with this instead of JFreeSVG's default System.nanoTime(). */
    private static final String SVG_DEFS_PREFIX = "attnscope";
    /** PDF creation and modification date: fixed so that the bytes depend on the figure only. */
    private static final String PDF_FIXED_DATE = "D:20000101000000Z00'00'";

    private FigureWriter() {
    }

    /** Writes {@code figure} as {@code dir/baseName.<ext>} in each of the options' formats; returns the paths. */
    public static List<Path> write(Figure figure, Path dir, String baseName, FigureOptions options) {
        return write(figure, () -> raster(figure), dir, baseName, options, FileSink.ATOMIC);
    }

    /** As {@link #write(Figure, Path, String, FigureOptions)}, the bytes going through {@code sink}. */
    public static List<Path> write(Figure figure, Path dir, String baseName, FigureOptions options, FileSink sink) {
        return write(figure, () -> raster(figure), dir, baseName, options, sink);
    }

    /**
     * As {@link #write(Figure, Path, String, FigureOptions, FileSink)}, the PNG made from the raster
     * that {@code raster} draws (a heatmap drawn from its {@link HeatmapFigure.Template}, the same pixels).
     */
    static List<Path> write(Figure figure, java.util.function.Supplier<BufferedImage> raster, Path dir, String baseName,
            FigureOptions options, FileSink sink) {
        List<Path> written = new ArrayList<>();
        for (FigureFormat f : options.orderedFormats()) {
            Path out = dir.resolve(baseName + "." + f.extension());
            byte[] bytes = switch (f) {
                case PNG -> png(raster.get(), options.pngCompression());
                case SVG -> svg(figure).getBytes(StandardCharsets.UTF_8);
                default -> pdf(figure);
            };
            write(sink, out, bytes);
            written.add(out);
        }
        return written;
    }

    /**
     * Draws the figure on an RGB raster and writes it as PNG: a palette PNG at that deflate level
     * (1–9), or with {@link FigureOptions#FAST_PNG} (0) 24-bit RGB by {@link FlatPng}.
     */
    public static void writePng(Figure figure, Path out, int compressionLevel) {
        write(FileSink.ATOMIC, out, png(raster(figure), compressionLevel));
    }

    /** An RGB image as PNG bytes; see {@link #writePng}. */
    static byte[] png(BufferedImage image, int compressionLevel) {
        if (image.getType() != BufferedImage.TYPE_INT_RGB) {
            // The encoder's own thread pool is off: figures are already drawn in parallel, and one
            // figure per thread keeps the output independent of how work was split.
            return new PngEncoder().withBufferedImage(image).withCompressionLevel(Math.max(1, compressionLevel))
                    .withMultiThreadedCompressionEnabled(false).toBytes();
        }
        DataBufferInt pixels = (DataBufferInt) image.getRaster().getDataBuffer();
        if (compressionLevel == FigureOptions.FAST_PNG && FlatPng.fits(image.getWidth())) {
            return FlatPng.encode(pixels.getData(), pixels.getOffset(), image.getWidth(), image.getHeight());
        }
        return PalettePng.encode(pixels.getData(), pixels.getOffset(), image.getWidth(), image.getHeight(),
                Math.max(1, compressionLevel));
    }

    /** Draws the figure on a white RGB image of its size. */
    public static BufferedImage raster(Figure figure) {
        return raster(figure, figure::draw);
    }

    /**
     * A raster of the figure's size, white, on which {@code draw} has drawn with the figures'
     * rendering hints: the whole figure, or the part a template keeps.
     */
    static BufferedImage raster(Figure figure, java.util.function.Consumer<Graphics2D> draw) {
        BufferedImage image = blankRaster(figure);
        Graphics2D g = image.createGraphics();
        try {
            prepare(g, figure);
            draw.accept(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The pixels of an RGB raster, 0xRRGGBB row by row. */
    static int[] pixels(BufferedImage rgb) {
        return ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
    }

    /** An RGB raster of the figure's size (black until drawn on). */
    static BufferedImage blankRaster(Figure figure) {
        return new BufferedImage(figure.width(), figure.height(), BufferedImage.TYPE_INT_RGB);
    }

    /** Writes the figure as an SVG document (text stays text, so it can be searched and edited). */
    public static void writeSvg(Figure figure, Path out) {
        write(FileSink.ATOMIC, out, svg(figure).getBytes(StandardCharsets.UTF_8));
    }

    /** The figure as an SVG document. */
    public static String svg(Figure figure) {
        SVGGraphics2D g = new SVGGraphics2D(figure.width(), figure.height());
        g.setDefsKeyPrefix(SVG_DEFS_PREFIX);
        // Coordinates to 1/100 px (JFreeSVG writes every double in full, 17 digits of hatching);
        // transforms too: figures only translate and turn text by 90°, whose entries are 0 and ±1.
        g.setGeomDoubleConverter(FigureWriter::hundredths);
        g.setTransformDoubleConverter(FigureWriter::hundredths);
        prepare(g, figure);
        figure.draw(g);
        return g.getSVGDocument();
    }

    /** "12.5" for 12.4999…, "3" for 3.0: a coordinate to 1/100 px, without trailing zeros. */
    static String hundredths(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return java.math.BigDecimal.valueOf(Math.round(v * 100), 2).stripTrailingZeros().toPlainString();
    }

    /** Writes the figure as a one-page PDF, one point per pixel, text drawn as outlines. */
    public static void writePdf(Figure figure, Path out) {
        write(FileSink.ATOMIC, out, pdf(figure));
    }

    /** The figure as PDF bytes. */
    public static byte[] pdf(Figure figure) {
        PDFDocument doc = new PDFDocument();
        doc.setTitle("attnscope figure");
        Page page = doc.createPage(new Rectangle2D.Double(0, 0, figure.width(), figure.height()));
        PDFGraphics2D g = page.getGraphics2D();
        // PDF's standard fonts cover Latin-1 only; outlines draw "␣", "↵" and any token text exactly.
        g.setRenderingHint(PDFHints.KEY_DRAW_STRING_TYPE, PDFHints.VALUE_DRAW_STRING_TYPE_VECTOR);
        prepare(g, figure);
        figure.draw(g);
        return fixPdfDates(doc.getPDFBytes());
    }

    /** The rendering hints, and the figure's area white. */
    static void prepare(Graphics2D g, Figure figure) {
        prepare(g);
        requireText(g, figure.minTextPx());
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, figure.width(), figure.height());
    }

    /** Makes every text drawn on {@code g} smaller than {@code minPx} an error (projector mode); 0: no minimum. */
    static void requireText(Graphics2D g, double minPx) {
        if (minPx > 0) {
            g.setRenderingHint(FigureStyle.MIN_TEXT_PX, minPx);
        }
    }

    /** The rendering hints every figure is drawn with. */
    static void prepare(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }

    /**
     * JFreePDF stamps /CreationDate and /ModDate with the current time. The stamp is overwritten
     * in place with a fixed date of the same length, so the cross-reference offsets stay valid.
     */
    static byte[] fixPdfDates(byte[] pdf) {
        // Same-length replacements keep every index valid, so the text is decoded once.
        String text = new String(pdf, StandardCharsets.ISO_8859_1);
        for (String key : new String[] {"/CreationDate (", "/ModDate ("}) {
            int at = text.indexOf(key);
            if (at < 0) {
                continue;
            }
            int start = at + key.length();
            int end = text.indexOf(')', start);
            if (end < 0) {
                continue;
            }
            int n = end - start;
            // JFreePDF writes "D:yyyyMMddHHmmss" and a zone; the fixed date is cut to the same length.
            String fixed = PDF_FIXED_DATE.length() >= n ? PDF_FIXED_DATE.substring(0, n)
                    : PDF_FIXED_DATE + " ".repeat(n - PDF_FIXED_DATE.length());
            byte[] bytes = fixed.getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(bytes, 0, pdf, start, n);
        }
        return pdf;
    }

    private static void write(FileSink sink, Path out, byte[] bytes) {
        try {
            sink.write(out, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
