/**
 * Core's token source (src/core/client/tokens.ts) and GatewayClient with credentials, against a real
 * authorization server started here: oidc-provider 8.x mounted at /oauth of an Express app (RFC 8414
 * discovery, RFC 6749 client credentials, RFC 9068 JWT access tokens signed EdDSA), beside a
 * protected route that verifies tokens with jose. Nothing of the gateway's own code is used, so the
 * client is tested against the standards rather than against the emulator.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Provider from 'oidc-provider';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { GatewayClient, GatewayError } from '../../src/core/client/gatewayClient';
import { credentialSource } from '../../src/core/client/tokens';
import { LOCAL_ADMIN_FILE } from '../../src/core/client/credentials';

const SECRET = 'cc-secret-8f7e6d5c4b3a29181716151413121110';
const TTL = 3; // seconds: short, so that renewal before expiry shows in one test
let server: http.Server;
let base = '';
let issuer = '';
const tokenRequests: string[] = [];
/** Tokens the protected route refuses once more (as if revoked), to exercise the retry. */
const refuseOnce = new Set<string>();
const seenTokens: string[] = [];

before(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = 'test-key';
  const privateJwk = { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'EdDSA', use: 'sig' };
  const publicJwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'EdDSA', use: 'sig' };
  const app = express();
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${base}/oauth`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'ci-job',
        client_secret: SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'EdDSA',
      },
    ],
    jwks: { keys: [privateJwk as never] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => base,
        getResourceServerInfo: () => ({ scope: 'flowgate', audience: base, accessTokenFormat: 'jwt', accessTokenTTL: TTL, jwt: { sign: { alg: 'EdDSA' } } }),
        useGrantedResource: () => true,
      },
    },
  });
  provider.on('grant.success', () => tokenRequests.push('token'));
  const jwks = createLocalJWKSet({ keys: [publicJwk] });
  app.use('/oauth', provider.callback());
  app.get('/.well-known/openid-configuration', async (_req, res) => {
    res.json(await (await fetch(`${issuer}/.well-known/openid-configuration`)).json());
  });
  // A hostile gateway's discovery document: far longer than any real one.
  app.get('/huge/.well-known/openid-configuration', (_req, res) => {
    res.json({ issuer: `${base}/huge`, token_endpoint: `${base}/huge/token`, pad: 'x'.repeat(1024 * 1024) });
  });
  app.get('/api/v1/packages', async (req, res) => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const unauthorized = (why: string) => {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="flowgate", error="invalid_token"').json({ error: { code: 'unauthorized', message: why } });
    };
    if (!m) return unauthorized('a bearer token is needed');
    seenTokens.push(m[1]);
    if (refuseOnce.delete(m[1])) return unauthorized('revoked');
    try {
      await jwtVerify(m[1], jwks, { issuer, audience: base, typ: 'at+jwt', algorithms: ['EdDSA'] });
    } catch (e) {
      return unauthorized((e as Error).message);
    }
    res.json({ packages: [] });
  });
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function credentialsFile(content: object): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-tokens-'));
  const file = path.join(dir, LOCAL_ADMIN_FILE);
  fs.writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
  return { dir, file };
}

async function gatewayError(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof GatewayError, `a GatewayError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a GatewayError');
}

test('without credentials no token is sent; the gateway\'s 401 says none were found and what to do', async () => {
  const source = credentialSource(base, { env: {}, dataDirs: [] }, 'Do this.');
  const client = new GatewayClient(base, { credentials: source });
  const e = await gatewayError(client.listPackages());
  assert.equal(e.status, 401);
  assert.equal(e.code, 'unauthorized');
  assert.match(e.message, /needs credentials for GET \/api\/v1\/packages and none were found for it \(a bearer token is needed\)\. Do this\.$/);
  assert.equal(client.credentialsFound, false);
});

