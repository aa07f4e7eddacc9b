import { createMetrics } from './metrics';

const line = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`${name} `));

describe('projector metrics: conflicts that wait for a person', () => {
  it('counts the unsettled conflicts and ages the oldest from its detection, reading the views once per scrape', async () => {
    let reads = 0;
    const detectedAt = Date.now() - 90_000_000;
    const m = createMetrics(() => {
      reads += 1;
      return Promise.resolve({ count: 3, oldestDetectedAt: detectedAt });
    });
    const text = await m.registry.metrics();
    expect(line(text, 'siaghsync_projector_unsettled_conflicts')).toBe(
      'siaghsync_projector_unsettled_conflicts 3',
    );
    const age = Number(
      line(text, 'siaghsync_projector_oldest_unsettled_conflict_age_seconds')?.split(' ')[1],
    );
    expect(age).toBeGreaterThanOrEqual(90_000);
    expect(age).toBeLessThan(90_010);
    expect(reads).toBe(1);
  });

  it('says 0 when none waits, and NaN (not 0) when the views cannot be read', async () => {
    const none = await createMetrics(() =>
      Promise.resolve({ count: 0, oldestDetectedAt: null }),
    ).registry.metrics();
    expect(line(none, 'siaghsync_projector_unsettled_conflicts')).toBe(
      'siaghsync_projector_unsettled_conflicts 0',
    );
    expect(line(none, 'siaghsync_projector_oldest_unsettled_conflict_age_seconds')).toBe(
      'siaghsync_projector_oldest_unsettled_conflict_age_seconds 0',
    );
    const down = await createMetrics(() => Promise.reject(new Error('views not ready'))).registry.metrics();
    expect(line(down, 'siaghsync_projector_unsettled_conflicts')).toBe(
      'siaghsync_projector_unsettled_conflicts Nan',
    );
  });
});
