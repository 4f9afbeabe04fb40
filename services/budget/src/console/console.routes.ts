import fs from 'node:fs';
import path from 'node:path';
import { Router, type Response } from 'express';
import { consoleMessages } from './messages';

const ASSETS = path.join(__dirname, 'assets');

/** The console's Content-Security-Policy: its own script, stylesheet and API only; no inline code, no framing. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  type: string;
  body: Buffer;
}

function asset(file: string, type: string): Asset {
  return { type, body: fs.readFileSync(path.join(ASSETS, file)) };
}

function send(res: Response, { type, body }: Asset): void {
  res.type(type).send(body);
}

/** The console's script: app.js and the ES modules it imports, every `.js` file of the assets. */
export const CONSOLE_MODULES = fs
  .readdirSync(ASSETS)
  .filter((file) => file.endsWith('.js'))
  .sort();

/**
 * The reviewer console at /console: a static page and its ES modules (app.js imports the rest)
 * that talk to the cycle API with the reviewer's bearer token. The page itself is public; it
 * holds no data until a token is given.
 */
export function consoleRoutes(): Router {
  // Read once at start: a missing file fails the service at boot, not a reviewer later.
  const page = asset('index.html', 'text/html; charset=utf-8');
  const scripts = CONSOLE_MODULES.map((file) => ({ file, script: asset(file, 'text/javascript; charset=utf-8') }));
  const style = asset('console.css', 'text/css; charset=utf-8');
  const icon = asset('favicon.svg', 'image/svg+xml');
  const messages: Asset = { type: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify(consoleMessages())) };

  const router = Router();
  router.use('/console', (_req, res, next) => {
    res.set({
      'Content-Security-Policy': CONSOLE_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
    });
    next();
  });
  router.get('/console', (_req, res) => send(res, page));
  for (const { file, script } of scripts) router.get(`/console/${file}`, (_req, res) => send(res, script));
  router.get('/console/console.css', (_req, res) => send(res, style));
  router.get('/console/favicon.svg', (_req, res) => send(res, icon));
  router.get('/console/messages.json', (_req, res) => send(res, messages));
  return router;
}
