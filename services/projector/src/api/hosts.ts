import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';

/**
 * Names a loopback listener is reached by. They are always allowed: a page of another site can make a
 * browser send its own name (DNS rebinding), never one of these.
 */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

const norm = (h: string): string => h.trim().toLowerCase().replace(/\.$/, '');

/** Comma-separated host names, as PROJECTOR_ALLOWED_HOSTS takes them (no ports, no schemes). */
export const hostList = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const hosts = v.split(',').map(norm).filter(Boolean);
    for (const h of hosts)
      if (!/^[a-z0-9.-]+$/.test(h) && !/^[0-9a-f:]+$/.test(h))
        ctx.addIssue({ code: 'custom', message: `not a host name or address (no port, no scheme): ${h}` });
    return hosts;
  });

/** The host a Host header names, without its port; IPv6 without brackets. Null when malformed. */
export function hostOf(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^\[([0-9a-fA-F:.]+)\](?::\d+)?$/.exec(header) ?? /^([^:[\]\s]+)(?::\d+)?$/.exec(header);
  return m?.[1] ? norm(m[1]) : null;
}

/** Loopback names, the configured names and the listen address unless it is a wildcard (0.0.0.0, ::). */
export function allowedHosts(listenHost: string, configured: string[]): Set<string> {
  const listen = norm(listenHost.replace(/^\[|\]$/g, ''));
  const wildcard = listen === '0.0.0.0' || listen === '::' || listen === '';
  return new Set([...LOOPBACK_HOSTS, ...configured.map(norm), ...(wildcard ? [] : [listen])]);
}

/**
 * Refuses a request whose Host is not one of ours (421). A browser tricked by DNS rebinding sends the
 * attacker's name here; the name is not echoed back (nothing from the request is).
 */
export function hostCheck(allowed: Set<string>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = hostOf(req.headers.host);
    if (host !== null && allowed.has(host)) return next();
    res.status(421).json({
      error: 'host-not-allowed',
      message:
        'this projector does not answer to the host name in the Host header; list it in PROJECTOR_ALLOWED_HOSTS',
    });
  };
}
