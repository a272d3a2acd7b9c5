package attnscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import attnscope.onnx.HeadLayout;
import attnscope.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Exporter layouts become (heads, T, d) by the graph's permutation, never by guessing from sizes. */
class HeadTensorsTest {
    /** value = 100·h + 10·t + x, so every element says where it belongs. */
    static float code(int h, int t, int x) {
        return 100 * h + 10 * t + x;
    }

    @Test
    void bertSplitHeadsLayoutIsTransposed() {
        // (B=1, T=2, H=3, d=2), canonical = transpose (0, 2, 1, 3)
        float[] data = new float[12];
        int i = 0;
        for (int t = 0; t < 2; t++) {
            for (int h = 0; h < 3; h++) {
                for (int x = 0; x < 2; x++) {
                    data[i++] = code(h, t, x);
                }
            }
        }
        Tensor heads = HeadTensors.toHeads(data, new long[] {1, 2, 3, 2}, new HeadLayout.Split(new int[] {0, 2, 1, 3}), 0, "q");
        assertArrayEquals(new int[] {3, 2, 2}, heads.shape());
        assertEquals(code(2, 1, 0), heads.get(2, 1, 0));
        assertEquals(code(1, 0, 1), heads.get(1, 0, 1));
    }

    @Test
    void transposedKeyWithTEqualToDIsReadByLayoutNotSize() {
        // Kᵀ (B=1, H=1, d=2, T=2): T = d, so only the layout can tell the axes apart.
        float[] data = {code(0, 0, 0), code(0, 1, 0), code(0, 0, 1), code(0, 1, 1)};
        Tensor k = HeadTensors.toHeads(data, new long[] {1, 1, 2, 2}, new HeadLayout.Split(new int[] {0, 1, 3, 2}), 0, "k");
        assertEquals(code(0, 1, 0), k.get(0, 1, 0));
        assertEquals(code(0, 0, 1), k.get(0, 0, 1));
    }

    @Test
    void packedHeadsAreCutIntoBlocks() {
        // (B=1, T=2, (H + 2·Hkv)·d) with H=2, Hkv=1, d=2: Q heads 0..1, K block 2, V block 3.
        float[] data = new float[2 * 8];
        for (int t = 0; t < 2; t++) {
            for (int block = 0; block < 4; block++) {
                for (int x = 0; x < 2; x++) {
                    data[t * 8 + block * 2 + x] = code(block, t, x);
                }
            }
        }
        long[] shape = {1, 2, 8};
        Tensor q = HeadTensors.toHeads(data, shape, new HeadLayout.Packed(0, 2, 4), 0, "q");
        Tensor v = HeadTensors.toHeads(data, shape, new HeadLayout.Packed(3, 1, 4), 0, "v");
        assertArrayEquals(new int[] {2, 2, 2}, q.shape());
        assertEquals(code(1, 1, 1), q.get(1, 1, 1));
        assertEquals(code(3, 1, 0), v.get(0, 1, 0));
        Tensor z = HeadTensors.toHeads(data, shape, HeadLayout.Packed.allQueryHeads(), 4, "z");
        assertEquals(code(2, 0, 1), z.get(2, 0, 1));
    }
}
