import { degradedMessages } from '../api/health';
import { useReadiness } from '../api/useReadiness';

/**
 * A strip under the header while the product cannot do its work (the database refuses writes,
 * Temporal does not answer); empty otherwise. The live region stays mounted so that a screen
 * reader announces both the problem and its end.
 */
export function DegradedBanner() {
  const readiness = useReadiness();
  const messages = readiness ? degradedMessages(readiness) : [];
  return (
    <div className="degraded-banner" role="status" aria-live="polite" aria-label="Service status">
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}
