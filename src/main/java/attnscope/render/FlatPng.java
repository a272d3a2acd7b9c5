package attnscope.render;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A fast, lossless PNG encoder for figures made of flat colour: an 8-bit RGB PNG whose compressed
 * data is written directly, without a general-purpose compressor.
 *
 * <p>A figure is mostly pixels that repeat the pixel to their left (a cell, the background) or the
 * pixel above (the next line of the same cells), plus some anti-aliased text. Deflate can say "copy
 * n bytes from d bytes back" (RFC 1951), so this encoder looks, at each pixel, only where repeats
 * are in such figures: the row above at the same place, the pixel to the left, and the row above
 * one pixel to the right or left (the 45° hatching of masked cells, which moves one pixel per row).
 * The longest of these runs becomes copy instructions; a pixel that repeats nothing is written as
 * its three bytes. Codes are deflate's fixed Huffman codes, so no statistics are gathered. This is
 * several times faster than zlib at its fastest level (which searches a hash table at every byte),
 * and the files are about as small for these images; for photographs it would be poor, which is why
 * it is used only for figures.
 *
 * <p>Output depends only on the pixels: the same figure gives the same bytes.
 */
final class FlatPng {
    /** Deflate's largest copy is 258 bytes, 86 pixels. */
    private static final int MAX_RUN = 86;
    /** Deflate looks back at most this far. */
    private static final int WINDOW = 32768;
    private static final int ADLER_MOD = 65521;
    /**
     * Pixel sums for the Adler-32 checksum are taken in chunks of this many pixels: a chunk that
     * repeats the row above keeps that row's sums; and ints do not overflow.
     */
    private static final int ADLER_CHUNK = 256;
    private static final int[] RAMP = new int[ADLER_CHUNK];

    static {
        for (int i = 0; i < ADLER_CHUNK; i++) {
            RAMP[i] = i;
        }
    }

    private FlatPng() {
    }

    /** Whether an image this wide can be encoded (the row above must lie within deflate's window). */
    static boolean fits(int width) {
        return stride(width) + 3 <= WINDOW;
    }

    private static int stride(int width) {
        return 1 + 3 * width; // the filter byte, then R, G, B per pixel
    }

    /**
     * The PNG file of an RGB raster.
     *
     * @param rgb    pixels 0xRRGGBB (higher bits ignored), row-major, {@code width · height}
     * @param offset index of the top-left pixel in rgb
     */
    static byte[] encode(int[] rgb, int offset, int width, int height) {
        if (width <= 0 || height <= 0 || !fits(width)) {
            throw new IllegalArgumentException("FlatPng cannot encode a " + width + " × " + height + " image");
        }
        Deflate deflate = new Deflate(width);
        for (int y = 0; y < height; y++) {
            deflate.row(rgb, offset + y * width, y == 0 ? -1 : offset + (y - 1) * width);
        }
        byte[] zlib = deflate.finish();

        ByteArrayOutputStream png = new ByteArrayOutputStream(zlib.length + 64);
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8; // bits per sample
        header[9] = 2; // colour type: RGB
        // compression 0 (deflate), filter method 0, no interlace
        chunk(png, "IHDR", header, header.length);
        chunk(png, "IDAT", zlib, zlib.length);
        chunk(png, "IEND", new byte[0], 0);
        return png.toByteArray();
    }

