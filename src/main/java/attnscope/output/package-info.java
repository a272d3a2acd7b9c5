/**
 * Where results go. A command writes everything into a hidden staging folder inside its output
 * folder ({@link attnscope.output.OutputFolder}) and moves the files into place only once all of
 * them were written, so a failure half-way (a full disk, a folder that turned read-only) leaves
 * the output folder as it was. Bytes reach the disk through a {@link attnscope.output.FileSink},
 * which tests replace to simulate such failures.
 */
package attnscope.output;
