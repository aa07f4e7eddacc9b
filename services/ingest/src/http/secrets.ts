import { createHash, timingSafeEqual } from 'node:crypto';

// The CRM cannot sign, so its URL carries a secret. Both sides are hashed first so the comparison is
// between equal-length digests (timingSafeEqual needs that, and the length of the guess must not
// matter), and every configured secret is compared without stopping early.

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export class SecretSet {
  private readonly digests: Buffer[];

  constructor(secrets: readonly string[]) {
    this.digests = secrets.map(digest);
  }

  get empty(): boolean {
    return this.digests.length === 0;
  }

  /** Index of the matching secret (logged, to follow a rotation), or -1. */
  match(candidate: string): number {
    const d = digest(candidate);
    let found = -1;
    this.digests.forEach((known, i) => {
      if (timingSafeEqual(known, d) && found < 0) found = i;
    });
    return found;
  }
}
