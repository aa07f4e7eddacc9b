import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '@siaghsync/shared/config';
import { loadConfig } from './config';

// The ingest's secrets have their own formats (a URL path segment, Standard Webhooks keys), so each
// applies the shared placeholder check itself; these pin that it does.

const REAL = 'u4S9cVbN0qk2L7rXyF3wZ1mT';
const whsec = (key: string) => `whsec_${Buffer.from(key).toString('base64')}`;

function issues(env: NodeJS.ProcessEnv): ConfigError['issues'] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe('ingest secrets refuse placeholders', () => {
  it('accepts real secrets of every kind', () => {
    expect(
      issues({
        CRM_WEBHOOK_SECRET: REAL,
        CRM_WEBHOOK_SECRETS: `${REAL}x,${REAL}y`,
        INGEST_SIGNING_SECRETS: `erp:${whsec('k9#Lq2!vR7@mZ4$w')}`,
      }),
    ).toEqual([]);
  });

  it('refuses the old compose default and a placeholder among rotated secrets', () => {
    expect(issues({ CRM_WEBHOOK_SECRET: 'change-me-crm-webhook-secret' })).toEqual([
      { variable: 'CRM_WEBHOOK_SECRET', problem: expect.stringContaining('a placeholder') as string },
    ]);
    expect(issues({ CRM_WEBHOOK_SECRETS: `${REAL},xxxxxxxxxxxxxxxxxxxx` })).toEqual([
      {
        variable: 'CRM_WEBHOOK_SECRETS',
        problem: expect.stringContaining('one of them is a placeholder') as string,
      },
    ]);
  });

  it('accepts a random signing key whose bytes hold no letter or digit', () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i % 16)).toString('base64');
    expect(issues({ INGEST_SIGNING_SECRETS: `erp:whsec_${key}` })).toEqual([]);
  });

  it('refuses a signing key whose bytes spell a placeholder', () => {
    expect(issues({ INGEST_SIGNING_SECRETS: `erp:${whsec('change-me-signing-key')}` })).toEqual([
      { variable: 'INGEST_SIGNING_SECRETS', problem: expect.stringContaining('placeholder') as string },
    ]);
  });

  it('reads a secret from CRM_WEBHOOK_SECRET_FILE like any variable', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-secret-')), 'crm');
    fs.writeFileSync(file, `${REAL}\n`);
    expect(loadConfig({ CRM_WEBHOOK_SECRET_FILE: file }).http.crmSecrets).toEqual([REAL]);
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
