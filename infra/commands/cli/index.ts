import { ADMIN_COMMANDS } from './admin';
import { CYCLE_COMMANDS } from './cycle';
import { parseCommandLine, type CommandTable } from './parser';
import { PAYMENT_COMMANDS } from './payments';

/** Every command of `npm run cli`, by group. */
export const COMMANDS: CommandTable = {
  groups: [
    { name: 'cycle', summary: 'The monthly cycle: start a month, follow it per city, play the reviewers, pay returned payments again.' },
    { name: 'payments', summary: 'Payments the bank returned.' },
    { name: 'beneficiary', summary: "A beneficiary's bank details." },
    { name: 'schedule', summary: 'The Temporal Schedule that starts each month on day 1.' },
    { name: 'token', summary: 'API tokens for people.' },
    { name: 'audit', summary: "The audit trail's hash chain." },
  ],
  commands: [...CYCLE_COMMANDS, ...PAYMENT_COMMANDS, ...ADMIN_COMMANDS],
};

/**
 * `npm run cli -- ...`: help exits 0 on stdout; a usage error exits 2, naming what was wrong over
 * the usage of the nearest group or command on stderr; otherwise the command's own exit code.
 */
export async function runCli(args: string[]): Promise<number> {
  const parsed = parseCommandLine(COMMANDS, args);
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`error: ${parsed.message}\n\n${parsed.usage}`);
    return 2;
  }
  return parsed.command.run(parsed.input);
}
