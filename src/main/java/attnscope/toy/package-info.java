/**
 * The worked examples of the course, small enough to check by hand: the handout's
 * "the cat chases the" (one query, 2-D keys and values), self-attention without learnable
 * weights, the full matrix view, the causal mask, several heads, and how to read one weight.
 *
 * <p>The math here calls {@link attnscope.attention} (the same reference the real model is
 * checked against) and keeps every intermediate number so it can be printed; the text is
 * produced by the formatter classes ({@code *Text}), which return strings and do no I/O.
 * Example inputs are read by {@link attnscope.toy.ToyInput} from a small documented
 * "name = value" format (see {@code src/main/resources/examples/toy/}).
 *
 * <p>Vocabulary: T tokens, d the dimension of queries and keys (d_k), d_v of values.
 * Positions are numbered from 0, as in the handout ("pos 0" … "pos 3").
 */
package attnscope.toy;
