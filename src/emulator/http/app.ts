/** The Express application: routes, then JSON 404 and the JSON error handler. */
import express from 'express';
import { definitionRoutes } from '../routes/definitions';
import { executionRoutes } from '../routes/executions';
import { healthRoutes } from '../routes/health';
import { openApiRoutes } from '../routes/openapi';
import { promotionSourceRoutes } from '../routes/promotionSource';
import { packageRoutes } from '../routes/packages';
import { snmpRoutes } from '../triggers/routes';
import { scheduleRoutes } from '../schedules/routes';
import type { GatewayContext } from '../routes/context';
import { browserPolicy, type BrowserPolicyOptions } from './browserPolicy';
import { errorHandler, notFoundHandler } from './errorHandling';
import { OAUTH_MOUNT } from '../auth/service';
import { accessControl } from '../auth/access';
import { auditTrail } from '../auth/auditTrail';
import { auditRoutes } from '../routes/audit';
import { secretRoutes } from '../routes/secrets';
import { gatewayKeyRoutes } from '../routes/gatewayKeys';
import { remoteValidateRoutes } from '../routes/remoteValidate';
import { promotionRoutes } from '../routes/promotion';
import { draftRunRoutes } from '../routes/draftRuns';

const DISCOVERY_PATH = '/.well-known/openid-configuration';

export function createApp(ctx: GatewayContext, policy: BrowserPolicyOptions = { bindHost: '127.0.0.1' }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(browserPolicy(policy)); // before every route: foreign Origin 403, unexpected Host 421
  const auth = ctx.auth;
  if (auth) {
    // The authorization server (oidc-provider) at /oauth; its discovery document also at the origin's well-known path.
    app.use(OAUTH_MOUNT, (req, res) => auth.handle(req, res));
    app.get(DISCOVERY_PATH, (req, res) => {
      // Answered as if asked under /oauth, so the document's endpoint URLs are the mounted ones.
      req.originalUrl = `${OAUTH_MOUNT}${DISCOVERY_PATH}`;
      req.url = DISCOVERY_PATH;
      auth.handle(req, res);
    });
    // Every other route: the operation's access (operations.ts), one check for all.
    app.use(accessControl(auth));
  }
  // After the access check: one audit record for every management action (operations.ts, isManagementAction).
  if (ctx.audit) app.use(auditTrail(ctx.audit));
  // First: starting a flow is the hot path, and no other route matches its paths (POST
  // /api/:tenant/:system/flows/…/executions, /api/v1/executions…), so the order changes no answer.
  app.use(executionRoutes(ctx));
  app.use(healthRoutes(ctx));
  app.use(openApiRoutes(ctx));
  if (ctx.scheduler) app.use(scheduleRoutes(ctx.store, ctx.scheduler));
  app.use(packageRoutes(ctx));
  app.use(promotionSourceRoutes(ctx));
  app.use(definitionRoutes(ctx));
  app.use(remoteValidateRoutes(ctx));
  app.use(draftRunRoutes(ctx));
  app.use(auditRoutes(ctx));
  if (ctx.secrets) app.use(secretRoutes(ctx.secrets));
  if (ctx.packageKeys) app.use(gatewayKeyRoutes(ctx.packageKeys));
  if (ctx.promotion) app.use(promotionRoutes(ctx.promotion));
  if (ctx.snmp) app.use(snmpRoutes(ctx.store, ctx.snmp));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
