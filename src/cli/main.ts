/**
 * `flowgate` — the command line: validate, pack, publish, run, and the local gateway emulator.
 * Exit codes: 0 ok, 1 validation or operation failed, 2 usage error; the promotion commands
 * (promote, imports) also 3 refused by the gateway and 4 gateway unreachable (errors.ts).
 */
import type { Command } from './command';
import { authorisationCommand } from './commands/authorisation';
import { emulatorCommand } from './commands/emulator';
import { groupsCommand } from './commands/groups';
import { importsCommand } from './commands/imports';
import { keysCommand } from './commands/keys';
import { loginCommand, logoutCommand } from './commands/login';
import { packCommand } from './commands/pack';
import { promoteCommand } from './commands/promote';
import { publishCommand } from './commands/publish';
import { runCommand } from './commands/run';
import { secretCommand } from './commands/secret';
import { trapCommand } from './commands/trap';
import { validateCommand } from './commands/validate';
import { parseCommandArgs } from './args';
import { EXIT_OK, UsageError } from './errors';
import { reportFailure } from './failures';
import { Output } from './output';
import { CLI_VERSION } from './version';

export const COMMANDS: Command[] = [validateCommand, packCommand, publishCommand, promoteCommand, importsCommand, runCommand, emulatorCommand, trapCommand, loginCommand, logoutCommand, authorisationCommand, groupsCommand, secretCommand, keysCommand];

function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `flowgate ${CLI_VERSION} — automation flows as YAML, packaged and published to a gateway`,
    '',
    'Usage: flowgate <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also after a command: flowgate run --help)',
    '  -v, --version  print the version',
    '  --json         machine-readable output: one JSON document on stdout',
    '',
    'Environment:',
    '  FLOWGATE_GATEWAY  gateway URL used when --gateway is not given (default http://127.0.0.1:8722)',
    '  FLOWGATE_CLIENT_ID, FLOWGATE_CLIENT_SECRET',
    '                    OAuth client credentials for the gateway (CI jobs); without them a local',
    "                    emulator's local-admin.json is used, or --credentials <file>, or the",
    '                    session of `flowgate login --gateway <url>`',
    '  XDG_CONFIG_HOME   where flowgate login keeps sessions (flowgate/sessions.json; default ~/.config)',
    '  NO_COLOR          disable colours',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const wantsJson = argv.includes('--json');
  const out = new Output({ json: wantsJson });
  const [first, ...rest] = argv;

  if (first === undefined) {
    out.note(topLevelHelp());
    return reportFailure(out, new UsageError('missing command'));
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const target = first === 'help' ? rest[0] : undefined;
    if (target !== undefined) return main([target, '--help']);
    if (wantsJson) out.document({ version: CLI_VERSION, commands: COMMANDS.map((c) => ({ name: c.name, summary: c.summary })) });
    else out.line(topLevelHelp());
    return EXIT_OK;
  }
  if (first === '--version' || first === '-v' || first === '-V') {
    if (wantsJson) out.document({ version: CLI_VERSION });
    else out.line(CLI_VERSION);
    return EXIT_OK;
  }
  if (first === '--json' && rest.length > 0 && !rest[0].startsWith('-')) {
    // `flowgate --json <command> ...` is the same as `flowgate <command> ... --json`.
    return main([...rest, '--json']);
  }

  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    const message = first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`;
    return reportFailure(out, new UsageError(message));
  }
  try {
    const args = parseCommandArgs(command.name, rest, command.options);
    if (args.values.help === true) {
      if (wantsJson) out.document({ command: command.name, help: command.help });
      else out.line(command.help);
      return EXIT_OK;
    }
    return await command.run(args, out);
  } catch (err) {
    return reportFailure(out, err, { command: command.name });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`flowgate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
