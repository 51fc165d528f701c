/**
 * Benchmark: what identity and access cost on the execution route, and the token endpoint's rate.
 *
 *   node --import tsx bench/auth.ts [--duration 5] [--rounds 3] [--connections 50] [--directory embedded|ldap] [--cpu-prof <folder>]
 *
 * One real emulator process on 127.0.0.1 with two published copies of the three-step flow of
 * bench/sync-execution.ts: `bench-open` (a version with no groups: anyone, no credentials) and
 * `bench-guarded` (a version whose authorisation names one group). autocannon drives, one after the
 * other with the same settings, in rounds (a warm-up of each in the first), a ratio per round and the
 * goal on the median (other load on a shared machine falls on all three cases alike):
 *   (baseline) the open version without credentials;
 *   (a) the guarded version with a Bearer token of an OAuth client in the group (client
 *       credentials; the JWT is verified and the groups checked on every request);
 *   (b) the guarded version with HTTP Basic credentials of a directory user in the group (the
 *       password checked against the directory once, then served from the gateway's short cache:
 *       the warm-up fills it);
 *   (c) the token endpoint: client-credentials grants (client_secret_basic) at fewer connections.
 * Goals (issue 9): (a) req/s ratio ≥ 0.9 of the baseline; (b) ≥ 0.8; (c) is measured and recorded
 * (no goal: each grant checks the client secret's scrypt hash — deliberately slow — and signs a JWT;
 * the failure limiter counts failures only, so right answers are never slowed by it).
 *
 * The directory Basic is checked against is the one block `directorySetup` below: `embedded`
 * (users and groups in gateway.yaml) or `ldap` (default: a real slapd from test/support/slapd.ts, what
 * issue 9 measures).
 */
import autocannon from 'autocannon';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hashSecret } from '../src/core/gatewayConfig/scrypt';
import { ADMIN_DN, ADMIN_PASSWORD, removeSlapdDir, SEED_LDIF, startSlapd, SUFFIX } from '../test/support/slapd';
import { apiOk, fmt, printTable, printVerdicts, runBenchmark, startEmulator, startPath, THREE_STEP_FLOW, trackTempDir, uploadPackage } from './lib/harness';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    'token-connections': { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    directory: { type: 'string', default: 'ldap' },
    'cpu-prof': { type: 'string' },
  },
});
const DURATION_S = Math.min(30, Math.max(1, Number(values.duration)));
const CONNECTIONS = Math.min(200, Math.max(1, Number(values.connections)));
const TOKEN_CONNECTIONS = Math.min(100, Math.max(1, Number(values['token-connections'])));
const WARMUP_S = Math.min(10, Math.max(0, Number(values.warmup)));
const ROUNDS = Math.min(9, Math.max(1, Math.floor(Number(values.rounds))));
const DIRECTORY = values.directory;
if (DIRECTORY !== 'embedded' && DIRECTORY !== 'ldap') throw new Error(`--directory must be embedded or ldap, got '${DIRECTORY}'`);

const FLOW = 'bench/Three-Step';
const REQUEST_BODY = JSON.stringify({ inputVariables: { device: 'router-1' } });
const CLIENT_ID = 'bench-ci';
const CLIENT_SECRET = 'bench-ci-secret-0123456789abcdef';

interface DirectorySetup {
  /** The `directory:` section of gateway.yaml (YAML, indented by two) and the Admin group. */
  yaml: string;
  adminGroup: string;
  /** The group the guarded version names, that the Basic user and the OAuth client are in. */
  group: string;
  basic: { user: string; password: string };
  describe: string;
  stop(): Promise<void>;
}

/**
 * THE directory block: embedded (gateway.yaml users and groups) or a real slapd. Switching the
 * benchmark to LDAP is `--directory ldap`; nothing else changes.
 */
