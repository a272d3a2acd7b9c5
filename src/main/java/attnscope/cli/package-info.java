/**
 * Thin picocli commands: parse the options, call the library, print. The library never calls
 * System.exit or prints to stdout; exit codes are mapped here (see {@link attnscope.cli.ExitCodes}).
 */
package attnscope.cli;
