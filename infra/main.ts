import { runBench } from './commands/bench';
import { runCli } from './commands/cli';
import { runFixture } from './commands/fixture';
import { runHostile } from './commands/hostile';
import { runStack } from './commands/start';
import { runTests } from './commands/test';

const [command, ...args] = process.argv.slice(2);

const commands: Record<string, (args: string[]) => Promise<number>> = {
  start: runStack,
  test: runTests,
  cli: runCli,
  bench: runBench,
  fixture: runFixture,
  fuzz: runHostile,
};

const handler = command ? commands[command] : undefined;
if (!handler) {
  process.stderr.write(`usage: node infra/bootstrap.js <${Object.keys(commands).join('|')}> [args]\n`);
  process.exit(2);
}
handler(args).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
