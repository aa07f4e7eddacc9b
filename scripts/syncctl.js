#!/usr/bin/env node
// `npx syncctl ...`: a plain-JS launcher so the bin works right after `npm ci` (no build step). It
// registers tsx's loader in this process and imports the TypeScript CLI, so exit codes and signals
// are the CLI's own (no child process in between).
import { register } from 'tsx/esm/api';

register();
await import('./syncctl/main.ts');
