package attnscope.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsUtf8AndDropsAByteOrderMark() throws Exception {
        Path f = Files.write(tmp.resolve("t.txt"), "\uFEFF😀 Привет\u0007\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("😀 Привет\u0007\n", TextFile.read(f));
    }

    @Test
    void namesTheFirstBadByteAndWhereItIs() {
        byte[] bytes = {'a', 'b', '\n', 'c', (byte) 0xC3, (byte) 0x28, 'd'}; // 0xC3 must be followed by 0x80..0xBF
        InputException e = assertThrows(InputException.class, () -> TextFile.decodeUtf8(bytes, "f.txt"));
        assertEquals("f.txt is not valid UTF-8: byte 0xC3 at offset 4 (line 2, byte 2 of the line) is not part of a UTF-8 "
                + "character; save the file as UTF-8", e.getMessage());
    }

    @Test
    void aCharacterCutOffAtTheEndIsBadToo() {
        byte[] euroCut = {'1', '0', ' ', (byte) 0xE2, (byte) 0x82}; // € is E2 82 AC
        InputException e = assertThrows(InputException.class, () -> TextFile.decodeUtf8(euroCut, "f.txt"));
        assertTrue(e.getMessage().contains("byte 0xE2 at offset 3"), e.getMessage());
    }

    @Test
    void encodedSurrogatesAreNotUtf8() {
        byte[] cesu = {'x', (byte) 0xED, (byte) 0xA0, (byte) 0x80}; // U+D800 written as if it were a character
        InputException e = assertThrows(InputException.class, () -> TextFile.decodeUtf8(cesu, "f.txt"));
        assertTrue(e.getMessage().contains("byte 0xED at offset 1"), e.getMessage());
    }

    @Test
    void missingFoldersAndHugeFilesAreInputErrors() throws Exception {
        assertTrue(assertThrows(InputException.class, () -> TextFile.read(tmp.resolve("nope.txt"))).getMessage()
                .startsWith("no such text file"));
        assertTrue(assertThrows(InputException.class, () -> TextFile.read(tmp)).getMessage().contains("is a folder"));
        Path big = Files.write(tmp.resolve("big.txt"), new byte[(int) TextFile.MAX_BYTES + 1]);
        assertTrue(assertThrows(InputException.class, () -> TextFile.read(big)).getMessage().contains("up to 1 MiB"));
    }
}
