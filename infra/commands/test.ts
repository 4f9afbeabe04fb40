import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureChromium } from '../chromium';
import { ROOT } from '../paths';

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * The whole gate: type check, lint, then every jest test against a real Temporal dev server
 * and real PostgreSQL. Ends with one "N passed, N failed" line and fails when nothing ran.
 */
export async function runTests(args: string[]): Promise<number> {
  const node = process.execPath;
  const bin = (pkg: string, file: string) => path.join(ROOT, 'node_modules', pkg, file);
  const quick = args.length > 0; // a filter given: run just those tests
  if (!quick) {
    process.stderr.write('[fund] type checking...\n');
    if ((await run(node, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit'])) !== 0) return 1;
    process.stderr.write('[fund] linting...\n');
    if ((await run(node, [bin('eslint', 'bin/eslint.js'), '.', '--max-warnings', '0'])) !== 0) return 1;
  }
  ensureChromium((line) => process.stderr.write(`[fund] ${line}\n`));
  const resultsFile = path.join(ROOT, '.data', 'jest-results.json');
  await fs.promises.mkdir(path.dirname(resultsFile), { recursive: true });
  await fs.promises.rm(resultsFile, { force: true });
  const code = await run(node, [bin('jest', 'bin/jest.js'), '--json', `--outputFile=${resultsFile}`, ...args]);
  let passed = 0;
  let failed = 0;
  try {
    const results = JSON.parse(await fs.promises.readFile(resultsFile, 'utf8')) as { numPassedTests: number; numFailedTests: number };
    passed = results.numPassedTests;
    failed = results.numFailedTests;
  } catch {
    process.stderr.write('[fund] jest wrote no results\n');
    return code === 0 ? 1 : code;
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  if (passed === 0) {
    process.stderr.write('[fund] no test ran: failing\n');
    return 1;
  }
  return code === 0 && failed === 0 ? 0 : 1;
}
