package attnscope.model;

import attnscope.InputException;
import attnscope.output.IoProblems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a text the user gave as a file (--text-file): strict UTF-8, so that a file saved in
 * another encoding is refused with the place of its first bad byte instead of being run with
 * replacement characters the user never typed. A leading byte-order mark is dropped.
 */
public final class TextFile {
    /**
     * The largest text read, in bytes: about 250,000 tokens of English, several times the longest
     * context of the models attnscope opens. A larger file is a wrong file, not a long prompt.
     */
    public static final long MAX_BYTES = 1L << 20;

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private TextFile() {
    }

    /** The name that reads standard input, as in most Unix tools ({@code --text-file -}); /dev/stdin reads it too. */
    public static final String STDIN = "-";
    /** The names of this process's standard input: read as such, whatever kind of file (a pipe, a terminal) it is. */
    private static final java.util.Set<String> STDIN_NAMES = java.util.Set.of(STDIN, "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0");

    /**
     * The file's text; every problem (missing, a folder, unreadable, too large, not UTF-8) is an input
     * error. {@code -}, {@code /dev/stdin}, {@code /dev/fd/0} and {@code /proc/self/fd/0} read standard
     * input (to its end, with the same limits).
     */
    public static String read(Path file) {
        return read(file, System.in);
    }

    /** As {@link #read(Path)}, with {@code stdin} as standard input. */
    static String read(Path file, java.io.InputStream stdin) {
        if (STDIN_NAMES.contains(file.toString())) {
            return readStdin(stdin);
        }
        if (Files.isDirectory(file)) {
            throw new InputException("--text-file " + file + " is a folder: give a UTF-8 text file");
        }
        if (!Files.isRegularFile(file)) {
            String kind = IoProblems.kindOf(file);
            // A FIFO or a device is not read: it could block forever (a pipe without a writer) or never end (/dev/zero).
            throw new InputException(kind.equals("missing") ? "no such text file: " + file
                    : "--text-file " + file + " is " + kind + ", not a regular file: give a UTF-8 text file, or "
                            + "--text-file - to read standard input");
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new InputException(String.format(Locale.ROOT, "%s is %.1f MiB: attnscope reads texts up to %d MiB, "
                        + "far more than a model's context; give a shorter text", file, size / (double) (1L << 20), MAX_BYTES >> 20));
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + " (" + IoProblems.reason(e) + ")");
        }
        String text = decodeUtf8(bytes, file.toString());
        return !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
    }

    private static String readStdin(java.io.InputStream stdin) {
        byte[] bytes;
        try {
            bytes = stdin.readNBytes((int) MAX_BYTES + 1);
        } catch (IOException e) {
            throw new InputException("cannot read standard input (" + IoProblems.reason(e) + ")");
        }
        if (bytes.length > MAX_BYTES) {
            throw new InputException(String.format(Locale.ROOT, "standard input holds more than %d MiB: attnscope reads texts up "
                    + "to %d MiB, far more than a model's context; give a shorter text", MAX_BYTES >> 20, MAX_BYTES >> 20));
        }
        String text = decodeUtf8(bytes, "standard input");
        return !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
    }

    /** Decodes strictly; the error names the first byte that is not UTF-8 and its offset from the start (0-based). */
    static String decodeUtf8(byte[] bytes, String where) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never gives more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            throw new InputException(String.format(Locale.ROOT, "%s is not valid UTF-8: byte 0x%02X at offset %d (%s) "
                    + "is not part of a UTF-8 character; save the file as UTF-8", where, bytes[offset] & 0xFF, offset,
                    lineAndColumn(bytes, offset)));
        }
        return out.flip().toString();
    }

    /** "line 3, byte 7 of the line", both from 1, for finding the byte in an editor. */
    private static String lineAndColumn(byte[] bytes, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", byte " + (offset - lineStart + 1) + " of the line";
    }
}
