import { Router } from 'express';
import type { GatewayKeysResponse } from '../../core/api/types';
import type { PackageSigningKeys } from '../signing/packageKeys';

/** GET /api/v1/gateway/keys (public): the public package-signing keys; the private half never leaves the file. */
export function gatewayKeyRoutes(keys: PackageSigningKeys): Router {
  const r = Router();
  r.get('/api/v1/gateway/keys', (_req, res) => {
    const body: GatewayKeysResponse = { keys: keys.publicKeys() };
    res.json(body);
  });
  return r;
}
