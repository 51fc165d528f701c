/**
 * `flowgate secret set|grant|list|delete`: a gateway's connection secrets. The value is read from
 * standard input (piped) or typed at a hidden prompt (a terminal) — never from the command line,
 * where shell history and the process list would keep it — and is never printed.
 */
import { gatewayUrl, list, positionals, GATEWAY_OPTION, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { clientFor } from '../credentials';
import { CliError, EXIT_OK, UsageError } from '../errors';
import { reportFailure } from '../failures';
import type { Output } from '../output';
import { LIMITS } from '../../core/limits';
import { grantKey, isSecretName, parseGrant, SECRET_NAME_RULE, SECRET_VALUE_RULE, secretValueProblems, type SecretGrant } from '../../core/secrets/rules';
import type { SecretSummary } from '../../core/api/types';

const HELP = `Usage: flowgate secret <set|grant|list|delete> [NAME] [options]

A gateway's connection secrets: the values a connection's \`auth.secret\` names. A secret is
granted to connections of named packages (PKG/CONN: connection CONN of package PKG); only those
resolve it — a connection of the same name in another package gets nothing.

  flowgate secret set NAME --connection PKG/CONN ...   set the value (read from standard input,
                                                        or typed at a hidden prompt) and the grants
  flowgate secret grant NAME --connection PKG/CONN ... change the grants only (none: revoke all)
  flowgate secret list                                  names, grants and times (never values)
  flowgate secret delete NAME

  printf %s "$TOKEN" | flowgate secret set CRM_TOKEN --connection network-ops/crm

The value is never taken from the command line and never printed. Names: ${SECRET_NAME_RULE};
values: ${SECRET_VALUE_RULE} (one trailing newline of piped input is dropped).

Options:
  --connection <PKG/CONN>  a grant; repeatable. With set: left out, a new secret has no grants
                           and an existing one keeps its own
  -g, --gateway <url>      the gateway (default: $FLOWGATE_GATEWAY or http://127.0.0.1:8722)
  --credentials <file>     OAuth client credentials for the gateway (mode 0600). Default:
                           $FLOWGATE_CLIENT_ID and $FLOWGATE_CLIENT_SECRET, else a local
                           emulator's local-admin.json
  --json                   print the secret's (or the list's) JSON: names, grants, times
  -h, --help               show this help

Exit status: 0 done, 1 refused or failed, 2 usage error.`;

function secretName(raw: string): string {
  if (!isSecretName(raw)) throw new UsageError(`NAME must be ${SECRET_NAME_RULE}, got '${String(raw).slice(0, 64)}'`, 'secret');
  return raw;
}

function grants(args: ParsedArgs): SecretGrant[] | undefined {
  const given = list(args, 'connection');
  if (!given.length) return undefined;
  if (given.length > LIMITS.secretGrants) throw new UsageError(`at most ${LIMITS.secretGrants} --connection`, 'secret');
  return given.map((text) => {
    const g = parseGrant(text);
    if (!g) throw new UsageError(`--connection must be PKG/CONN (a package name, '/', a connection id), got '${text.slice(0, 200)}'`, 'secret');
    return g;
  });
}

/** The value: standard input when piped, else a prompt that shows nothing of what is typed. */
async function readValue(name: string, out: Output): Promise<string> {
  const stdin = process.stdin;
  let value: string;
  if (stdin.isTTY) {
    value = await hiddenPrompt(`Value of ${name} (not shown): `);
  } else {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stdin as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > LIMITS.secretValueLength * 4 + 2) throw new CliError('bad-value', `the value on standard input is longer than ${SECRET_VALUE_RULE}`);
      chunks.push(chunk);
    }
    value = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  const problems = secretValueProblems(value);
  if (problems.length) {
    throw new CliError('bad-value', `the value ${problems[0].message}${value.length === 0 ? ' (nothing was read from standard input)' : ''}`, { hint: out.json ? undefined : 'Pipe it in: printf %s "$VALUE" | flowgate secret set NAME ...' });
  }
  return value;
}

function hiddenPrompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    // Echo off before the prompt shows: a value typed the moment the prompt appears is never echoed.
    stdin.setRawMode(true);
    process.stderr.write(question);
    let value = '';
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new CliError('cancelled', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (value.length <= LIMITS.secretValueLength) value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

function describe(s: SecretSummary): string {
  const g = s.grants.length ? s.grants.map(grantKey).join(', ') : 'no connections';
  return `${s.name}  → ${g}  (updated ${s.updatedAt}${s.updatedBy ? ` by ${s.updatedBy}` : ''})`;
}

async function run(args: ParsedArgs, out: Output): Promise<number> {
  const [sub, rawName] = positionals('secret', args, ['set|grant|list|delete', 'NAME'], 1);
  const gateway = gatewayUrl(args);
  const needName = () => {
    if (rawName === undefined) throw new UsageError(`missing argument <NAME>`, 'secret');
    return secretName(rawName);
  };
  if (!['set', 'grant', 'list', 'delete'].includes(sub)) throw new UsageError(`unknown subcommand '${sub}' (expected: set, grant, list, delete)`, 'secret');
  if (sub === 'list' && rawName !== undefined) throw new UsageError(`unexpected argument '${rawName}'`, 'secret');
  if ((sub === 'list' || sub === 'delete') && list(args, 'connection').length) throw new UsageError(`--connection applies to set and grant`, 'secret');
  const name = sub === 'list' ? '' : needName();
  const wanted = grants(args);
  try {
    const client = clientFor(gateway, args);
    if (sub === 'list') {
      const { secrets } = await client.listSecrets();
      if (out.json) out.document({ gateway, secrets });
      else if (!secrets.length) out.line(`no connection secrets on ${gateway}`);
      else for (const s of secrets) out.line(describe(s));
    } else if (sub === 'delete') {
      await client.deleteSecret(name);
      if (out.json) out.document({ gateway, deleted: name });
      else out.line(`${out.style('green', '✓')} deleted secret ${out.style('bold', name)} on ${gateway}`);
    } else if (sub === 'grant') {
      const secret = await client.setSecretGrants(name, wanted ?? []);
      if (out.json) out.document({ gateway, secret });
      else out.line(`${out.style('green', '✓')} ${describe(secret)}`);
    } else {
      const value = await readValue(name, out);
      const { created, secret } = await client.setSecret(name, value, wanted);
      if (out.json) out.document({ gateway, created, secret });
      else out.line(`${out.style('green', '✓')} ${created ? 'set' : 'replaced'} secret ${describe(secret)}`);
    }
    return EXIT_OK;
  } catch (err) {
    return reportFailure(out, err, { command: 'secret', gateway });
  }
}

export const secretCommand: Command = {
  name: 'secret',
  summary: "set, grant, list or delete a gateway's connection secrets (values from standard input)",
  help: HELP,
  options: { ...GATEWAY_OPTION, connection: { type: 'string', multiple: true } },
  run,
};
