import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Debian's Chromium; playwright-core drives it (it cannot download a browser of its own here). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Makes sure a Chromium is installed for the browser tests: as root on Debian it installs the
 * `chromium` package; anywhere else it says exactly what to install.
 */
export function ensureChromium(log: (line: string) => void): string {
  if (fs.existsSync(CHROMIUM)) return CHROMIUM;
  const asRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (asRoot && hasApt) {
    log('installing Debian chromium for the browser tests (apt-get install chromium)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    const install =
      update.status === 0
        ? spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env })
        : update;
    if (install.status === 0 && fs.existsSync(CHROMIUM)) return CHROMIUM;
  }
  throw new Error(
    `Chromium not found at ${CHROMIUM}: install it (Debian/Ubuntu: \`sudo apt-get install chromium\`) or set CHROMIUM_PATH to a Chromium binary.`,
  );
}