    static void chunk(ByteArrayOutputStream out, String type, byte[] data, int length) {
        byte[] head = new byte[8];
        putInt(head, 0, length);
        for (int i = 0; i < 4; i++) {
            head[4 + i] = (byte) type.charAt(i);
        }
        CRC32 crc = new CRC32();
        crc.update(head, 4, 4);
        crc.update(data, 0, length);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.write(head, 0, 8);
        out.write(data, 0, length);
        out.write(tail, 0, 4);
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /**
     * One zlib stream (RFC 1950) holding one fixed-Huffman deflate block (RFC 1951 §3.2.6) of the
     * scanlines, each a filter byte 0 ("none") followed by the row's R, G, B bytes.
     */
    private static final class Deflate {
        private final int width;
        private final int stride;
        /** Bit patterns (already reversed for deflate's LSB-first packing) and their lengths, per literal byte. */
        private final int[] literalBits = new int[256];
        private final int[] literalLength = new int[256];
        /** A copy of k pixels (3k bytes) from the pixel to the left, the row above, above-right, above-left: code and length, k = 1..86. */
        private final long[] leftBits = new long[MAX_RUN + 1];
        private final int[] leftLength = new int[MAX_RUN + 1];
        private final long[] upBits = new long[MAX_RUN + 1];
        private final int[] upLength = new int[MAX_RUN + 1];
        private final long[] upRightBits = new long[MAX_RUN + 1];
        private final int[] upRightLength = new int[MAX_RUN + 1];
        private final long[] upLeftBits = new long[MAX_RUN + 1];
        private final int[] upLeftLength = new int[MAX_RUN + 1];

        private byte[] out = new byte[1 << 16];
        private int size;
        private long bits;
        private int bitCount;
        /** Adler-32 of the uncompressed scanlines so far, and of the last row (reused when a row repeats it). */
        private long adlerA = 1;
        private long adlerB;
        private long rowSum;
        private long rowWeighted;
        /** Per chunk of ADLER_CHUNK pixels, the sums of the last row that computed them (see checksumRow). */
        private final int[] chunkSum;
        private final int[] chunkRamp;
        private final int[] chunkGb;
        /** Per chunk, how many of its pixels the current row copies from the row above. */
        private final int[] chunkCopied;

        Deflate(int width) {
            this.width = width;
            this.stride = stride(width);
            int chunks = (width + ADLER_CHUNK - 1) / ADLER_CHUNK;
            chunkSum = new int[chunks];
            chunkRamp = new int[chunks];
            chunkGb = new int[chunks];
            chunkCopied = new int[chunks];
            for (int v = 0; v < 256; v++) {
                int[] code = fixedCode(v);
                literalBits[v] = reverse(code[0], code[1]);
                literalLength[v] = code[1];
            }
            table(3, leftBits, leftLength);
            table(stride, upBits, upLength);
            table(stride - 3, upRightBits, upRightLength);
            table(stride + 3, upLeftBits, upLeftLength);
            out[size++] = 0x78; // zlib: deflate, 32 KiB window
            out[size++] = 0x01; // no dictionary, "fastest" level; (0x78 · 256 + 0x01) is a multiple of 31
            put(1, 1); // BFINAL: the only block
            put(1, 2); // BTYPE 01: fixed Huffman codes
        }

        /** Copies of 3k bytes at one distance, as one bit string each: length code, its extra bits, distance code, its extra bits. */
        private void table(int distance, long[] codeBits, int[] codeLength) {
            for (int k = 1; k <= MAX_RUN; k++) {
                int length = 3 * k;
                int[] len = lengthSymbol(length);
                int[] code = fixedCode(len[0]);
                long b = reverse(code[0], code[1]);
                int n = code[1];
                b |= (long) len[2] << n; // extra bits are written as numbers, LSB first
                n += len[1];
                int[] dist = distanceSymbol(distance);
                b |= (long) reverse(dist[0], 5) << n;
                n += 5;
                b |= (long) dist[2] << n;
                n += dist[1];
                codeBits[k] = b;
                codeLength[k] = n;
            }
        }

        /** One scanline: {@code width} pixels at rgb[at], the row above at rgb[above] (−1 for the first row). */
        void row(int[] rgb, int at, int above) {
            put(literalBits[0], literalLength[0]); // filter type 0
            Arrays.fill(chunkCopied, 0);
            int x = 0;
            while (x < width) {
                int p = rgb[at + x];
                // The longest run of pixels equal to one of the places repeats are found.
                int up = above >= 0 ? run(rgb, at + x, above + x, width - x) : 0;
                if (up == width - x) { // the rest of the row repeats the row above: nothing is longer
                    copiedFromAbove(x, up);
                    for (int remaining = up; remaining > 0; remaining -= MAX_RUN) {
                        int k = Math.min(MAX_RUN, remaining);
                        putLong(upBits[k], upLength[k]);
                    }
                    break;
                }
                int left = x > 0 && (rgb[at + x - 1] == p) ? run(rgb, at + x, at + x - 1, width - x) : 0;
                int upRight = above >= 0 && x + 1 < width && rgb[above + x + 1] == p ? run(rgb, at + x, above + x + 1, width - x - 1) : 0;
                int upLeft = above >= 0 && x > 0 && rgb[above + x - 1] == p ? run(rgb, at + x, above + x - 1, width - x) : 0;
                int best = Math.max(Math.max(up, left), Math.max(upRight, upLeft));
                if (best == 0) { // R, G, B as literals: at most 27 bits, written at once
                    int r = (p >>> 16) & 0xFF;
                    int g = (p >>> 8) & 0xFF;
                    int b = p & 0xFF;
                    int rn = literalLength[r];
                    int gn = literalLength[g];
                    putLong(literalBits[r] | (long) literalBits[g] << rn | (long) literalBits[b] << (rn + gn), rn + gn + literalLength[b]);
                    x++;
                    continue;
                }
                long[] codeBits;
                int[] codeLength;
                if (best == up) {
                    codeBits = upBits;
                    codeLength = upLength;
                    copiedFromAbove(x, up);
                } else if (best == left) {
                    codeBits = leftBits;
                    codeLength = leftLength;
                } else if (best == upRight) {
                    codeBits = upRightBits;
                    codeLength = upRightLength;
                } else {
                    codeBits = upLeftBits;
                    codeLength = upLeftLength;
                }
                for (int remaining = best; remaining > 0; remaining -= MAX_RUN) {
                    int k = Math.min(MAX_RUN, remaining);
                    putLong(codeBits[k], codeLength[k]);
                }
                x += best;
            }
            checksumRow(rgb, at, above >= 0);
            adlerB = (adlerB + (long) stride * adlerA + rowWeighted) % ADLER_MOD;
            adlerA = (adlerA + rowSum) % ADLER_MOD;
        }

        /** Notes that pixels x .. x+n−1 repeat the row above (for the checksum). */
        private void copiedFromAbove(int x, int n) {
            int end = x + n;
            while (x < end) {
                int chunk = x / ADLER_CHUNK;
                int chunkEnd = Math.min(end, (chunk + 1) * ADLER_CHUNK);
                chunkCopied[chunk] += chunkEnd - x;
                x = chunkEnd;
            }
        }

        /** How many pixels from a on equal those from b, up to max (a run of 0 when the first differs). */
        private static int run(int[] rgb, int a, int b, int max) {
            if (max <= 0 || rgb[a] != rgb[b]) {
                return 0;
            }
            // (For the pixel to the left, b = a − 1, the two ranges overlap: the first mismatch ends
            // the run of one colour, as wanted.)
            int m = Arrays.mismatch(rgb, a, a + max, rgb, b, b + max);
            return m < 0 ? max : m;
        }

        /**
         * The row's share of Adler-32 (RFC 1950): the sum S of its bytes and W = Σ (L − k)·byte_k
         * over its L = 1 + 3·width bytes at k = 0..L−1, from which A' = A + S and B' = B + L·A + W.
         * For pixel x with s = R + G + B this is W = Σ_x [3(width − x)·s − G − 2B]; the filter byte is 0.
         * Sums are taken per chunk in int arithmetic, a loop the JIT vectorises; a chunk the row
         * copies whole from the row above has that row's sums, which are kept.
         */
        private void checksumRow(int[] rgb, int at, boolean hasAbove) {
            long s = 0;
            long t = 0;
            long gb = 0;
            for (int chunk = 0; chunk < chunkSum.length; chunk++) {
                int x0 = chunk * ADLER_CHUNK;
                int n = Math.min(ADLER_CHUNK, width - x0);
                if (!hasAbove || chunkCopied[chunk] < n) {
                    int base = at + x0;
                    int sums = 0;
                    int ramp = 0;
                    int gbs = 0;
                    for (int k = 0; k < n; k++) {
                        int p = rgb[base + k];
                        int g = (p >>> 8) & 0xFF;
                        int b = p & 0xFF;
                        int sum = ((p >>> 16) & 0xFF) + g + b;
                        sums += sum;
                        ramp += RAMP[k] * sum;
                        gbs += g + 2 * b;
                    }
                    chunkSum[chunk] = sums;
                    chunkRamp[chunk] = ramp;
                    chunkGb[chunk] = gbs;
                }
                s += chunkSum[chunk];
                t += (long) (width - x0) * chunkSum[chunk] - chunkRamp[chunk]; // Σ (width − x)·s over the chunk
                gb += chunkGb[chunk];
            }
            rowSum = s % ADLER_MOD;
            rowWeighted = Math.floorMod(3 * t - gb, ADLER_MOD);
        }

        byte[] finish() {
            int[] end = fixedCode(256);
            put(reverse(end[0], end[1]), end[1]);
            while (bitCount > 0) { // pad to a byte
                ensure(1);
                out[size++] = (byte) bits;
                bits >>>= 8;
                bitCount = Math.max(0, bitCount - 8);
            }
            long adler = (adlerB << 16) | adlerA;
            ensure(4);
            out[size++] = (byte) (adler >>> 24);
            out[size++] = (byte) (adler >>> 16);
            out[size++] = (byte) (adler >>> 8);
            out[size++] = (byte) adler;
            return Arrays.copyOf(out, size);
        }

        private void put(int value, int n) {
            putLong(value, n);
        }

        /** Appends n ≤ 32 bits, least significant first, as deflate packs them. */
        private void putLong(long value, int n) {
            bits |= value << bitCount;
            bitCount += n;
            if (bitCount >= 32) {
                ensure(4);
                out[size++] = (byte) bits;
                out[size++] = (byte) (bits >>> 8);
                out[size++] = (byte) (bits >>> 16);
                out[size++] = (byte) (bits >>> 24);
                bits >>>= 32;
                bitCount -= 32;
            }
        }

        private void ensure(int n) {
            if (size + n > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, size + n));
            }
        }
    }

    /** Deflate's fixed Huffman code of a literal/length symbol 0..287: {code, bit length}. */
    static int[] fixedCode(int symbol) {
        if (symbol < 144) {
            return new int[] {0x30 + symbol, 8};
        }
        if (symbol < 256) {
            return new int[] {0x190 + symbol - 144, 9};
        }
        if (symbol < 280) {
            return new int[] {symbol - 256, 7};
        }
        return new int[] {0xC0 + symbol - 280, 8};
    }

    /** The length symbol of a copy of 3..258 bytes: {symbol, extra bits, extra value}. */
    static int[] lengthSymbol(int length) {
        if (length == 258) {
            return new int[] {285, 0, 0};
        }
        int symbol = 257;
        int base = 3;
        for (int code = 0; code < 28; code++) {
            int extra = code < 8 ? 0 : (code - 4) / 4;
            if (length < base + (1 << extra)) {
                return new int[] {symbol, extra, length - base};
            }
            base += 1 << extra;
            symbol++;
        }
        throw new IllegalArgumentException("no deflate length symbol for " + length);
    }

    /** The distance code of 1..32768: {code, extra bits, extra value}. */
    static int[] distanceSymbol(int distance) {
        int base = 1;
        for (int code = 0; code < 30; code++) {
            int extra = code < 4 ? 0 : (code - 2) / 2;
            if (distance < base + (1 << extra)) {
                return new int[] {code, extra, distance - base};
            }
            base += 1 << extra;
        }
        throw new IllegalArgumentException("no deflate distance code for " + distance);
    }

    /** A Huffman code of n bits, reversed: deflate sends Huffman codes most significant bit first. */
    static int reverse(int code, int n) {
        return Integer.reverse(code) >>> (32 - n);
    }
}
