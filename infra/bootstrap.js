#!/usr/bin/env node
// Plain JavaScript on purpose: this runs on a fresh clone before any dependency is installed.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node.js ${process.versions.node} is too old: install Node.js 20.19 or later (https://nodejs.org/).`);
  process.exit(1);
}

function dependenciesCurrent() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (!fs.existsSync(installed)) return false;
  return fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs;
}

// `npm install`, not `npm ci`: the lock pins every version, but registries that serve only this
// platform's optional binaries (swc, unrs) leave the other platforms out of it, and `npm ci`
// refuses such a lock while `npm install` installs exactly the locked versions.
if (!dependenciesCurrent()) {
  console.error('[fund] installing dependencies (npm install from package-lock.json)...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[fund] npm install failed: check network access to the npm registry, then run `npm install` by hand.');
    process.exit(result.status ?? 1);
  }
}

require('tsx/cjs');
require('./main.ts');
