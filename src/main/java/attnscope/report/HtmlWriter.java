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

/** Renders a {@link Report} as one self-contained HTML page (inline CSS, images by relative path). */
public final class HtmlWriter {
    private HtmlWriter() {
    }

    public static String render(Report report) {
        StringBuilder h = new StringBuilder(16 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(report.title())).append("</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n<main>\n");
        for (int i = 0; i < report.blocks().size(); i++) {
            Block b = report.blocks().get(i);
            if (b instanceof Contents x) {
                List<Heading> headings = report.headingsAfter(i, x.level());
                boolean ownNumbers = Report.numberedByThemselves(headings);
                h.append("<nav class=\"toc\" aria-label=\"Contents\"><strong>Contents</strong>\n")
                        .append(ownNumbers ? "<ul class=\"numbered\">\n" : "<ol>\n");
                for (Heading heading : headings) {
                    h.append("<li><a href=\"#").append(escape(heading.anchor())).append("\">").append(escape(heading.text()))
                            .append("</a></li>\n");
                }
                h.append(ownNumbers ? "</ul>\n" : "</ol>\n");
                if (!x.extra().isEmpty()) {
                    h.append("<ul>\n");
                    for (Link l : x.extra()) {
                        h.append("<li><a href=\"").append(escape(l.href())).append("\">").append(escape(l.text())).append("</a></li>\n");
                    }
                    h.append("</ul>\n");
                }
                h.append("</nav>\n");
            } else if (b instanceof Gallery x) {
                h.append(x.wide() ? "<div class=\"gallery wide\">\n" : "<div class=\"gallery\">\n");
                for (Link l : x.images()) {
                    if (l.href().endsWith(".pdf")) {
                        h.append("<a href=\"").append(escape(l.href())).append("\">").append(escape(l.text())).append("</a>\n");
                        continue;
                    }
                    // Lazy: a gallery of hundreds of heads loads only what is scrolled to.
                    h.append("<a href=\"").append(escape(l.href())).append("\"><img src=\"").append(escape(l.href()))
                            .append("\" alt=\"").append(escape(l.text())).append("\" loading=\"lazy\"><span>")
                            .append(escape(l.text())).append("</span></a>\n");
                }
                h.append("</div>\n");
            } else if (b instanceof Heading x) {
                int level = Math.max(1, Math.min(4, x.level()));
                h.append("<h").append(level).append(" id=\"").append(escape(x.anchor())).append("\">")
                        .append(escape(x.text())).append("</h").append(level).append(">\n");
            } else if (b instanceof Paragraph x) {
                h.append("<p>").append(inline(x.text())).append("</p>\n");
            } else if (b instanceof Banner x) {
                h.append("<div class=\"banner\" role=\"alert\">").append(inline(x.text())).append("</div>\n");
            } else if (b instanceof Report.PageLink x) {
                h.append("<p><a href=\"").append(escape(x.relativePath())).append("\">").append(escape(x.text())).append("</a></p>\n");
            } else if (b instanceof Preformatted x) {
                h.append("<pre>").append(escape(x.text())).append("</pre>\n");
            } else if (b instanceof Figure x) {
                h.append("<figure><img src=\"").append(escape(x.relativePath())).append("\" alt=\"")
                        .append(escape(x.altText())).append("\" loading=\"eager\">")
                        .append("<figcaption>").append(inline(x.caption())).append("</figcaption></figure>\n");
            } else if (b instanceof Table x) {
                h.append("<table>\n");
                if (x.caption() != null && !x.caption().isEmpty()) {
                    h.append("<caption>").append(inline(x.caption())).append("</caption>\n");
                }
                h.append("<thead><tr>");
                for (String c : x.header()) {
                    h.append("<th>").append(escape(c)).append("</th>");
                }
                h.append("</tr></thead>\n<tbody>\n");
                for (var row : x.rows()) {
                    h.append("<tr>");
                    for (String c : row) {
                        h.append("<td>").append(escape(c)).append("</td>");
                    }
                    h.append("</tr>\n");
                }
                h.append("</tbody>\n</table>\n");
            }
        }
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    /** A code span in running text: `attnscope fetch`. */
    static final java.util.regex.Pattern CODE_SPAN = java.util.regex.Pattern.compile("`([^`\n]+)`");

    /** Text with its `code spans` as code elements, everything else escaped (the backticks are markup, not text). */
    static String inline(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        java.util.regex.Matcher m = CODE_SPAN.matcher(s);
        int last = 0;
        while (m.find()) {
            out.append(escape(s.substring(last, m.start()))).append("<code>").append(escape(m.group(1))).append("</code>");
            last = m.end();
        }
        return out.append(escape(s.substring(last))).toString();
    }

    /** Escapes text for HTML content and attribute values: token strings can hold anything. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case Report.LITERAL_BACKTICK -> out.append("&#96;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // Control characters (other than tab/newline) have no business in a page.
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static final String CSS = """
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 0; background: #fafafa; color: #1a1a1a; }
            main { max-width: 1400px; margin: 0 auto; padding: 1.5rem 2rem 4rem; background: #fff; }
            h1 { font-size: 2.2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; padding-bottom: .3rem; }
            .banner { font-size: 1.8rem; font-weight: bold; background: #fff3cd; border: 3px solid #d39e00;
                      color: #5c4400; padding: 1rem 1.5rem; margin: 1rem 0 2rem; border-radius: 6px; }
            table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
            th, td { border: 1px solid #ccc; padding: .3rem .7rem; text-align: left; }
            th { background: #f0f0f0; } caption { caption-side: bottom; font-size: .9rem; color: #555; padding-top: .4rem; }
            pre { background: #f6f6f6; padding: 1rem; overflow-x: auto; font-size: .85rem; line-height: 1.35; }
            figure { margin: 1.5rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { font-size: .95rem; color: #444; margin-top: .3rem; }
            code { font-family: "DejaVu Sans Mono", monospace; background: #f0f0f0; padding: 0 .25em; border-radius: 3px; }
            nav.toc { background: #f6f8fa; border: 1px solid #ddd; padding: .6rem 1.2rem; margin: 1rem 0 2rem; }
            nav.toc ol, nav.toc ul { margin: .3rem 0; } nav.toc li { margin: .15rem 0; } nav.toc ul.numbered { list-style: none; padding-left: 1.2rem; }
            .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: .6rem; }
            .gallery.wide { grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); }
            .gallery a { display: block; text-align: center; font-size: .85rem; color: #333; text-decoration: none; }
            .gallery img { width: 100%; height: auto; border: 1px solid #ddd; }
            .gallery span { display: block; }
            """;
}