test('public routes (health) fetch no token, so bad credentials do not break a liveness probe', async () => {
  const { dir, file } = credentialsFile({ issuer, client_id: 'ci-job', client_secret: SECRET });
  try {
    fs.chmodSync(file, 0o644);
    const before = tokenRequests.length;
    const client = new GatewayClient(base, { credentials: credentialSource(base, { env: {}, dataDirs: [dir] }) });
    const e = await gatewayError(client.health());
    assert.equal(e.status, 404, 'this test server has no /healthz: the request went out without credentials');
    assert.equal(tokenRequests.length, before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('local-admin.json of a data folder: discovery at its issuer, a client-credentials token, cached and shared, renewed before expiry', async () => {
  const { dir } = credentialsFile({ issuer, client_id: 'ci-job', client_secret: SECRET });
  try {
    const lookup = { env: {}, dataDirs: [dir] };
    const before = tokenRequests.length;
    const a = new GatewayClient(base, { credentials: credentialSource(base, lookup) });
    assert.deepEqual(await a.listPackages(), { packages: [] });
    assert.equal(a.credentialsFound, true);
    const first = seenTokens.at(-1)!;
    // Another client of the same gateway and credentials uses the cached token.
    const b = new GatewayClient(`${base}/`, { credentials: credentialSource(base, lookup) });
    await Promise.all([b.listPackages(), b.listPackages(), a.listPackages()]);
    assert.equal(tokenRequests.length - before, 1, 'one token request for four calls');
    assert.ok(seenTokens.slice(-3).every((t) => t === first));
    // Close to expiry (a fifth of its life left) the token is replaced before the gateway would refuse it.
    await new Promise((r) => setTimeout(r, (TTL * 0.8 + 0.3) * 1000));
    await a.listPackages();
    assert.equal(tokenRequests.length - before, 2);
    assert.notEqual(seenTokens.at(-1), first);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a token the gateway refuses (401) is replaced and the request retried once', async () => {
  const { dir } = credentialsFile({ issuer, client_id: 'ci-job', client_secret: SECRET });
  try {
    const client = new GatewayClient(base, { credentials: credentialSource(base, { env: {}, dataDirs: [dir] }) });
    await client.listPackages();
    const current = seenTokens.at(-1)!;
    refuseOnce.add(current);
    const count = seenTokens.length;
    assert.deepEqual(await client.listPackages(), { packages: [] });
    assert.equal(seenTokens.length - count, 2, 'the refused request and its retry');
    assert.notEqual(seenTokens.at(-1), current, 'the retry carries a fresh token');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('environment credentials: the issuer comes from the gateway\'s discovery document', async () => {
  const client = new GatewayClient(base, { credentials: credentialSource(base, { env: { FLOWGATE_CLIENT_ID: 'ci-job', FLOWGATE_CLIENT_SECRET: SECRET } }) });
  assert.deepEqual(await client.listPackages(), { packages: [] });
});

test('a wrong secret: unauthorized, naming the client and where its credentials came from, never the secret', async () => {
  const wrong = 'wrong-secret-0a1b2c3d4e5f';
  const { dir, file } = credentialsFile({ issuer, client_id: 'ci-job', client_secret: wrong });
  try {
    const e = await gatewayError(new GatewayClient(base, { credentials: credentialSource(base, { env: {}, credentialsFile: file }) }).listPackages());
    assert.equal(e.code, 'unauthorized');
    assert.equal(e.status, 401);
    assert.match(e.message, /refused the client credentials of .*local-admin\.json \(client "ci-job"\): invalid_client/);
    assert.ok(!e.message.includes(wrong));
    const env = await gatewayError(
      new GatewayClient(base, { credentials: credentialSource(base, { env: { FLOWGATE_CLIENT_ID: 'ci-job', FLOWGATE_CLIENT_SECRET: wrong } }) }).listPackages(),
    );
    assert.match(env.message, /the environment \(FLOWGATE_CLIENT_ID\)/);
    assert.ok(!env.message.includes(wrong));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an unusable credentials file is a bad-credentials error before any request; plain http to a network address is refused', async () => {
  const { dir, file } = credentialsFile({ issuer, client_id: 'ci-job', client_secret: SECRET });
  try {
    fs.chmodSync(file, 0o644);
    const count = seenTokens.length;
    const e = await gatewayError(new GatewayClient(base, { credentials: credentialSource(base, { env: {}, dataDirs: [dir] }) }).listPackages());
    assert.equal(e.code, 'bad-credentials');
    assert.match(e.message, /chmod 600/);
    assert.equal(seenTokens.length, count, 'nothing was sent');
    // A gateway on a network address over plain http: the secret is not sent (nothing listens there anyway).
    const remote = 'http://192.0.2.1:8722';
    const insecure = await gatewayError(
      new GatewayClient(remote, { credentials: credentialSource(remote, { env: { FLOWGATE_CLIENT_ID: 'ci-job', FLOWGATE_CLIENT_SECRET: SECRET } }) }).listPackages(),
    );
    assert.equal(insecure.code, 'insecure-credentials');
    assert.ok(!insecure.message.includes(SECRET));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a discovery document longer than the bound is refused, not read whole', async () => {
  const gw = `${base}/huge`;
  const e = await gatewayError(new GatewayClient(gw, { credentials: credentialSource(gw, { env: { FLOWGATE_CLIENT_ID: 'ci-job', FLOWGATE_CLIENT_SECRET: SECRET } }) }).listPackages());
  assert.equal(e.code, 'discovery-failed');
  assert.match(e.message, /longer than 65536 bytes/);
  assert.ok(!e.message.includes(SECRET));
});

// Last: it leaves a cached token of ci-job behind, which the caching test above must not find.
test('credentials that appear later (an emulator writes local-admin.json just after it starts listening) are used by the same client', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgate-tokens-'));
  try {
    const client = new GatewayClient(base, { credentials: credentialSource(base, { env: {}, dataDirs: [dir] }) });
    const e = await gatewayError(client.listPackages());
    assert.match(e.message, /none were found/);
    fs.writeFileSync(path.join(dir, LOCAL_ADMIN_FILE), JSON.stringify({ issuer, client_id: 'ci-job', client_secret: SECRET }), { mode: 0o600 });
    assert.deepEqual(await client.listPackages(), { packages: [] });
    assert.equal(client.credentialsFound, true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
