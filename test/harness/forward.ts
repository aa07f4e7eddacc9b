import type http from 'node:http';

/** Passes one request on to `origin` as it came (method, path, body, content type) and its answer back. */
export function forwardTo(
  origin: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer | undefined,
): void {
  fetch(`${origin}${req.url}`, {
    method: req.method ?? 'GET',
    headers: { 'Content-Type': req.headers['content-type'] ?? 'application/json' },
    ...(body && req.method !== 'GET' ? { body } : {}),
  })
    .then(async (up) => {
      res.writeHead(up.status, { 'Content-Type': up.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await up.arrayBuffer()));
    })
    .catch(() => req.socket.destroy());
}
