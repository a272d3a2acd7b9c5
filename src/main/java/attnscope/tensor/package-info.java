/**
 * Tensors as a shape plus a row-major float array, shape formatting for messages, and the
 * NumPy .npy format. No math beyond indexing lives here; the attention formula is in
 * {@code attnscope.attention}.
 */
package attnscope.tensor;
