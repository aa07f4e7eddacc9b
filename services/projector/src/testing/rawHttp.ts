import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A GET with headers fetch will not send as given (Host), and no redirect following. */
export function rawGet(url: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/**
 * A client that sends a request and then reads nothing: the server's writes fill the socket's buffers
 * and stop (back-pressure). Resolves once the response has started; `destroy()` hangs up.
 */
export function stalledGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ socket: net.Socket; head: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname);
    socket.once('error', reject);
    socket.once('connect', () => {
      const lines = [`GET ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    socket.once('data', (d: Buffer) => {
      socket.pause();
      resolve({ socket, head: d.toString('latin1').split('\r\n')[0] ?? '' });
    });
  });
}
