import { CliError, EXIT, isUnreachable } from './errors';

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
}

/** One JSON request; "nothing answered" becomes exit 3 naming the service and address. */
export async function requestJson<T = unknown>(
  service: string,
  url: string,
  init: { method?: string; body?: unknown; token?: string | undefined; timeoutMs?: number } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(init.timeoutMs ?? 5000),
    });
  } catch (err) {
    if (isUnreachable(err)) {
      throw new CliError(
        EXIT.unreachable,
        `${service} is not reachable at ${new URL(url).origin}`,
        `is it running? (npm start, or check ${service}'s port variable)`,
      );
    }
    throw err;
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: body as T };
}

/** Throws a CliError explaining a non-2xx answer of the projector (token, views building, not found...). */
export function expectOk<T>(service: string, what: string, r: JsonResponse<T>): T {
  if (r.status >= 200 && r.status < 300) return r.body;
  const b = (r.body ?? {}) as {
    error?: string;
    message?: string;
    issues?: { path: string; message: string }[];
  };
  const detail = b.message ?? b.error ?? `HTTP ${r.status}`;
  if (r.status === 401)
    throw new CliError(
      EXIT.failed,
      `${service} refused the token (${what}): ${detail}`,
      'set PROJECTOR_READ_TOKEN (reads) or OPERATOR_TOKEN (reads and operator actions) to the token the projector was started with; npm start prints both',
    );
  if (r.status === 403)
    throw new CliError(
      EXIT.failed,
      `${service} refused (${what}): ${detail}`,
      'operator actions need OPERATOR_TOKEN',
    );
  if (r.status === 503) throw new CliError(EXIT.failed, `${service} cannot ${what} now: ${detail}`);
  if (r.status === 400 && b.issues) {
    throw new CliError(
      EXIT.usage,
      `${service} rejected the request (${what}): ${b.issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`,
    );
  }
  throw new CliError(EXIT.failed, `${what} failed: ${detail} (HTTP ${r.status})`);
}
