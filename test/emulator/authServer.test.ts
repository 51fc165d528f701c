/**
 * The authorization server of the gateway (oidc-provider) and its configuration file, against real
 * emulator processes: first-start files and modes, a client-credentials token got with openid-client
 * (independent of the gateway's code) and verified with jose against the JWKS named by discovery,
 * refused secrets, restarts keeping keys and clients, a deleted local-admin.json replaced (the old
 * secret revoked), and bad configuration files refused with the field named (exit code 2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { credentials, runEmulatorToExit, startEmulatorProcess, type EmulatorCredentials } from '../support/emulatorProcess';
import { hashSecret } from '../../src/core/gatewayConfig/scrypt';

const invalidClient = (e: unknown) => (e as { error?: string }).error === 'invalid_client';
const mode = (p: string) => statSync(p).mode & 0o777;

async function tokenOf(c: EmulatorCredentials, secret = c.client_secret): Promise<string> {
  const config = await oidc.discovery(new URL(c.issuer), c.client_id, secret, undefined, { execute: [oidc.allowInsecureRequests] });
  const tokens = await oidc.clientCredentialsGrant(config);
  return tokens.access_token;
}

test('first start: gateway.yaml, local-admin.json and the signing key are created 0600; openid-client gets a JWT access token jose accepts', async () => {
  const gw = await startEmulatorProcess();
  try {
    for (const f of ['gateway.yaml', 'local-admin.json', 'oauth/signing-key.json']) assert.equal(mode(path.join(gw.dataDir, f)), 0o600, f);
    const yaml = readFileSync(path.join(gw.dataDir, 'gateway.yaml'), 'utf8');
    assert.match(yaml, /kind: embedded/);
    assert.match(yaml, /adminGroups: \[ ?flowgate-admins ?\]/);
    const c = credentials(gw.dataDir);
    assert.equal(c.issuer, `${gw.url}/oauth`);
    assert.equal(c.client_id, 'local-admin');
    assert.ok(!yaml.includes(c.client_secret), 'the secret itself is not in the configuration file');
    assert.match(yaml, /secretHash: "?scrypt\$/);

    // Discovery at the origin's well-known path is the same document as the issuer's.
    const root = await (await fetch(`${gw.url}/.well-known/openid-configuration`)).json();
    const mounted = await (await fetch(`${c.issuer}/.well-known/openid-configuration`)).json();
    assert.deepEqual(root, mounted);
    assert.equal(root.issuer, c.issuer);
    assert.ok(!root.grant_types_supported.includes('password'));

    const token = await tokenOf(c);
    const header = decodeProtectedHeader(token);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(header.alg, 'EdDSA');
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(root.jwks_uri)), { issuer: c.issuer, audience: gw.url, typ: 'at+jwt', algorithms: ['EdDSA'] });
    assert.equal(payload.client_id, 'local-admin');
    assert.ok(payload.exp! - payload.iat! <= 300);

    // A wrong secret and an unknown client get no token.
    await assert.rejects(tokenOf(c, 'not-the-secret'), invalidClient);
    await assert.rejects(tokenOf({ ...c, client_id: 'nobody' }), invalidClient);
    // The test helper gets one the same way.
    assert.match(await gw.adminToken(), /^ey/);
  } finally {
    await gw.stop();
  }
});

test('restart keeps the key and the clients: a token issued before still verifies; a deleted local-admin.json is replaced and the old secret revoked', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-auth-restart-'));
  try {
    let gw = await startEmulatorProcess({ dataDir });
    const port = gw.port;
    const before = credentials(dataDir);
    const token = await tokenOf(before);
    await gw.stop();

    gw = await startEmulatorProcess({ dataDir, port });
    try {
      assert.deepEqual(credentials(dataDir), before, 'the same credential');
      const jwks = createRemoteJWKSet(new URL(`${before.issuer}/jwks`));
      await jwtVerify(token, jwks, { issuer: before.issuer, audience: gw.url, typ: 'at+jwt' });
      assert.match(await tokenOf(before), /^ey/);
    } finally {
      await gw.stop();
    }

    unlinkSync(path.join(dataDir, 'local-admin.json'));
    gw = await startEmulatorProcess({ dataDir, port });
    try {
      const after = credentials(dataDir);
      assert.notEqual(after.client_secret, before.client_secret);
      assert.equal(mode(path.join(dataDir, 'local-admin.json')), 0o600);
      assert.match(await tokenOf(after), /^ey/);
      await assert.rejects(tokenOf(before), invalidClient);
    } finally {
      await gw.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('bad configuration files are refused at start with the field named (exit code 2)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-auth-config-'));
  const hash = await hashSecret('s3cret');
  const base = (extra: string) => `directory:\n  kind: embedded\n  users:\n    - {name: alice, passwordHash: "${hash}"}\n${extra}`;
  const cases: [string, string, RegExp][] = [
    ['bad-hash', `directory:\n  kind: embedded\n  users:\n    - {name: alice, passwordHash: "${hash}"}\n    - {name: bob, passwordHash: "md5$abc"}\n  groups: [{name: flowgate-admins, members: [alice]}]\n`, /directory\.users\[1\]\.passwordHash: must be an scrypt hash/],
    ['ldap', 'directory:\n  kind: ldap\n', /directory\.url: is required/],
    ['ldap-url', 'directory:\n  kind: ldap\n  url: http://h\n  bindDn: cn=a\n  bindPassword: x\n  userBase: ou=p\n  groupBase: ou=g\n', /directory\.url: must be an ldap:\/\/ or ldaps:\/\/ URL/],
    ['ldap-password-file', 'directory:\n  kind: ldap\n  url: ldap://h\n  bindDn: cn=a\n  bindPasswordFile: /nonexistent/flowgate-bind.pw\n  userBase: ou=p\n  groupBase: ou=g\n', /directory\.bindPasswordFile: cannot read \/nonexistent\/flowgate-bind\.pw \(ENOENT\)/],
    ['ldap-admin-client', 'directory:\n  kind: ldap\n  url: ldap://h\n  bindDn: cn=a\n  bindPassword: x\n  userBase: ou=p\n  groupBase: ou=g\nclients: [{id: ci, secretHash: "md5$x", groups: [ops]}]\n', /clients\[0\]\.secretHash: must be an scrypt hash/],
    ['unknown-member', base('  groups: [{name: flowgate-admins, members: [alice, carol]}]\n'), /directory\.groups\[0\]\.members\[1\]: no user or group is named 'carol'/],
    ['no-admin-group', base('  groups: [{name: ops, members: [alice]}]\n'), /adminGroups: no group is named 'flowgate-admins'/],
    ['unknown-setting', base('  groups: [{name: flowgate-admins, members: []}]\ncolour: blue\n'), /colour: is not a known setting/],
    ['ttl', base('  groups: [{name: flowgate-admins, members: []}]\naccessTokenTtlSeconds: 999999\n'), /accessTokenTtlSeconds: must be <= 3600/],
    ['client-group', base(`  groups: [{name: flowgate-admins, members: []}]\nclients: [{id: ci, secretHash: "${hash}", groups: [nope]}]\n`), /clients\[0\]\.groups\[0\]: no group is named 'nope'/],
    ['yaml', 'directory: [unclosed\n', /line \d+:/],
  ];
  try {
    for (const [name, text, expected] of cases) {
      const file = path.join(dir, `${name}.yaml`);
      writeFileSync(file, text);
      const data = path.join(dir, `data-${name}`);
      const r = await runEmulatorToExit(['--port', '0', '--snmp-port', '0', '--data', data, '--config', file]);
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, expected, name);
      assert.match(r.stderr, new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), `${name} names the file`);
    }
    const missing = await runEmulatorToExit(['--port', '0', '--snmp-port', '0', '--data', path.join(dir, 'd'), '--config', path.join(dir, 'absent.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /does not exist/);
    // FLOWGATE_CONFIG works like --config.
    const viaEnv = await runEmulatorToExit(['--port', '0', '--snmp-port', '0', '--data', path.join(dir, 'e')], { FLOWGATE_CONFIG: path.join(dir, 'ldap-password-file.yaml') });
    assert.equal(viaEnv.code, 2);
    assert.match(viaEnv.stderr, /directory\.bindPasswordFile/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a configuration given with --config: its users, nested groups and clients; the local admin client is added to it', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flowgate-auth-given-'));
  const file = path.join(dir, 'gw.yaml');
  const ciHash = await hashSecret('ci-secret');
  writeFileSync(
    file,
    `# mine\ndirectory:\n  kind: embedded\n  users: []\n  groups:\n    - {name: admins, members: [ops]}\n    - {name: ops, members: [admins]}\nadminGroups: [admins]\nclients:\n  - {id: ci, secretHash: "${ciHash}", groups: [ops]}\n`,
  );
  const gw = await startEmulatorProcess({ args: ['--config', file] });
  try {
    const text = readFileSync(file, 'utf8');
    assert.match(text, /# mine/, 'comments kept');
    assert.match(text, /id: local-admin/);
    const c = credentials(gw.dataDir);
    assert.match(await tokenOf(c), /^ey/);
    assert.match(await tokenOf({ ...c, client_id: 'ci' }, 'ci-secret'), /^ey/);
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