async function directorySetup(kind: 'embedded' | 'ldap'): Promise<DirectorySetup> {
  if (kind === 'embedded') {
    const password = 'bench-user-password-0123';
    return {
      yaml:
        `directory:\n  kind: embedded\n  users:\n    - {name: bench-user, passwordHash: "${await hashSecret(password)}"}\n` +
        `  groups:\n    - {name: flowgate-admins, members: []}\n    - {name: bench-operators, members: [bench-user]}\n`,
      adminGroup: 'flowgate-admins',
      group: 'bench-operators',
      basic: { user: 'bench-user', password },
      describe: 'embedded directory (gateway.yaml, scrypt hash)',
      stop: async () => undefined,
    };
  }
  // A real slapd seeded with test/support/slapd.ts's people and groups (alice in ops; admins).
  const slapd = await startSlapd({ seed: SEED_LDIF() });
  return {
    yaml:
      `directory:\n  kind: ldap\n  url: ${slapd.url}\n  bindDn: "${ADMIN_DN}"\n  bindPassword: "${ADMIN_PASSWORD}"\n` +
      `  userBase: "ou=people,${SUFFIX}"\n  groupBase: "ou=groups,${SUFFIX}"\n  membership: member\n`,
    adminGroup: 'admins',
    group: 'ops',
    basic: { user: 'alice', password: 'alice-pw' },
    describe: `slapd at ${slapd.url} (ldapts, member, nested groups)`,
    stop: async () => {
      await slapd.stop();
      removeSlapdDir(slapd);
    },
  };
}

function load(url: string, seconds: number, headers: Record<string, string>, opts: { body?: string; connections?: number } = {}): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    headers,
    body: opts.body ?? REQUEST_BODY,
    connections: opts.connections ?? CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
  });
}

runBenchmark(
  'auth',
  async () => {
    const dir = await directorySetup(DIRECTORY);
    try {
      await measureWith(dir);
    } finally {
      await dir.stop(); // slapd too, whatever happened
    }
  },
  180_000,
);

