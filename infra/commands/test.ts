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
 * The jest projects (jest.config.js) the arguments select (`--selectProjects=<tier>` or
 * `--selectProjects a b`; null: all), and the arguments for jest with the selection moved last:
 * jest takes every word after `--selectProjects` for a project, so a test filter after it would be lost.
 */
function splitProjects(args: string[]): { projects: string[] | null; jestArgs: string[] } {
  const projects: string[] = [];
  const rest: string[] = [];
  let selected = false;
  let selecting = false;
  for (const arg of args) {
    if (arg.startsWith('--selectProjects=')) {
      projects.push(...arg.slice('--selectProjects='.length).split(','));
      selected = true;
      selecting = false;
    } else if (arg === '--selectProjects') {
      selected = selecting = true;
    } else if (selecting && !arg.startsWith('-')) {
      projects.push(arg);
    } else {
      selecting = false;
      rest.push(arg);
    }
  }
  return { projects: selected ? projects : null, jestArgs: selected ? [...rest, '--selectProjects', ...projects] : rest };
}

/**
 * The whole gate: type check, lint, then every tier of jest tests (unit, workflow on a Temporal
 * dev server, service on PostgreSQL, e2e on the whole stack). Given arguments (a filter, or
 * `--selectProjects <tier>`), it runs just those tests. Ends with one "N passed, N failed" line
 * and fails when nothing ran.
 */
export async function runTests(args: string[]): Promise<number> {
  const node = process.execPath;
  const bin = (pkg: string, file: string) => path.join(ROOT, 'node_modules', pkg, file);
  const quick = args.length > 0; // a filter or a tier given: run just those tests
  if (!quick) {
    process.stderr.write('[fund] type checking...\n');
    if ((await run(node, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit'])) !== 0) return 1;
    process.stderr.write('[fund] linting...\n');
    if ((await run(node, [bin('eslint', 'bin/eslint.js'), '.', '--max-warnings', '0'])) !== 0) return 1;
    process.stderr.write('[fund] checking the format (npm run format fixes it)...\n');
    if ((await run(node, [bin('prettier', 'bin/prettier.cjs'), '--check', '.', '--log-level', 'warn'])) !== 0) return 1;
  }
  const { projects, jestArgs } = splitProjects(args);
  // Only the e2e tier drives a browser.
  if (projects?.includes('e2e') ?? true) ensureChromium((line) => process.stderr.write(`[fund] ${line}\n`));
  const resultsFile = path.join(ROOT, '.data', 'jest-results.json');
  await fs.promises.mkdir(path.dirname(resultsFile), { recursive: true });
  await fs.promises.rm(resultsFile, { force: true });
  const code = await run(node, [bin('jest', 'bin/jest.js'), '--json', `--outputFile=${resultsFile}`, ...jestArgs]);
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
