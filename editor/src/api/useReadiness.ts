import { useEffect, useState } from 'react';
import { getReadiness, type Readiness } from './health';

/** How often `/readyz` is asked while the editor is open (and again whenever the window gains focus). */
export const READINESS_EVERY_MS = 10_000;

/** The product's readiness: asked now, every {@link READINESS_EVERY_MS} and on window focus; null before the first answer. */
export function useReadiness(): Readiness | null {
  const [readiness, setReadiness] = useState<Readiness | null>(null);
  useEffect(() => {
    let current: AbortController | null = null;
    const ask = () => {
      // A slow answer is dropped when a newer question is asked, so answers never arrive out of order.
      current?.abort();
      const mine = new AbortController();
      current = mine;
      getReadiness({ signal: mine.signal }).then(
        (r) => {
          if (!mine.signal.aborted) setReadiness(r);
        },
        () => undefined,
      );
    };
    ask();
    const timer = window.setInterval(ask, READINESS_EVERY_MS);
    window.addEventListener('focus', ask);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', ask);
      current?.abort();
    };
  }, []);
  return readiness;
}
