package attnscope.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes and reads NumPy .npy files (format version 1.0, little-endian float32, C order), so
 * captured tensors open in {@code numpy.load} for students who want to check by hand.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {
    }

    /** Writes atomically: a temporary file beside the target, then a rename. */
    public static void write(Path file, Tensor tensor) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(header(tensor.shape()));
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : tensor.data()) {
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(v);
            }
            out.write(buf.array(), 0, buf.position());
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The whole .npy file in memory: header, then the floats little-endian. */
    public static byte[] bytes(Tensor tensor) {
        byte[] header = header(tensor.shape());
        long size = header.length + (long) tensor.data().length * Float.BYTES;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a tensor of shape " + Shapes.format(tensor.shape())
                    + " is too large for one .npy file in memory (" + size + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(header);
        b.asFloatBuffer().put(tensor.data());
        return b.array();
    }

    static byte[] header(int[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int s : shape) {
            dims.append(s).append(", ");
        }
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }";
        // The header (magic + version + length + dict + newline) is padded to a multiple of 64.
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        b.put(text.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** Reads a file written by {@link #write} (little-endian float32, C order). */
    public static Tensor read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        for (byte m : MAGIC) {
            if (b.get() != m) {
                throw new IOException(file + " is not a .npy file");
            }
        }
        b.get();
        b.get();
        int headerLength = Short.toUnsignedInt(b.getShort());
        byte[] headerBytes = new byte[headerLength];
        b.get(headerBytes);
        String header = new String(headerBytes, StandardCharsets.US_ASCII);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
            throw new IOException(file + ": only little-endian float32 in C order is supported, found " + header.trim());
        }
        String tuple = header.substring(header.indexOf('(') + 1, header.indexOf(')'));
        int[] shape = java.util.Arrays.stream(tuple.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        float[] data = new float[(int) Tensor.elementCount(shape)];
        b.asFloatBuffer().get(data);
        return new Tensor(shape, data);
    }
}
