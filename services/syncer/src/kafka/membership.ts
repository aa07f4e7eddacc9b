/**
 * Group timings shared by the syncer's two groups (router, processor): heartbeats well inside the session,
 * and a rebalance that waits long enough for a member finishing a slow batch.
 */
export const groupTimings = (sessionTimeoutMs: number) => ({
  sessionTimeout: sessionTimeoutMs,
  heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeoutMs / 4)),
  rebalanceTimeout: Math.max(60_000, sessionTimeoutMs * 2),
});

/**
 * Heartbeats while a batch's work (CRM reads, target writes, a table catch-up) outlasts the session; kafkajs
 * beats only between batches or when asked. Returns the function that stops it.
 */
export function keepBeating(heartbeat: () => Promise<void>, sessionTimeoutMs: number): () => void {
  const beat = setInterval(
    () => void heartbeat().catch(() => undefined),
    Math.min(2_000, sessionTimeoutMs / 5),
  );
  return () => clearInterval(beat);
}