async function measureWith(dir: DirectorySetup): Promise<void> {
  const dataDir = trackTempDir(mkdtempSync(path.join(os.tmpdir(), 'flowgate-bench-auth-')));
  writeFileSync(
    path.join(dataDir, 'gateway.yaml'),
    dir.yaml +
      `adminGroups: [${dir.adminGroup}]\n` +
      `clients:\n  - {id: ${CLIENT_ID}, secretHash: "${await hashSecret(CLIENT_SECRET)}", groups: [${dir.group}]}\n`,
    { mode: 0o600 },
  );
  // --cpu-prof <folder>: the emulator writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  const prof = values['cpu-prof'];
  const gw = await startEmulator({ dataDir, ...(prof ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(prof)}`] } : {}) });
  try {
    await uploadPackage(gw.url, 'bench-open', 1, { [FLOW]: THREE_STEP_FLOW });
    await uploadPackage(gw.url, 'bench-guarded', 1, { [FLOW]: THREE_STEP_FLOW });
    await apiOk(gw.url, 'PUT', '/api/v1/packages/bench-guarded/versions/1/authorisation', { groups: [dir.group] });

    const disc = await apiOk<{ token_endpoint: string }>(gw.url, 'GET', '/oauth/.well-known/openid-configuration', undefined, { authorization: '' });
    const clientBasic = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`;
    const tokenHeaders = { authorization: clientBasic, 'content-type': 'application/x-www-form-urlencoded' };
    const tokenRes = await fetch(disc.token_endpoint, { method: 'POST', headers: tokenHeaders, body: 'grant_type=client_credentials' });
    const { access_token: token, expires_in: ttl } = (await tokenRes.json()) as { access_token: string; expires_in: number };
    if (!token) throw new Error(`no token for ${CLIENT_ID}: ${tokenRes.status}`);
    if (ttl < ROUNDS * 3 * (WARMUP_S + DURATION_S) + 30) throw new Error(`the token lives ${ttl} s, less than the run needs`);

    const open = `${gw.url}${startPath(FLOW, { packageName: 'bench-open' })}`;
    const guarded = `${gw.url}${startPath(FLOW, { packageName: 'bench-guarded' })}`;
    const json = { 'content-type': 'application/json' };
    const bearer = { ...json, authorization: `Bearer ${token}` };
    const basic = { ...json, authorization: `Basic ${Buffer.from(`${dir.basic.user}:${dir.basic.password}`).toString('base64')}` };
    // Each case answers what it should before it is measured (and the guarded one refuses no credentials).
    for (const [what, url, headers, status] of [
      ['open, no credentials', open, json, 200],
      ['guarded, Bearer', guarded, bearer, 200],
      ['guarded, Basic', guarded, basic, 200],
      ['guarded, no credentials', guarded, json, 401],
    ] as const) {
      const r = await fetch(url, { method: 'POST', headers, body: REQUEST_BODY });
      if (r.status !== status) throw new Error(`${what}: ${r.status}, expected ${status}: ${(await r.text()).slice(0, 300)}`);
    }

    console.log(`directory: ${dir.describe}`);
    console.log(`autocannon: ${CONNECTIONS} connections (token endpoint: ${TOKEN_CONNECTIONS}), pipelining 1, ${ROUNDS} rounds of ${DURATION_S} s each, after a ${WARMUP_S} s warm-up of each`);
    const measure = async (url: string, headers: Record<string, string>, opts?: { body?: string; connections?: number }) => {
      if (WARMUP_S > 0) await load(url, WARMUP_S, headers, opts);
      return load(url, DURATION_S, headers, opts);
    };
    // Rounds of baseline, Bearer, Basic, interleaved so that the other load on a shared machine falls on all three;
    // a ratio per round, the goal on the median.
    const rounds: { base: autocannon.Result; bearer: autocannon.Result; basic: autocannon.Result }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const warm = i === 0;
      const once = (url: string, headers: Record<string, string>) => (warm ? measure(url, headers) : load(url, DURATION_S, headers));
      rounds.push({ base: await once(open, json), bearer: await once(guarded, bearer), basic: await once(guarded, basic) });
    }
    const tokens = await measure(disc.token_endpoint, tokenHeaders, { body: 'grant_type=client_credentials', connections: TOKEN_CONNECTIONS });

    const row = (name: string, r: autocannon.Result) => [
      name,
      fmt(r.requests.average, 0),
      fmt(r.latency.p50, 1),
      fmt(r.latency.p99, 1),
      fmt(r.latency.max, 0),
      r['2xx'],
      r.non2xx + r.errors + r.timeouts,
    ];
    printTable(
      'auth: POST sync execution of the three-step flow, and client-credentials grants',
      ['case', 'req/s', 'p50 ms', 'p99 ms', 'max ms', '2xx', 'non-2xx/errors'],
      [
        ...rounds.flatMap((r, i) => [
          row(`round ${i + 1}: open version, no credentials (baseline)`, r.base),
          row(`round ${i + 1}: guarded version, Bearer JWT (client credentials)`, r.bearer),
          row(`round ${i + 1}: guarded version, Basic (${DIRECTORY}, cache warm)`, r.basic),
        ]),
        row(`token endpoint, client_credentials (${TOKEN_CONNECTIONS} conns)`, tokens),
      ],
    );
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ras = rounds.map((r) => r.bearer.requests.average / r.base.requests.average);
    const rbs = rounds.map((r) => r.basic.requests.average / r.base.requests.average);
    const ra = median(ras);
    const rb = median(rbs);
    const all = [...rounds.flatMap((r) => [r.base, r.bearer, r.basic]), tokens];
    const failed = all.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    printVerdicts('auth', [
      { goal: '(a) Bearer on a version with groups / no groups: median req/s ratio >= 0.9', measured: `${fmt(ra, 2)} (rounds ${ras.map((x) => fmt(x, 2)).join(', ')})`, met: ra >= 0.9 },
      { goal: `(b) Basic (${DIRECTORY}, cache warm) / no groups: median req/s ratio >= 0.8`, measured: `${fmt(rb, 2)} (rounds ${rbs.map((x) => fmt(x, 2)).join(', ')})`, met: rb >= 0.8 },
      { goal: '(c) token endpoint, client credentials: req/s and p99 (recorded)', measured: `${fmt(tokens.requests.average, 0)} req/s, p99 ${fmt(tokens.latency.p99, 1)} ms`, met: tokens['2xx'] > 0 },
      { goal: 'every request answered 2xx', measured: `${failed} not 2xx`, met: failed === 0 },
    ]);
  } finally {
    await gw.stop();
  }
}
