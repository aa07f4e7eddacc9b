import net from 'node:net';

// Below Linux's ephemeral range (32768-60999): a port handed to a child process stays free until the
// child binds it, because nothing listening on port 0 (the simulators, other tests' servers) can be
// given one from here. A port chosen from the ephemeral range was taken by a simulator started in
// between often enough to fail a convergence run ("ingest exited (1)": EADDRINUSE).
const LOW = 20_000;
const HIGH = 32_000;
const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port free right now on 127.0.0.1: tests and benchmarks share this machine, so never a fixed port. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} after 200 tries`);
}
