import express, { type Router } from 'express';
import { loginSchema, refreshSchema } from '../schemas';
import type { CrmTokens } from '../auth';
import { parseBody } from './respond';

export function authRoutes(tokens: CrmTokens, creds: { username: string; password: string }): Router {
  const r = express.Router();
  r.post('/auth/login', (req, res) => {
    const body = parseBody(loginSchema, req.body, res);
    if (!body) return;
    if (body.username !== creds.username || body.password !== creds.password) {
      res.status(401).json({ success: false, message: 'نام کاربری یا رمز عبور اشتباه است.' });
      return;
    }
    res.json(tokens.login(body.username));
  });
  r.post('/auth/refresh', (req, res) => {
    const body = parseBody(refreshSchema, req.body, res);
    if (!body) return;
    const pair = tokens.refresh(body.refreshToken);
    if (!pair) {
      res.status(401).json({ success: false, message: 'Refresh token is invalid or expired.' });
      return;
    }
    res.json(pair);
  });
  return r;
}
