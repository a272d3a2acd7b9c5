/**
 * The model on disk: config.json, the model folder layout (Hugging Face), the tokenizer and
 * the download from the hub.
 */
package attnscope.model;
