package attnscope.report;

import attnscope.report.Report.Banner;
import attnscope.report.Report.Block;
import attnscope.report.Report.Figure;
import attnscope.report.Report.Heading;
import attnscope.report.Report.Paragraph;
import attnscope.report.Report.Preformatted;
import attnscope.report.Report.Table;

/** Renders a {@link Report} as GitHub-flavoured Markdown with the same content as the HTML. */
public final class MarkdownWriter {
    private MarkdownWriter() {
    }

    public static String render(Report report) {
        StringBuilder m = new StringBuilder(8 * 1024);
        for (Block b : report.blocks()) {
            if (b instanceof Heading x) {
                m.append("#".repeat(Math.max(1, Math.min(4, x.level())))).append(' ').append(inline(x.text())).append("\n\n");
            } else if (b instanceof Paragraph x) {
                m.append(inline(x.text())).append("\n\n");
            } else if (b instanceof Banner x) {
                m.append("> **").append(inline(x.text())).append("**\n\n");
            } else if (b instanceof Report.Link x) {
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

    /** Escapes the characters Markdown would read as markup, and HTML that a viewer would render. */
    static String inline(String s) {
        return s.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")
                .replace("<", "&lt;").replace(">", "&gt;").replace("[", "\\[").replace("]", "\\]")
                .replace("\n", " ");
    }

    private static String cell(String s) {
        return inline(s).replace("|", "\\|");
    }
}
