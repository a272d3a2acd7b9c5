package attnscope.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A report as a list of blocks (headings, paragraphs, tables, figures, a banner), written once
 * and rendered to both HTML and Markdown, so the two forms never drift apart.
 */
public final class Report {
    /** One block of the report. */
    public sealed interface Block permits Heading, Paragraph, Table, Figure, Banner, Preformatted, PageLink, Contents,
            Gallery {
    }

    /** A section heading; level 1 is the title. */
    public record Heading(int level, String text, String anchor) implements Block {
    }

    /** A paragraph of plain text (escaped on output; no markup inside). */
    public record Paragraph(String text) implements Block {
    }

    /** A table with a header row; cells are plain text. */
    public record Table(List<String> header, List<List<String>> rows, String caption) implements Block {
        public Table {
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
            for (List<String> r : rows) {
                if (r.size() != header.size()) {
                    throw new IllegalArgumentException("Expected " + header.size() + " cells per row but found " + r.size() + " in " + r);
                }
            }
        }
    }

    /** An image file relative to the report's folder, with a caption and alternative text. */
    public record Figure(String relativePath, String caption, String altText) implements Block {
    }

    /** A warning shown at the top in large type (e.g. "no real model: synthetic figures"). */
    public record Banner(String text) implements Block {
    }

    /** Monospaced text, kept as is (the toy handout table). */
    public record Preformatted(String text) implements Block {
    }

    /** A link to a file relative to the report's folder (the explorer page), as a paragraph of its own. */
    public record PageLink(String relativePath, String text) implements Block {
    }

    /**
     * A table of contents: a link to every heading of {@code level} that follows it, plus the extra
     * links (other pages of the report, relative paths) after them.
     */
    public record Contents(int level, List<Link> extra) implements Block {
        public Contents {
            extra = List.copyOf(extra);
        }
    }

    /** A link to another file of the report (relative path) or an anchor. */
    public record Link(String text, String href) {
    }

    /**
     * Many figures as linked thumbnails (a gallery page); each opens the full figure. Wide ones (a
     * layer's grid of heads) get wider thumbnails.
     */
    public record Gallery(List<Link> images, boolean wide) implements Block {
        public Gallery {
            images = List.copyOf(images);
        }
    }

    /**
     * Stands for a backtick that is text, not the start of a code span: report text marks code with
     * backticks, and text from outside (token strings, the user's passage) may hold backticks of its own.
     * A private-use character, which the writers turn back into a literal backtick.
     */
    static final char LITERAL_BACKTICK = '\uE000';

    /** Text from outside (tokens, the passage) that the writers must show as it is, never as markup. */
    public static String literal(String text) {
        return text == null ? null : text.replace('`', LITERAL_BACKTICK);
    }

    private final String title;
    private final List<Block> blocks = new ArrayList<>();

    public Report(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    public List<Block> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    public Report add(Block block) {
        blocks.add(block);
        return this;
    }

    public Report heading(int level, String text) {
        return add(new Heading(level, text, anchorOf(text)));
    }

    public Report paragraph(String text) {
        return add(new Paragraph(text));
    }

    public Report table(List<String> header, List<List<String>> rows, String caption) {
        return add(new Table(header, rows, caption));
    }

    public Report figure(String relativePath, String caption, String altText) {
        return add(new Figure(relativePath, caption, altText));
    }

    public Report banner(String text) {
        return add(new Banner(text));
    }

    public Report link(String relativePath, String text) {
        return add(new PageLink(relativePath, text));
    }

    public Report preformatted(String text) {
        return add(new Preformatted(text));
    }

    /** A table of contents of the level-2 headings, with links to other pages after them. */
    public Report contents(List<Link> extra) {
        return add(new Contents(2, extra));
    }

    public Report gallery(List<Link> images, boolean wide) {
        return add(new Gallery(images, wide));
    }

    /** The headings of {@code level} that follow block {@code from}, in order. */
    public List<Heading> headingsAfter(int from, int level) {
        List<Heading> out = new ArrayList<>();
        for (int i = from + 1; i < blocks.size(); i++) {
            if (blocks.get(i) instanceof Heading h && h.level() == level) {
                out.add(h);
            }
        }
        return out;
    }

    /**
     * Whether every heading carries its own number ("2b. The key/value cache"): the contents then list
     * them without numbers of their own, which would read "3. 2b. …" and run one ahead after a "2b".
     */
    public static boolean numberedByThemselves(List<Heading> headings) {
        return !headings.isEmpty() && headings.stream().allMatch(h -> h.text().matches("\\d+[a-z]?[.)]\\s.*"));
    }

    /** "3. The toy sentence" → "3-the-toy-sentence": letters, digits and dashes only. */
    static String anchorOf(String text) {
        String a = text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return a.isEmpty() ? "section" : a;
    }
}
