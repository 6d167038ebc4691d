/**
 * Runs `work` while a timer on this thread ticks every 10 ms, and returns the longest gap between
 * two ticks: how long this thread (the API's, under `npm start`) could not answer.
 */
export async function longestStall(work: () => Promise<unknown>): Promise<{ stallMs: number; result: PromiseSettledResult<unknown> }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 10);
  const [result] = await Promise.allSettled([work()]);
  clearInterval(timer);
  return { stallMs: Math.max(stallMs, performance.now() - last), result: result! };
}
