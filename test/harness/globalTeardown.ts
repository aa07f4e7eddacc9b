export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __SIAGHSYNC_TEARDOWN__?: () => Promise<void> };
  await g.__SIAGHSYNC_TEARDOWN__?.();
}
