package attnscope.render;

import java.awt.Font;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns token strings as tokenizers write them into labels a class can read on a projector.
 *
 * <p>Byte-level BPE tokenizers (GPT-2, Qwen2) spell every byte as a printable character: a space
 * becomes "Ġ" (U+0120), a newline "Ċ" (U+010A), a tab "ĉ" (U+0109), and the bytes of a non-ASCII
 * character become several Latin-1-looking characters ("Ã©" for "é"). A label undoes that
 * mapping and decodes the bytes as UTF-8 when they form whole characters, then makes the
 * invisible visible: a space is drawn "␣", a newline "↵", a tab "⇥", and any other control or
 * formatting character (including bidirectional overrides) as its code, "\x07" or "\u202E".
 * SentencePiece's word marker "▁" is a space too. Labels longer than {@link #MAX_CHARS}
 * characters are cut and end in "…".
 *
 * <p>Labels are for drawing only; file names never contain token text.
 */
public final class TokenLabels {
    /** The longest label drawn, in characters (code points), the ellipsis included. */
    public static final int MAX_CHARS = 12;

    /** Drawn for a space (U+2423 OPEN BOX), or a middle dot where the font lacks it. */
    static final String SPACE;
    /** Drawn for a newline (U+21B5). */
    static final String NEWLINE;
    /** Drawn for a tab (U+21E5). */
    static final String TAB;
    /** Ends a label that was cut (U+2026). */
    static final String ELLIPSIS;

    static {
        Font font = FigureStyle.font(12, false);
        SPACE = displayable(font, "␣", "·");
        NEWLINE = displayable(font, "↵", "\\n");
        TAB = displayable(font, "⇥", "\\t");
        ELLIPSIS = displayable(font, "…", "...");
    }

    /** The byte each byte-level BPE character stands for, or -1 for characters outside that alphabet. */
    private static final int[] BYTE_OF_CHAR = new int[0x144];

    static {
        // GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves; the other 68
        // bytes (controls, space, DEL, non-breaking space, soft hyphen) are moved to U+0100… in order.
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_OF_CHAR[printable ? b : next++] = b;
        }
    }

    private TokenLabels() {
    }

    /** Labels for a list of tokens, in order. */
    public static List<String> display(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            out.add(display(t));
        }
        return out;
    }

    /** The label for one token: decoded, invisible characters made visible, cut to {@link #MAX_CHARS}. */
    public static String display(String token) {
        if (token == null || token.isEmpty()) {
            return "∅";
        }
        String text = decodeByteLevel(token);
        StringBuilder sb = new StringBuilder();
        text.codePoints().forEach(cp -> sb.append(visible(cp)));
        return elide(sb.toString());
    }

    /**
     * The text a byte-level BPE token stands for, or the token itself when it is not made of
     * byte-level characters or its bytes are not whole UTF-8 characters (a token may hold half of
     * a multi-byte character; then its raw spelling is the honest label).
     */
    static String decodeByteLevel(String token) {
        byte[] bytes = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            int b = c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
            if (b < 0) {
                return token.replace('▁', ' ');
            }
            bytes[i] = (byte) b;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return token;
        }
    }

    private static String visible(int cp) {
        switch (cp) {
            case ' ':
            case 0xA0:
                return SPACE;
            case '\n':
                return NEWLINE;
            case '\t':
                return TAB;
            default:
                break;
        }
        return isInvisible(cp) ? code(cp) : new String(Character.toChars(cp));
    }

    /**
     * The token as the tokenizer wrote it, with every control or formatting character shown as its
     * code ("\\x1B", "\\u202E"): safe to print on a terminal, where an escape sequence in a token
     * would otherwise recolour or rewrite the user's screen.
     */
    public static String escapeInvisible(String token) {
        StringBuilder sb = new StringBuilder(token.length());
        token.codePoints().forEach(cp -> sb.append(isInvisible(cp) ? code(cp) : new String(Character.toChars(cp))));
        return sb.toString();
    }

    /** Characters that draw nothing (or draw something else: bidirectional overrides turn the text around). */
    private static boolean isInvisible(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.PRIVATE_USE || type == Character.UNASSIGNED
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** "\\x07" for a byte-sized code point, "\\u202E" above. */
    private static String code(int cp) {
        return cp <= 0xFF ? String.format("\\x%02X", cp) : String.format("\\u%04X", cp);
    }

    private static String elide(String s) {
        int n = s.codePointCount(0, s.length());
        if (n <= MAX_CHARS) {
            return s;
        }
        int keep = s.offsetByCodePoints(0, MAX_CHARS - 1);
        return s.substring(0, keep) + ELLIPSIS;
    }

    private static String displayable(Font font, String wanted, String fallback) {
        return font.canDisplayUpTo(wanted) == -1 ? wanted : fallback;
    }
}
