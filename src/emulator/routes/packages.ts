/** Packages, versions, publish / unpublish, defaults, package files. */
import { Router } from 'express';
import { PACKAGE_CONTENT_TYPE } from '../../core/api/routes';
import type {
  AuthorisationResponse,
  DeleteResponse,
  PackageListResponse,
  PackageResponse,
  PackageStateResponse,
  PackageVersionDetail,
  UploadResponse,
} from '../../core/api/types';
import { LIMITS } from '../../core/limits';
import { ApiError, badRequest } from '../errors';
import { exportVersion } from '../store/exportVersion';
import { createNewVersion, parseNewVersionRequest } from '../store/newVersion';
import { parseVersion } from '../http/params';
import { binaryBody, check, jsonBody, noBody } from '../http/validate';
import { PACKAGE_UPLOAD_TYPES } from '../../core/api/schemas/operations';
import { AuthorisationBody, NewVersionRequest, PackageParams, VersionParams } from '../../core/api/schemas/packages';
import { UploadQuery } from '../../core/api/schemas/promotion';
import { auditDetails } from '../auth/auditTrail';
import type { GatewayContext } from './context';

export const MAX_PACKAGE_BYTES = 50 * 1024 * 1024;

/** A package name from the path: bounded (LIMITS.nameLength) before it is looked up. */
export function packageNameParam(raw: string, field = 'name'): string {
  if (raw.length > LIMITS.nameLength) {
    throw badRequest(`${field} must be a package name of at most ${LIMITS.nameLength} characters`, [{ field, message: `at most ${LIMITS.nameLength} characters` }]);
  }
  return raw;
}

/** 403 `protected-target`: what a protected target (gateway.yaml `promotion.protected`) answers a direct upload or a new version. */
export function protectedTarget(what: string): ApiError {
  return new ApiError(
    403,
    'protected-target',
    `${what} refused: this gateway accepts versions only by promotion from its trusted sources; an Admin may import an unsigned file with allowUnsigned=true, which the audit log records`,
  );
}

