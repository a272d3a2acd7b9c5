/**
 * Capturing attention from a real model: {@link attnscope.capture.HookedModel} runs a graph whose
 * attention tensors are extra outputs and turns them into the per-head form (heads, T, d)
 * ({@link attnscope.capture.HeadTensors}); typed names ({@link attnscope.capture.Site},
 * {@link attnscope.capture.HookName}) and the {@link attnscope.capture.ActivationCache} hold them,
 * for the model side and the reference side alike.
 */
package attnscope.capture;
