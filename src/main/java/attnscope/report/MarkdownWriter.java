package attnscope.report;

import attnscope.report.Report.Banner;
import attnscope.report.Report.Block;
import attnscope.report.Report.Contents;
import attnscope.report.Report.Gallery;
import attnscope.report.Report.Link;
import attnscope.report.Report.Figure;
import attnscope.report.Report.Heading;
import attnscope.report.Report.Paragraph;
import attnscope.report.Report.Preformatted;
import attnscope.report.Report.Table;
import java.util.List;

/** Renders a {@link Report} as GitHub-flavoured Markdown with the same content as the HTML. */
public final class MarkdownWriter {
    private MarkdownWriter() {
    }

    public static String render(Report report) {
        StringBuilder m = new StringBuilder(8 * 1024);
        for (int i = 0; i < report.blocks().size(); i++) {
            Block b = report.blocks().get(i);
            if (b instanceof Contents x) {
                m.append("**Contents**\n\n");
                int n = 1;
                List<Heading> headings = report.headingsAfter(i, x.level());
                boolean ownNumbers = Report.numberedByThemselves(headings);
                for (Heading heading : headings) {
                    m.append(ownNumbers ? "- " : (n++) + ". ").append("[").append(inline(heading.text())).append("](#").append(heading.anchor()).append(")\n");
                }
                for (Link l : x.extra()) {
                    m.append("\n- [").append(inline(l.text())).append("](").append(l.href().replace(" ", "%20")).append(")");
                }
                m.append("\n\n");
            } else if (b instanceof Gallery x) {
                for (Link l : x.images()) {
                    m.append("- [").append(inline(l.text())).append("](").append(l.href().replace(" ", "%20")).append(")\n");
                }
                m.append('\n');
            } else if (b instanceof Heading x) {
                // The contents link to this id: Markdown viewers derive their own anchors in different ways.
                m.append("<a id=\"").append(x.anchor()).append("\"></a>\n\n");
                m.append("#".repeat(Math.max(1, Math.min(4, x.level())))).append(' ').append(inline(x.text())).append("\n\n");
            } else if (b instanceof Paragraph x) {
                m.append(inline(x.text())).append("\n\n");
            } else if (b instanceof Banner x) {
                m.append("> **").append(inline(x.text())).append("**\n\n");
            } else if (b instanceof Report.PageLink x) {
                m.append('[').append(inline(x.text())).append("](").append(x.relativePath().replace(" ", "%20")).append(")\n\n");
            } else if (b instanceof Preformatted x) {
                m.append("```\n").append(x.text().replace("```", "ʼʼʼ")).append(x.text().endsWith("\n") ? "" : "\n").append("```\n\n");
            } else if (b instanceof Figure x) {
                m.append("![").append(inline(x.altText())).append("](").append(x.relativePath().replace(" ", "%20"))
                        .append(")\n\n*").append(inline(x.caption())).append("*\n\n");
            } else if (b instanceof Table x) {
                m.append('|');
                for (String c : x.header()) {
                    m.append(' ').append(cell(c)).append(" |");
                }
                m.append("\n|");
                m.append(" --- |".repeat(x.header().size()));
                m.append('\n');
                for (var row : x.rows()) {
                    m.append('|');
                    for (String c : row) {
                        m.append(' ').append(cell(c)).append(" |");
                    }
                    m.append('\n');
                }
                if (x.caption() != null && !x.caption().isEmpty()) {
                    m.append("\n*").append(inline(x.caption())).append("*\n");
                }
                m.append('\n');
            }
        }
        return m.toString();
    }

    /**
     * Escapes the characters Markdown would read as markup, and HTML that a viewer would render; a
     * `code span` stays a code span (its backticks are markup, its content is shown as is).
     */
    static String inline(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        java.util.regex.Matcher m = HtmlWriter.CODE_SPAN.matcher(s);
        int last = 0;
        while (m.find()) {
            out.append(plain(s.substring(last, m.start()))).append('`').append(m.group(1)).append('`');
            last = m.end();
        }
        return out.append(plain(s.substring(last))).toString();
    }

    private static String plain(String s) {
        return s.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`").replace(String.valueOf(Report.LITERAL_BACKTICK), "\\`")
                .replace("<", "&lt;").replace(">", "&gt;").replace("[", "\\[").replace("]", "\\]")
                .replace("\n", " ");
    }

    private static String cell(String s) {
        return inline(s).replace("|", "\\|");
    }
}
