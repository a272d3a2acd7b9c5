/**
 * Progress reporting on stderr for long jobs (downloads, conversions, many figures): a live bar
 * on a terminal, a few plain lines in logs and CI.
 */
package attnscope.progress;