export function packageRoutes(ctx: GatewayContext): Router {
  const r = Router();
  const { store } = ctx;
  // Every route here: the path's name and version checked against their schemas first (400 naming the field).
  r.param('name', (_req, _res, next, value) => {
    try {
      check(PackageParams, { name: value }, 'path');
      next();
    } catch (e) {
      next(e);
    }
  });
  r.param('version', (_req, _res, next, value) => {
    try {
      parseVersion(value);
      next();
    } catch (e) {
      next(e);
    }
  });

  r.get('/api/v1/packages', async (_req, res) => {
    const body: PackageListResponse = { packages: await store.listPackages() };
    res.json(body);
  });

  // Any content type is read as raw bytes: the package reader says what is wrong with them.
  // Only application/zip or application/octet-stream (415 otherwise): a web page cannot send those cross-site without a preflight.
  r.post('/api/v1/packages', ...binaryBody(PACKAGE_UPLOAD_TYPES, MAX_PACKAGE_BYTES), async (req, res) => {
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (bytes.length === 0) {
      throw new ApiError(400, 'invalid-package-file', `Empty body: send the .fgpkg file as ${PACKAGE_CONTENT_TYPE}`, [
        { field: 'body', message: 'empty' },
      ]);
    }
    // A protected target takes versions by promotion only; an Admin's explicit allowUnsigned=true is the one way around it, and is recorded.
    const allowUnsigned = check(UploadQuery, req.query, 'query').allowUnsigned === 'true';
    if (allowUnsigned) auditDetails(res, { allowUnsigned: true });
    if (ctx.trust?.protectedTarget && !allowUnsigned) throw protectedTarget('Direct upload');
    // Signed: verified against the trusted keys before anything else (400 untrusted-signer / invalid-signature); unsigned: signed by this gateway (packageStore.ts).
    const result: UploadResponse = await store.upload(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
    if (result.created) res.location(`/api/v1/packages/${encodeURIComponent(result.name)}/versions/${result.version}`);
    auditDetails(res, { package: result.name, versions: [result.version] });
    res.status(result.created ? 201 : 200).json(result);
  });

  r.get('/api/v1/packages/:name', async (req, res) => {
    const body: PackageResponse = await store.getPackage(packageNameParam(req.params.name));
    res.json(body);
  });

  r.post('/api/v1/packages/:name/default', noBody, async (req, res) => {
    const body: PackageStateResponse = await store.setDefaultPackage(req.params.name);
    res.json(body);
  });

  r.get('/api/v1/packages/:name/versions/:version', async (req, res) => {
    const body: PackageVersionDetail = await store.getVersion(packageNameParam(req.params.name), parseVersion(req.params.version));
    res.json(body);
  });

  r.get('/api/v1/packages/:name/versions/:version/file', async (req, res) => {
    const version = parseVersion(req.params.version);
    // Always signed by a gateway: as stored (signed on upload, or by its source), or by this gateway's current key on the way out.
    const trust = ctx.trust;
    const bytes = await exportVersion(store, ctx.name, req.params.name, version, trust ? (b) => trust.sign(b) : undefined);
    res.setHeader('Content-Type', PACKAGE_CONTENT_TYPE);
    res.setHeader('Content-Disposition', `attachment; filename="${req.params.name}-${version}.fgpkg"`);
    res.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  // Create New Version: from this version, with definitions added, removed or updated from the repository.
  r.post('/api/v1/packages/:name/versions/:version/new-version', jsonBody(), async (req, res) => {
    const version = parseVersion(req.params.version);
    if (ctx.trust?.protectedTarget) throw protectedTarget('New version');
    if (req.body !== undefined) {
      check(NewVersionRequest, req.body, 'body', {
        explain: () => {
          try {
            parseNewVersionRequest(req.body);
            return [];
          } catch (e) {
            return e instanceof ApiError ? (e.details ?? []) : [];
          }
        },
      });
    }
    const request = parseNewVersionRequest(req.body);
    const body: PackageVersionDetail = await createNewVersion(store, ctx.name, req.params.name, version, request);
    res.status(201).location(`/api/v1/packages/${encodeURIComponent(body.name)}/versions/${body.version}`).json(body);
  });

  r.post('/api/v1/packages/:name/versions/:version/publish', noBody, async (req, res) => {
    const body: PackageStateResponse = await store.publish(req.params.name, parseVersion(req.params.version));
    res.json(body);
  });

  r.post('/api/v1/packages/:name/versions/:version/unpublish', noBody, async (req, res) => {
    const body: PackageStateResponse = await store.unpublish(req.params.name, parseVersion(req.params.version));
    res.json(body);
  });

  r.post('/api/v1/packages/:name/versions/:version/default', noBody, async (req, res) => {
    const body: PackageStateResponse = await store.setDefaultVersion(req.params.name, parseVersion(req.params.version));
    res.json(body);
  });

  r.get('/api/v1/packages/:name/versions/:version/authorisation', (req, res) => {
    check(VersionParams, req.params, 'path');
    const stored = store.storedVersion(packageNameParam(req.params.name), parseVersion(req.params.version));
    const body: AuthorisationResponse = { groups: [...(stored.authorisation?.groups ?? [])] };
    res.json(body);
  });

  r.put('/api/v1/packages/:name/versions/:version/authorisation', jsonBody(), async (req, res) => {
    check(VersionParams, req.params, 'path');
    const { groups } = check(AuthorisationBody, req.body, 'body');
    // Every group must be one of the directory's (a typo would lock everyone but Admins out); an LDAP
    // directory is asked (503 directory-unavailable when it does not answer, nothing changed).
    const directory = ctx.auth?.directory;
    const exists = directory ? await Promise.all(groups.map((g) => directory.hasGroup(g))) : groups.map(() => true);
    const unknown = groups.flatMap((g, i) => (exists[i] ? [] : [{ field: `groups[${i}]`, message: `'${g}' is not a group of this gateway's directory` }]));
    if (unknown.length) throw badRequest(`Unknown group${unknown.length > 1 ? 's' : ''}: ${unknown.map((u) => u.field).join(', ')}`, unknown.slice(0, 50));
    const name = packageNameParam(req.params.name);
    const now = await store.setAuthorisation(name, parseVersion(req.params.version), groups);
    auditDetails(res, { groups: now });
    const body: AuthorisationResponse = { groups: now };
    res.json(body);
  });

  // Delete an unpublished version, or a package with no published version (recorded in <data>/audit.jsonl).
  r.delete('/api/v1/packages/:name/versions/:version', async (req, res) => {
    const name = packageNameParam(req.params.name);
    const version = parseVersion(req.params.version);
    auditDetails(res, { versions: await store.deleteVersion(name, version) });
    const body: DeleteResponse = { name, version, deleted: true };
    res.json(body);
  });

  r.delete('/api/v1/packages/:name', async (req, res) => {
    const name = packageNameParam(req.params.name);
    auditDetails(res, { versions: await store.deletePackage(name) });
    const body: DeleteResponse = { name, deleted: true };
    res.json(body);
  });

  return r;
}
