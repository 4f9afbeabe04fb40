import { parseArgs } from 'node:util';
import type { z } from 'zod';

/** How the CLI is invoked, at the head of every usage line. */
export const PROGRAM = 'npm run cli --';

/** A positional argument; `rest` takes every remaining word, joined by spaces (a bank name). */
export interface ArgumentSpec {
  name: string;
  description: string;
  rest?: boolean;
}

/** A `--long` option: a flag, or a string option when `value` names what it takes. */
export interface OptionSpec {
  name: string;
  description: string;
  value?: string;
  /** Shown without brackets in the usage line; the command's input schema enforces it. */
  required?: boolean;
}

/**
 * One command of the CLI. Its arguments and options (keys in camelCase, `--wait-ms` as `waitMs`)
 * are checked by `input` before `run` sees them, so a bad value is refused before any network call.
 */
export interface CommandSpec<S extends z.ZodType = z.ZodType> {
  group: string;
  name: string;
  summary: string;
  args: readonly ArgumentSpec[];
  options: readonly OptionSpec[];
  input: S;
  run(input: z.infer<S>): Promise<number>;
}

/** A group of commands (`cycle`, `payments`, ...) and what it is about. */
export interface GroupSpec {
  name: string;
  summary: string;
}

/** The whole command table. */
export interface CommandTable {
  groups: readonly GroupSpec[];
  commands: readonly CommandSpec[];
}

/** What a command line asks for: help (exit 0), a usage error (exit 2), or a command to run. */
export type ParsedCommandLine =
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string; usage: string }
  | { kind: 'run'; command: CommandSpec; input: unknown };

/** Declares a command with its input type inferred from its schema. */
export function defineCommand<S extends z.ZodType>(spec: CommandSpec<S>): CommandSpec<S> {
  return spec;
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const isOption = (word: string) => word.startsWith('-');

function argumentUsage(a: ArgumentSpec): string {
  return a.rest ? `<${a.name}...>` : `<${a.name}>`;
}

function optionUsage(o: OptionSpec): string {
  const text = o.value ? `--${o.name} <${o.value}>` : `--${o.name}`;
  return o.required ? text : `[${text}]`;
}

/** The one-line synopsis of a command, without the program name. */
export function synopsis(command: CommandSpec): string {
  return [command.group, command.name, ...command.args.map(argumentUsage), ...command.options.map(optionUsage)].join(' ');
}

function listing(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}

/** Commands one to a synopsis line, the summary indented under it: the synopses are too long for columns. */
function commandListing(commands: readonly CommandSpec[]): string {
  return commands.map((c) => `  ${synopsis(c)}\n      ${c.summary}`).join('\n');
}

/** The usage of the whole CLI: every command, one line each. */
export function topUsage(table: CommandTable): string {
  return [
    `usage: ${PROGRAM} <group> <command> [arguments] [options]`,
    '',
    'commands:',
    commandListing(table.commands),
    '',
    `Every command takes --help (\`${PROGRAM} cycle status --help\`); --json prints one JSON document instead of text.`,
    '',
  ].join('\n');
}

/** The usage of one group: its commands. */
export function groupUsage(table: CommandTable, group: GroupSpec): string {
  return [
    `usage: ${PROGRAM} ${group.name} <command> [arguments] [options]`,
    '',
    group.summary,
    '',
    'commands:',
    commandListing(table.commands.filter((c) => c.group === group.name)),
    '',
    `\`${PROGRAM} ${group.name} <command> --help\` describes a command's arguments and options.`,
    '',
  ].join('\n');
}

/** The usage of one command: its synopsis, arguments and options. */
export function commandUsage(command: CommandSpec): string {
  const options: [string, string][] = [
    ...command.options.map((o): [string, string] => [o.value ? `--${o.name} <${o.value}>` : `--${o.name}`, o.description]),
    ['-h, --help', 'print this help'],
  ];
  return [
    `usage: ${PROGRAM} ${synopsis(command)}`,
    '',
    `${command.summary.charAt(0).toUpperCase()}${command.summary.slice(1)}.`,
    ...(command.args.length > 0 ? ['', 'arguments:', listing(command.args.map((a) => [argumentUsage(a), a.description]))] : []),
    '',
    'options:',
    listing(options),
    '',
  ].join('\n');
}

function parseOptions(command: CommandSpec, words: string[]) {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const o of command.options) options[o.name] = { type: o.value ? 'string' : 'boolean' };
  try {
    return { ok: true as const, ...parseArgs({ args: words, options, allowPositionals: true, strict: true }) };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const named = /'(-[^' ]+)/.exec((error as Error).message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return { ok: false as const, message: `unknown option ${named}` };
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const spec = command.options.find((o) => `--${o.name}` === named);
      return { ok: false as const, message: spec?.value ? `${named} needs a value <${spec.value}>` : `${named} takes no value` };
    }
    throw error;
  }
}

