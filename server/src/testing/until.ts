/** How long {@link until} waits, and how often it asks. */
export interface UntilOptions {
  /** Give up (throw) after this long; 30 s unless told. */
  readonly timeoutMs?: number;
  /** Pause between probes; 50 ms unless told. */
  readonly intervalMs?: number;
}

/** Polls `probe` until it gives a value; throws `timed out waiting for <what>` once the time is up. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, { timeoutMs = 30_000, intervalMs = 50 }: UntilOptions = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
