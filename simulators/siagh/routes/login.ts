import express, { type Router } from 'express';
import { z } from 'zod';
import { formatIranTime } from '../../common/clock';
import { md5Upper, type SiaghSessions } from '../auth';
import type { SiaghStore } from '../store';

const loginSchema = z.object({ UserName: z.string(), Password: z.string() });

export const LOGIN_FAILED = { Message: 'نام کاربری یا کلمه عبور اشتباه است.' };

export function loginRoutes(
  sessions: SiaghSessions,
  store: SiaghStore,
  creds: { username: string; password: string; contactCode: number },
): Router {
  const r = express.Router();
  r.post('/GeneralApi/LoginUser', (req, res) => {
    const body = loginSchema.safeParse(req.body ?? {});
    // The stored hash is compared as a string: a plain or lower-case-hex password is just wrong.
    if (
      !body.success ||
      body.data.UserName !== creds.username ||
      body.data.Password !== md5Upper(creds.password)
    ) {
      res.status(401).json(LOGIN_FAILED);
      return;
    }
    const s = sessions.open(body.data.UserName);
    const now = store.clock.now();
    res.json({
      SessionId: s.sessionId,
      Token: s.token,
      UserCode: 1,
      UserName: body.data.UserName,
      ContactCode: creds.contactCode,
      FiscalYear: store.fiscalYear(),
      BranchCode: 1,
      BranchName: 'دفتر مرکزی',
      SystemDate: store.systemDate(),
      SystemTime: formatIranTime(now),
      IsAdmin: true,
      Version: '8.3.1404.12',
    });
  });
  return r;
}
