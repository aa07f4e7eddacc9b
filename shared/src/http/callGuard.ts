import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A check made right before each request a piece of work sends, its retries included, wherever in the
 * adapters the request is made. The syncer sets one per chunk: a member that lost its partitions (paused
 * past its session, caught in a rebalance) must not send another call for work that another member now
 * owns. The guard throws to refuse. It travels in the async context so that no adapter method needs a
 * parameter for it, and it is checked inside the call's limiter slot, after any wait for its turn.
 */
export type CallGuard = () => Promise<void> | void;

const guards = new AsyncLocalStorage<CallGuard>();

/** Runs `fn` with every request it sends (directly or through the adapters) checked by `guard` first. */
export function guardCalls<T>(guard: CallGuard, fn: () => Promise<T>): Promise<T> {
  return guards.run(guard, fn);
}

/** The guard of the work running now, if any. */
export function currentGuard(): CallGuard | undefined {
  return guards.getStore();
}

/**
 * Runs `fn` under no guard: for a read shared by the work of many callers, which must not fail for all
 * of them because the one that happened to start it lost its partition.
 */
export function unguarded<T>(fn: () => Promise<T>): Promise<T> {
  return guards.exit(fn);
}
