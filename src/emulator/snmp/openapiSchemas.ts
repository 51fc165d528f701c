/** OpenAPI pieces of the SNMP routes (used by routes/openapiDocument.ts). */
const str = { type: 'string' };
const conditions = {
  type: 'object',
  required: ['deviceAddress', 'devicePort', 'trapOid', 'version'],
  properties: {
    deviceAddress: { ...str, examples: ['10.0.0.1, 10.1.0.0/16, 192.168.1.10-192.168.1.20', '*'] },
    devicePort: { ...str, examples: ['162, 1000-2000', '*'] },
    trapOid: { ...str, examples: ['1.3.6.1.6.3.1.1.5.3', '1.3.6.1.4.1.9.0.1-1.3.6.1.4.1.9.0.9', '*'] },
    version: { enum: ['v1', 'v2c', 'v3'] },
    community: { ...str, description: 'v1/v2c: a value, comma list or * (default *)' },
    agentAddress: { ...str, description: 'v1: matched like deviceAddress (default *)' },
    users: { type: 'array', items: str, description: 'v3: SNMPv3 users of this gateway' },
  },
};
const triggerSpec = {
  type: 'object',
  required: ['name', 'flow', 'conditions'],
  properties: {
    name: str,
    description: str,
    flow: str,
    conditions,
    inputs: { type: 'object' },
    pduVariable: { ...str, description: 'An input of type object or any that receives the trap PDU' },
    enabled: { type: 'boolean' },
  },
};
const trapPdu = {
  type: 'object',
  required: ['version', 'source', 'trapOid'],
  properties: {
    version: { enum: ['v1', 'v2c', 'v3'] },
    community: str,
    user: str,
    source: { type: 'object', properties: { address: str, port: { type: 'integer' } } },
    agentAddress: str,
    enterprise: str,
    genericTrap: { type: 'integer' },
    specificTrap: { type: 'integer' },
    trapOid: str,
    uptime: { type: 'integer' },
    varbinds: { type: 'array', items: { type: 'object', properties: { oid: str, type: str, value: {} } } },
  },
};
const evaluation = {
  type: 'object',
  properties: {
    packageName: str,
    packageVersion: { type: 'integer' },
    triggerId: str,
    triggerName: str,
    matched: { type: 'boolean' },
    failed: { type: 'object', properties: { condition: str, message: str } },
    executionId: str,
    error: str,
  },
};
const userSummary = {
  type: 'object',
  properties: { name: str, level: { enum: ['authNoPriv', 'authPriv'] }, authProtocol: { enum: ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] }, privProtocol: { enum: ['des', 'aes', 'aes256b', 'aes256r'] } },
};

export const snmpSchemas = {
  triggerSpec,
  trigger: { ...triggerSpec, required: ['id', ...triggerSpec.required], properties: { id: str, ...triggerSpec.properties } },
  triggerList: { type: 'object', properties: { triggers: { type: 'array', items: { ...triggerSpec, properties: { id: str, ...triggerSpec.properties } } } } },
  trapPdu,
  evaluation,
  trapRecord: { type: 'object', properties: { id: str, receivedAt: str, pdu: trapPdu, evaluations: { type: 'array', items: evaluation } } },
  userSummary,
  user: { ...userSummary, required: ['level', 'authProtocol'], properties: { ...userSummary.properties, authKey: { ...str, minLength: 8, writeOnly: true }, privKey: { ...str, minLength: 8, writeOnly: true } } },
  triggerIdParam: { name: 'triggerId', in: 'path', required: true, description: 'Trigger id', schema: str },
  userNameParam: { name: 'userName', in: 'path', required: true, description: 'SNMPv3 user name', schema: str },
};
