package attnscope.render;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * The PNG encoder for figures: 8-bit palette (indexed) PNG, compressed with deflate.
 *
 * <p>A figure is flat colour: white, a few greys, at most 256 viridis entries, red, and the
 * anti-aliased edges of text between them. One byte per pixel instead of three, and long runs
 * of equal bytes, make the files 4–5× smaller than 24-bit RGB from the same compressor (measured
 * with scripts/measure-figures.sh: a 1600 px head heatmap of 13 tokens, 357 KB with FlatPng's
 * RGB, about 60 KB here).
 *
 * <p>The palette holds every colour of the figure when there are at most 256. With more, the 256
 * colours of the largest flat areas are kept (pixels in horizontal runs of 3 or more: background,
 * cells, bars, each entry of the colour bar), and every other colour, a few pixels of an
 * anti-aliased edge, takes the nearest kept colour. Colours are ranked by flat pixels, then all
 * pixels, then value, so the output depends only on the pixels: the same figure gives the same bytes.
 */
final class PalettePng {
    private PalettePng() {
    }

    /**
     * The PNG file of an RGB raster.
     *
     * @param rgb    pixels 0xRRGGBB (higher bits ignored), row-major, {@code width · height}
     * @param offset index of the top-left pixel in rgb
     * @param level  deflate level 1–9
     */
    static byte[] encode(int[] rgb, int offset, int width, int height, int level) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("PalettePng cannot encode a " + width + " × " + height + " image");
        }
        // Per colour: its pixels, and those of its pixels that lie in runs of 3 or more (flat areas:
        // cells, bars, the colour bar's entries; anti-aliased edges are mostly single pixels).
        ColourCounts counts = new ColourCounts();
        int n = width * height;
        int previous = ~0;
        int run = 0;
        for (int i = 0; i < n; i++) {
            int c = rgb[offset + i] & 0xFFFFFF;
            if (c == previous && i % width != 0) {
                run++;
                continue;
            }
            if (run > 0) {
                counts.addToLast(run, run >= 3);
            }
            counts.select(c);
            previous = c;
            run = 1;
        }
        counts.addToLast(run, run >= 3);
        int[] palette = counts.palette(256);
        ColourCounts index = counts.indexFor(palette);

        byte[] raw = new byte[height * (width + 1)];
        int lastColour = ~0;
        int lastIndex = 0;
        for (int y = 0; y < height; y++) {
            int o = y * (width + 1);
            raw[o] = 0; // filter "none": with a palette, each byte is a colour, not a number to predict
            int row = offset + y * width;
            for (int x = 0; x < width; x++) {
                int c = rgb[row + x] & 0xFFFFFF;
                if (c != lastColour) {
                    lastColour = c;
                    lastIndex = index.get(c);
                }
                raw[o + 1 + x] = (byte) lastIndex;
            }
        }
        Deflater deflater = new Deflater(level);
        byte[] zlib;
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream z = new ByteArrayOutputStream(raw.length / 8 + 64);
            byte[] buffer = new byte[64 * 1024];
            while (!deflater.finished()) {
                int k = deflater.deflate(buffer);
                z.write(buffer, 0, k);
            }
            zlib = z.toByteArray();
        } finally {
            deflater.end();
        }

        ByteArrayOutputStream png = new ByteArrayOutputStream(zlib.length + 3 * palette.length + 128);
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        byte[] header = new byte[13];
        FlatPng.putInt(header, 0, width);
        FlatPng.putInt(header, 4, height);
        header[8] = 8; // bits per index
        header[9] = 3; // colour type: palette
        FlatPng.chunk(png, "IHDR", header, header.length);
        byte[] plte = new byte[3 * palette.length];
        for (int i = 0; i < palette.length; i++) {
            plte[3 * i] = (byte) (palette[i] >>> 16);
            plte[3 * i + 1] = (byte) (palette[i] >>> 8);
            plte[3 * i + 2] = (byte) palette[i];
        }
        FlatPng.chunk(png, "PLTE", plte, plte.length);
        FlatPng.chunk(png, "IDAT", zlib, zlib.length);
        FlatPng.chunk(png, "IEND", new byte[0], 0);
        return png.toByteArray();
    }

    /** An open-addressing map from colour (0xRRGGBB) to an int: a pixel count, or a palette index. */
    private static final class ColourCounts {
        private static final int EMPTY = -1;
        private int[] keys = new int[1024];
        private int[] values = new int[1024];
        private int[] flat = new int[1024];
        private int size;
        private int lastSlot = -1;

        ColourCounts() {
            Arrays.fill(keys, EMPTY);
        }

        private int slot(int colour) {
            int mask = keys.length - 1;
            int s = (colour * 0x9E3779B1) >>> 8 & mask;
            while (keys[s] != EMPTY && keys[s] != colour) {
                s = (s + 1) & mask;
            }
            return s;
        }

        /** Makes {@code colour} the one {@link #addToLast} counts for (adding it with no pixels). */
        void select(int colour) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            int s = slot(colour);
            if (keys[s] == EMPTY) {
                keys[s] = colour;
                values[s] = 0;
                flat[s] = 0;
                size++;
            }
            lastSlot = s;
        }

        /** Counts {@code k} pixels of the selected colour, flat ones if {@code flatRun}. */
        void addToLast(int k, boolean flatRun) {
            values[lastSlot] += k;
            if (flatRun) {
                flat[lastSlot] += k;
            }
        }

        void put(int colour, int value) {
            select(colour);
            values[lastSlot] = value;
        }

        int get(int colour) {
            return values[slot(colour)];
        }

        private void grow() {
            int[] oldKeys = keys;
            int[] oldValues = values;
            int[] oldFlat = flat;
            keys = new int[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            flat = new int[oldKeys.length * 2];
            Arrays.fill(keys, EMPTY);
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != EMPTY) {
                    int s = slot(oldKeys[i]);
                    keys[s] = oldKeys[i];
                    values[s] = oldValues[i];
                    flat[s] = oldFlat[i];
                    size++;
                }
            }
        }

        /** The {@code max} colours with the most flat pixels (ties: more pixels, then smaller value first). */
        int[] palette(int max) {
            Integer[] order = new Integer[size];
            int k = 0;
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != EMPTY) {
                    order[k++] = i;
                }
            }
            Arrays.sort(order, (a, b) -> flat[a] != flat[b] ? Integer.compare(flat[b], flat[a])
                    : values[a] != values[b] ? Integer.compare(values[b], values[a]) : Integer.compare(keys[a], keys[b]));
            int[] palette = new int[Math.min(max, size)];
            for (int i = 0; i < palette.length; i++) {
                palette[i] = keys[order[i]];
            }
            return palette;
        }

        /** Colour → palette index for every colour counted: its own entry, or the nearest one. */
        ColourCounts indexFor(int[] palette) {
            ColourCounts index = new ColourCounts();
            for (int i = 0; i < palette.length; i++) {
                index.put(palette[i], i);
            }
            for (int i = 0; i < keys.length; i++) {
                int c = keys[i];
                if (c == EMPTY || index.keys[index.slot(c)] == c) {
                    continue;
                }
                int best = 0;
                long bestDistance = Long.MAX_VALUE;
                for (int p = 0; p < palette.length; p++) {
                    long dr = ((c >> 16) & 255) - ((palette[p] >> 16) & 255);
                    long dg = ((c >> 8) & 255) - ((palette[p] >> 8) & 255);
                    long db = (c & 255) - (palette[p] & 255);
                    long d = dr * dr + dg * dg + db * db;
                    if (d < bestDistance) {
                        bestDistance = d;
                        best = p;
                    }
                }
                index.put(c, best);
            }
            return index;
        }
    }
}
