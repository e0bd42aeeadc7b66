/** A module-level no-op callback (closing after an error, a cleanup whose failure does not matter). */
export function ignore(): void {
  // nothing to do
}
