/**
 * Verification checks on captured attention: shapes against config.json, the causal mask,
 * rows summing to 1, reference against model (two-sided |a − b| ≤ atol + rtol·|b|), and
 * a negative control. Every check has a test in which it fails.
 */
package attnscope.check;
