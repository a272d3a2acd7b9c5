package attnscope.tensor;

import java.util.Arrays;

/**
 * A dense float tensor: a shape and its values in row-major order (the last index varies
 * fastest), the layout ONNX Runtime and NumPy use. Immutable in shape; the data array is
 * shared, not copied, so a view costs nothing.
 *
 * <p>Shapes throughout attnscope use one vocabulary: T tokens, H query heads, Hkv key/value
 * heads, d head dimension, D hidden size. A per-layer query tensor is (H, T, d).
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    public Tensor(int[] shape, float[] data) {
        this.shape = shape.clone();
        long n = elementCount(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("Expected " + n + " values for shape "
                    + Shapes.format(shape) + " but found " + data.length);
        }
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        long n = elementCount(shape);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Shape " + Shapes.format(shape) + " is too large for one array");
        }
        return new Tensor(shape, new float[(int) n]);
    }

    static long elementCount(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("Negative dimension in shape " + Arrays.toString(shape));
            }
            n *= s;
        }
        return n;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** The backing array, row-major. Callers may read and write it. */
    public float[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    /**
     * A copy of the slice at {@code index} along axis 0: for a (H, T, d) tensor, head
     * {@code index} as a (T, d) tensor.
     */
    public Tensor slice(int index) {
        if (index < 0 || index >= shape[0]) {
            throw new IndexOutOfBoundsException("Index " + index + " outside axis 0 of shape " + Shapes.format(shape));
        }
        int[] rest = Arrays.copyOfRange(shape, 1, shape.length);
        int n = (int) elementCount(rest);
        return new Tensor(rest, Arrays.copyOfRange(data, index * n, (index + 1) * n));
    }

    /** Stacks equal-shaped tensors along a new axis 0. */
    public static Tensor stack(Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("Nothing to stack");
        }
        int[] inner = parts[0].shape;
        int n = parts[0].size();
        float[] out = new float[n * parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape, inner)) {
                throw new IllegalArgumentException("Expected shape " + Shapes.format(inner)
                        + " but found " + Shapes.format(parts[i].shape) + " at index " + i);
            }
            System.arraycopy(parts[i].data, 0, out, i * n, n);
        }
        int[] shape = new int[inner.length + 1];
        shape[0] = parts.length;
        System.arraycopy(inner, 0, shape, 1, inner.length);
        return new Tensor(shape, out);
    }

    /** Element at a full index, for tests and messages (not for inner loops). */
    public float get(int... index) {
        return data[offset(index)];
    }

    public int offset(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("Expected " + shape.length + " indices but found " + index.length);
        }
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("Index " + Arrays.toString(index) + " outside shape " + Shapes.format(shape));
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    @Override
    public String toString() {
        return "Tensor" + Shapes.format(shape);
    }
}
