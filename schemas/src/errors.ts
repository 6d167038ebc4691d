// What a caught value says, without claiming it is an Error: anything can be thrown.

/** What went wrong, in words: an Error's message, or the thrown value as text. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A thrown Error's name (`TimeoutError`, `AbortError`, …); undefined for anything else. */
export function errorName(e: unknown): string | undefined {
  return e instanceof Error ? e.name : undefined;
}

/** A thrown value's string `code` (`ENOENT`, `EEXIST`, `ERR_PARSE_ARGS_…`), if it has one. */
export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
