/**
 * The reference attention, written to read like the formula
 * softmax(Q·Kᵀ/√d_k + mask)·V, one short named step per term, in plain Java with no I/O.
 *
 * <p>Vocabulary, used in every comment and message: T tokens (query positions; in a forward
 * pass without a cache the keys are the same T positions), H query heads, Hkv key/value
 * heads, d head dimension (d_k = d_v = d), D hidden size = H·d. One head's query matrix is
 * (T, d), its scores and pattern (T, T), its output z (T, d).
 *
 * <p>Everything later in the tool (the toy handout, the checks against ONNX Runtime) calls
 * these functions, so they are tested on known values, on properties and against an
 * independent computation.
 */
package attnscope.attention;
