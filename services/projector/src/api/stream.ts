import type { Response } from 'express';

/**
 * Writes one chunk and waits until the client has taken what is buffered ('drain'), so an export to a
 * slow reader holds one buffer, not the whole export. False when the client went away: stop.
 */
export async function send(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
