package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenLabelsTest {
    @Test
    void byteLevelSpaceNewlineAndTabAreDrawnVisibly() {
        assertEquals("␣cat", TokenLabels.display("Ġcat"));
        assertEquals("↵", TokenLabels.display("Ċ"));
        assertEquals("↵↵", TokenLabels.display("ĊĊ"));
        assertEquals("⇥x", TokenLabels.display("ĉx"));
        assertEquals("␣␣␣", TokenLabels.display("ĠĠĠ"));
        assertEquals("the", TokenLabels.display("the"));
    }

    @Test
    void byteLevelCharactersDecodeToTheirUtf8Text() {
        // "é" is bytes C3 A9, which byte-level BPE spells "Ã©"; " café" is "ĠcafÃ©".
        assertEquals("␣café", TokenLabels.display("ĠcafÃ©"));
        // "—" (E2 80 94) spelled "âĢĶ".
        assertEquals("—", TokenLabels.display("âĢĶ"));
    }

    @Test
    void halfACharacterKeepsItsRawSpelling() {
        // The first two bytes of "—" alone are not UTF-8: the token's own spelling is shown.
        assertEquals("âĢ", TokenLabels.display("âĢ"));
        // A WordPiece token with a non-ASCII letter is plain text.
        assertEquals("é", TokenLabels.display("é"));
        assertEquals("##ing", TokenLabels.display("##ing"));
    }

    @Test
    void sentencePieceWordMarkerIsASpace() {
        assertEquals("␣hello", TokenLabels.display("▁hello"));
    }

    @Test
    void longTokensAreCutWithAnEllipsis() {
        String label = TokenLabels.display("Ġsupercalifragilistic");
        assertEquals(TokenLabels.MAX_CHARS, label.codePointCount(0, label.length()));
        assertTrue(label.endsWith("…"), label);
        assertTrue(label.startsWith("␣supercali"), label);
        assertEquals("exactly12chr", TokenLabels.display("exactly12chr"));
    }

    @Test
    void controlAndFormattingCharactersAreShownAsCodes() {
        assertEquals("a\\x07b", TokenLabels.display("a\u0007b"));
        assertEquals("\\x00", TokenLabels.display("\u0000"));
        // A right-to-left override would reverse the rest of a label: shown as its code instead.
        assertEquals("\\u202Eevil", TokenLabels.display("\u202Eevil"));
        assertEquals("x\\u200By", TokenLabels.display("x\u200By"));
        // Byte-level spelling of BEL (byte 7 → U+0107).
        assertEquals("\\x07", TokenLabels.display("ć"));
    }

    @Test
    void htmlAndPathCharactersStayAsText() {
        assertEquals("<b>&", TokenLabels.display("<b>&"));
        assertEquals("../etc", TokenLabels.display("../etc"));
        for (String s : TokenLabels.display(List.of("Ġ<script>", "/..", "a\nb", "\r"))) {
            assertFalse(s.contains("\n") || s.contains("\r"), s);
        }
    }

    @Test
    void emptyTokenIsVisible() {
        assertEquals("∅", TokenLabels.display(""));
    }
}
