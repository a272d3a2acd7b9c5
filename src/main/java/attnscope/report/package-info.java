/**
 * Reports of an inspection: summary.json (the stable, machine-readable form of CONTRACT.md) and the
 * short human summary that {@code attnscope inspect} prints.
 */
package attnscope.report;
