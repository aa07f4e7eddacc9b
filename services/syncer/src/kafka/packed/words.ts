// The words a state repeats in every record (entity types, kinds, sides, event kinds, policies): one
// byte each, and the same string object every time they are read. Held in memory only, never written
// anywhere, so the list may change freely between versions.
export const WORDS: readonly string[] = [
  'customer',
  'preinvoice',
  'person',
  'organization',
  'crm',
  'siagh',
  'upsert',
  'delete',
  'webhook',
  'poll',
  'backfill',
  'manual',
  'redrive',
  'retry',
  'change',
  'resolution',
  'id-index',
  'open-intent',
  'natural-key',
  'new-key',
  'direct',
  'lww',
  'crm-wins',
  'siagh-wins',
  'record',
];

export const WORD_IDS = new Map(WORDS.map((w, i) => [w, i]));
