package attnscope.synth;

/**
 * float → IEEE 754 half precision (fp16) bits, rounding to nearest, ties to even, as a fp32 → fp16
 * Cast does (Java 17 has no Float.floatToFloat16). Values beyond fp16's range become ±∞.
 */
final class Float16 {
    private Float16() {
    }

    static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) { // ∞ or NaN (a quiet NaN keeps a mantissa bit)
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
        }
        int e = exponent - 127 + 15; // fp16 exponent, biased
        if (e >= 31) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) { // subnormal in fp16 (or zero): shift the full significand, round at the cut
            if (e < -10) {
                return (short) sign;
            }
            int significand = mantissa | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(significand, shift));
        }
        int rounded = roundShift((e << 23) | mantissa, 13); // carries into the exponent where it must
        return (short) (sign | Math.min(rounded, 0x7c00));
    }

    /** value >> shift, rounded to nearest, ties to even. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }

    /** The float nearest to {@code value} that fp16 can hold (what a round trip through fp16 gives). */
    static float round(float value) {
        return toFloat(fromFloat(value));
    }

    static float toFloat(short bits) {
        int sign = (bits >>> 15) & 1;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f;
        } else if (exponent == 31) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            magnitude = Float.intBitsToFloat(((exponent + 112) << 23) | (mantissa << 13));
        }
        return sign == 1 ? -magnitude : magnitude;
    }
}
