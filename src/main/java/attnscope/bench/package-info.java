/**
 * The benchmark: the whole job at Qwen2.5-0.5B scale (a synthetic model of its full shape),
 * timed as medians after a warm-up, with peak memory. Figures are measured, never asserted in
 * unit tests.
 */
package attnscope.bench;
