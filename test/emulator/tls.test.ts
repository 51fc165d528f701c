/**
 * HTTPS (gateway.yaml `tls`): a bad certificate or key refuses the start naming the field; with a
 * good one the gateway serves HTTPS only, on a non-loopback address, with https:// in its URL, its
 * issuer and its audience; core's gateway client trusting the certificate through
 * NODE_EXTRA_CA_CERTS gets client-credentials tokens and runs a flow (recorded as the client); a
 * client that does not trust it is refused by its own TLS check; plain HTTP to the port gets nothing.
 *
 * Certificates are made here with the openssl command line (Ed25519, self-signed, with the
 * loopback and the machine's own address as subject alternative names).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { httpsGet, REPO_ROOT, runEmulatorToExit, startEmulatorProcess } from '../support/emulatorProcess';
import { buildPackage } from './helpers';
import { hashSecret } from '../../src/core/gatewayConfig/scrypt';
import { externalAddress, makeCert } from '../support/tlsFiles';

const FLOW = 'outputs:\n  done:\n    type: boolean\nsteps:\n  - kind: set\n    values:\n      done: true\n';

const CONFIG_HEAD = 'directory:\n  kind: embedded\n  users: []\n  groups:\n    - name: flowgate-admins\n      members: []\n';
const BASIC_PASSWORD = 'tls-user-password-0123';

/** One HTTPS request trusting `ca`; the body parsed as JSON when it is. */
function httpsCall(url: string, ca: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca, headers }, (res) => {
      let t = '';
      res.setEncoding('utf8').on('data', (c: string) => (t += c)).on('end', () => {
        let parsed: unknown = t;
        try {
          parsed = JSON.parse(t);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

let dir: string;
let ext: string;
let good: { cert: string; key: string };
let other: { cert: string; key: string };

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-tls-'));
  ext = externalAddress();
  good = makeCert(dir, 'gateway', ['127.0.0.1', ext]);
  other = makeCert(dir, 'other', ['127.0.0.1']);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, tlsYaml: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, CONFIG_HEAD + tlsYaml);
  return file;
}

describe('tls in gateway.yaml: problems refuse the start (exit 2), naming the field and the file', () => {
  test('missing file, not PEM, a certificate as key, key of another certificate, wrong shape', async () => {
    writeFileSync(path.join(dir, 'not-pem.crt'), 'hello, I am not a certificate\n');
    const keyBody = readFileSync(good.key, 'utf8').split('\n')[1];
    const cases: [string, RegExp][] = [
      [`tls:\n  certFile: missing.crt\n  keyFile: gateway.key\n`, /tls\.certFile: .*missing\.crt does not exist/],
      [`tls:\n  certFile: gateway.crt\n  keyFile: /nonexistent/gateway.key\n`, /tls\.keyFile: \/nonexistent\/gateway\.key does not exist/],
      [`tls:\n  certFile: not-pem.crt\n  keyFile: gateway.key\n`, /tls\.certFile: .*not-pem\.crt is not a PEM certificate/],
      [`tls:\n  certFile: gateway.crt\n  keyFile: gateway.crt\n`, /tls\.keyFile: .*gateway\.crt is not a PEM private key/],
      [`tls:\n  certFile: gateway.crt\n  keyFile: other.key\n`, /tls\.keyFile: the key in .*other\.key does not belong to the certificate in .*gateway\.crt/],
      [`tls:\n  certFile: gateway.crt\n`, /tls\.keyFile: is required/],
      [`tls:\n  certFile: gateway.crt\n  keyFile: gateway.key\n  password: x\n`, /tls\.password: is not a known setting/],
      [`tls:\n  certFile: 12\n  keyFile: gateway.key\n`, /tls\.certFile: must be string/],
    ];
    for (const [i, [yaml, expected]] of cases.entries()) {
      const data = path.join(dir, `data-bad-${i}`);
      const r = await runEmulatorToExit(['--port', '0', '--snmp-port', '0', '--data', data, '--config', config(`bad-${i}`, yaml)]);
      assert.equal(r.code, 2, `${yaml}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, expected, yaml);
      assert.ok(!r.stderr.includes(keyBody), 'the key is never quoted');
      assert.ok(!r.stdout.includes('listening'), 'nothing listens');
    }
  });
});

/** Runs core's gateway client in its own process (NODE_EXTRA_CA_CERTS is read at start). */
function probe(url: string, dataDir: string, packageFile: string, extraCa: string | undefined): Promise<Record<string, any>> {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  for (const k of Object.keys(env)) if (k.startsWith('FLOWGATE_')) delete env[k];
  if (extraCa) env.NODE_EXTRA_CA_CERTS = extraCa;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test', 'support', 'httpsClientProbe.ts'), url, dataDir, packageFile, 'x/Run'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`probe exited ${code}: ${out}${err}`));
      }
    }),
  );
}

describe('with tls, a non-loopback bind serves HTTPS', () => {
  test('https URL, issuer and audience; a trusting client gets tokens and runs a flow; an untrusting one and plain HTTP fail', async () => {
    const cfg = path.join(dir, 'good.yaml');
    writeFileSync(
      cfg,
      `directory:\n  kind: embedded\n  users:\n    - {name: tls-user, passwordHash: "${await hashSecret(BASIC_PASSWORD)}"}\n` +
        `  groups:\n    - {name: flowgate-admins, members: []}\ntls:\n  certFile: gateway.crt\n  keyFile: gateway.key\n`,
    );
    const ca = readFileSync(good.cert, 'utf8');
    const gw = await startEmulatorProcess({ args: ['--host', ext, '--config', cfg], ca });
    try {
      assert.equal(gw.url, `https://${ext}:${gw.port}`);
      assert.ok(!gw.output().includes('WARNING'), 'no plain-HTTP warning with TLS');
      assert.match(gw.output(), /reachable from other machines/);
      const disc = await httpsGet(`${gw.url}/oauth/.well-known/openid-configuration`, ca);
      assert.equal(disc.status, 200);
      const d = (await disc.json()) as { issuer: string; token_endpoint: string };
      assert.equal(d.issuer, `${gw.url}/oauth`);
      assert.ok(d.token_endpoint.startsWith(`${gw.url}/oauth/`), d.token_endpoint);
      assert.equal(JSON.parse(readFileSync(path.join(gw.dataDir, 'local-admin.json'), 'utf8')).issuer, `${gw.url}/oauth`);

      const packageFile = path.join(dir, 'tls-probe.zip');
      writeFileSync(packageFile, await buildPackage('tls-probe', 1, { 'x/Run': FLOW }));
      const trusted = await probe(gw.url, gw.dataDir, packageFile, good.cert);
      assert.equal(trusted.error, undefined, JSON.stringify(trusted));
      assert.equal(trusted.health, 'ok');
      assert.equal(trusted.uploaded, 'tls-probe');
      assert.equal(trusted.run, 'Ended');
      assert.deepEqual(trusted.initiator, { type: 'client', name: 'local-admin' }, 'a client-credentials token is recorded as the client');
      assert.deepEqual(trusted.packages, ['tls-probe']);

      // A token's issuer and audience are the https URLs (its signature was checked by the gateway above).
      const cred = JSON.parse(readFileSync(path.join(gw.dataDir, 'local-admin.json'), 'utf8')) as { client_id: string; client_secret: string };
      const tokenAnswer = await new Promise<string>((resolve, reject) => {
        const req = https.request(d.token_endpoint, { method: 'POST', ca, auth: `${cred.client_id}:${cred.client_secret}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
          let t = '';
          res.setEncoding('utf8').on('data', (c: string) => (t += c)).on('end', () => resolve(t));
        });
        req.on('error', reject);
        req.end('grant_type=client_credentials');
      });
      const claims = JSON.parse(Buffer.from((JSON.parse(tokenAnswer) as { access_token: string }).access_token.split('.')[1], 'base64url').toString('utf8'));
      assert.equal(claims.iss, `${gw.url}/oauth`);
      assert.equal(claims.aud, gw.url);

      // The browser policy knows its own origin is https: over TLS (the sign-in form posts with it); http: is another origin.
      const own = await httpsCall(`${gw.url}/api/v1/packages`, ca, 'GET', { origin: gw.url, authorization: `Bearer ${JSON.parse(tokenAnswer).access_token}` });
      assert.equal(own.status, 200, JSON.stringify(own.body));
      const plainOrigin = await httpsCall(`${gw.url}/api/v1/packages`, ca, 'GET', { origin: `http://${ext}:${gw.port}` });
      assert.equal(plainOrigin.status, 403);
      assert.equal(plainOrigin.body.error.code, 'forbidden-origin');

      // HTTP Basic from a non-loopback address is accepted over TLS (plain HTTP refuses it: bind.test.ts), and recorded as the user.
      const basic = `Basic ${Buffer.from(`tls-user:${BASIC_PASSWORD}`).toString('base64')}`;
      const run = await httpsCall(`${gw.url}/api/default/default/flows/x%2FRun/executions?packageName=tls-probe`, ca, 'POST', { authorization: basic, 'content-type': 'application/json' }, '{}');
      assert.equal(run.status, 200, JSON.stringify(run.body));
      const detail = await httpsCall(`${gw.url}/api/v1/executions/${run.body.executionId}`, ca, 'GET', { authorization: `Bearer ${JSON.parse(tokenAnswer).access_token}` });
      assert.deepEqual(detail.body.initiator, { type: 'user', name: 'tls-user' });
      const untrusted = await probe(gw.url, gw.dataDir, packageFile, other.cert);
      assert.ok(untrusted.error, `a client that does not trust the certificate is refused: ${JSON.stringify(untrusted)}`);
      assert.equal(untrusted.health, undefined);

      let plain: number | string;
      try {
        plain = (await fetch(`http://${ext}:${gw.port}/healthz`, { signal: AbortSignal.timeout(5000) })).status;
      } catch (err) {
        plain = (err as Error).name;
      }
      assert.notEqual(plain, 200, 'plain HTTP to the HTTPS port gets no health answer');
    } finally {
      assert.equal(await gw.stop(), 0);
    }
  });
});