/** The display name of an input key in messages: `<month>` for an argument, `--role` for an option. */
function inputName(command: CommandSpec, key: string): string {
  return command.args.some((a) => a.name === key) ? `<${key}>` : `--${kebab(key)}`;
}

function commandInput(command: CommandSpec, words: string[]): { ok: true; input: unknown } | { ok: false; message: string } {
  const parsed = parseOptions(command, words);
  if (!parsed.ok) return parsed;
  const raw: Record<string, unknown> = {};
  const positionals = [...parsed.positionals];
  for (const a of command.args) {
    const value = a.rest ? positionals.splice(0).join(' ').trim() : positionals.shift();
    if (!value) return { ok: false, message: `missing ${argumentUsage(a)}: ${a.description}` };
    raw[a.name] = value;
  }
  if (positionals.length > 0)
    return { ok: false, message: `unexpected argument${positionals.length > 1 ? 's' : ''} ${positionals.join(' ')}` };
  for (const [name, value] of Object.entries(parsed.values)) raw[camel(name)] = value;
  const checked = command.input.safeParse(raw);
  if (checked.success) return { ok: true, input: checked.data };
  const message = checked.error.issues
    .map((issue) => {
      const key = String(issue.path[0] ?? '');
      const got = raw[key];
      return `${inputName(command, key)} ${issue.message}${typeof got === 'string' ? ` (got ${got})` : ''}`;
    })
    .join('; ');
  return { ok: false, message };
}

/**
 * Reads a command line against the table. `--help` (or `-h`, or a leading `help`) anywhere
 * before `--` asks for the usage of the deepest group or command named before it.
 */
export function parseCommandLine(table: CommandTable, argv: readonly string[]): ParsedCommandLine {
  let words = [...argv];
  let help = false;
  if (words[0] === 'help') {
    help = true;
    words = words.slice(1);
  }
  const end = words.indexOf('--');
  const before = end >= 0 ? words.slice(0, end) : words;
  if (before.includes('--help') || before.includes('-h')) {
    help = true;
    words = words.filter((w, i) => (end >= 0 && i >= end) || (w !== '--help' && w !== '-h'));
  }

  const top = topUsage(table);
  const [groupName, commandName] = words;
  if (groupName === undefined || isOption(groupName)) {
    if (help) return { kind: 'help', text: top };
    return { kind: 'error', message: groupName === undefined ? 'name a command' : `unknown option ${groupName}`, usage: top };
  }
  const group = table.groups.find((g) => g.name === groupName);
  if (!group) {
    const elsewhere = table.commands.filter((c) => c.name === groupName).map((c) => `'${c.group} ${c.name}'`);
    const hint = elsewhere.length > 0 ? ` (did you mean ${elsewhere.join(' or ')}?)` : '';
    return { kind: 'error', message: `unknown command '${groupName}'${hint}`, usage: top };
  }
  const usage = groupUsage(table, group);
  if (commandName === undefined || isOption(commandName)) {
    if (help) return { kind: 'help', text: usage };
    const names = table.commands.filter((c) => c.group === group.name).map((c) => c.name);
    return { kind: 'error', message: `'${group.name}' needs a command: ${names.join(', ')}`, usage };
  }
  const command = table.commands.find((c) => c.group === group.name && c.name === commandName);
  if (!command) return { kind: 'error', message: `unknown command '${group.name} ${commandName}'`, usage };
  if (help) return { kind: 'help', text: commandUsage(command) };
  const input = commandInput(command, words.slice(2));
  if (!input.ok) return { kind: 'error', message: `${group.name} ${command.name}: ${input.message}`, usage: commandUsage(command) };
  return { kind: 'run', command, input: input.input };
}
