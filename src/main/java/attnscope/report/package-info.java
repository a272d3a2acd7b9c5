/**
 * Reports for people and scripts: the lesson (one {@link attnscope.report.Report} rendered to
 * HTML and Markdown), inspect's summary.json and its human summary.
 */
package attnscope.report;
