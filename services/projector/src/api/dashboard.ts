import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

const DASHBOARD_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dashboard');

/**
 * The files the page loads, and nothing else of its folder: the folder also holds its browser test,
 * and whatever is added there later is not published by accident.
 */
export const DASHBOARD_FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/chart.js': 'chart.js',
  '/customer.js': 'customer.js',
  '/dom.js': 'dom.js',
  '/i18n.js': 'i18n.js',
  '/style.css': 'style.css',
};

export function dashboardRoutes(): express.Router {
  const router = express.Router();
  for (const [route, file] of Object.entries(DASHBOARD_FILES))
    router.get(route, (_req, res, next) => {
      // No data in these files: a reload revalidates them, no need for no-store.
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(file, { root: DASHBOARD_DIR, cacheControl: false, dotfiles: 'deny' }, (err) => {
        if (err) next(err);
      });
    });
  return router;
}
