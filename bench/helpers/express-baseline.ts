/**
 * Baseline of bench/sync-execution.ts: a bare Express 5 app with one POST route that parses the
 * JSON body (as the gateway's start route does) and answers with a fixed JSON body (the one the
 * emulator answered for the three-step flow). Listens on 127.0.0.1, a free port.
 * Args: <path> <json body>. Sends {type: 'ready', port}. Exits when its parent goes away.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';

const [routePath, bodyText] = process.argv.slice(2);
const body = JSON.parse(bodyText) as unknown;
const app = express();
app.post(routePath, express.json({ limit: '5mb', strict: false, type: () => true }), (_req, res) => {
  res.status(200).json(body);
});
const server = app.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
});
server.keepAliveTimeout = 5000;
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
