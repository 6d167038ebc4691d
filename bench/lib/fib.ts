/** The benchmark's unit of work, the same function in Weft's node and in the raw activities. */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
