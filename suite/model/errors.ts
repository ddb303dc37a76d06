/** A user's mistake on the command line or in a file they gave: said in one line, exit 2, nothing written. */
export class UsageError extends Error {
  override name = "UsageError";
}
