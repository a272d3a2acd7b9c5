/**
 * Typed names for the captured attention tensors (a layer and a {@link attnscope.capture.Site})
 * and the activation cache that holds them, for the model side and the reference side alike.
 */
package attnscope.capture;
