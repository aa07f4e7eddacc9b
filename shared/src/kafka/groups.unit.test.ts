import { mayOwnGroup, ownsGroup } from './groups';

describe("a deployment's consumer groups", () => {
  it('without a topic prefix: every group named with the prefix', () => {
    expect(ownsGroup('siaghsync-syncer', [], 'siaghsync', '')).toBe(true);
    expect(ownsGroup('siaghsync-projector.v1', ['siaghsync.outcomes'], 'siaghsync', '')).toBe(true);
    expect(ownsGroup('billing-app', ['siaghsync.outcomes'], 'siaghsync', '')).toBe(false);
  });

  it("with one: its prefixed groups, and the projector's unprefixed group on its topics only", () => {
    const p = 'demo1.';
    expect(ownsGroup('demo1.siaghsync-syncer', [], 'siaghsync', p)).toBe(true);
    expect(ownsGroup('siaghsync-projector.v1', ['demo1.siaghsync.outcomes'], 'siaghsync', p)).toBe(true);
    // Another demo run's projector, or the same group before it committed anything here.
    expect(ownsGroup('siaghsync-projector.v1', ['demo0.siaghsync.outcomes'], 'siaghsync', p)).toBe(false);
    expect(ownsGroup('demo0.siaghsync-syncer', ['demo0.siaghsync.work'], 'siaghsync', p)).toBe(false);
    expect(mayOwnGroup('siaghsync-projector.v1', 'siaghsync', p)).toBe(true);
    expect(mayOwnGroup('demo0.siaghsync-syncer', 'siaghsync', p)).toBe(false);
  });
});
