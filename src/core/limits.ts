/**
 * Every bound the gateway, the CLI and the extension agree on, in one place. Each is far above
 * what a user would reach and low enough that an attacker cannot turn it into a crash, a frozen
 * event loop or a poisoned store. Schemas, validators and the engine import these; a value
 * outside is a 400 (or the execution's clear error) naming the field.
 */
export const LIMITS = {
  /** Package names, definition ids' segments, schedule/trigger/SNMP user names. */
  nameLength: 100,
  /** A definition id (`network/core/Restart-Service`): folders and name. */
  definitionIdLength: 255,
  /** Package versions: what a path segment of 9 digits can address. */
  maxVersion: 999_999_999,
  /** Free text: descriptions, log messages, reasons. */
  textLength: 64 * 1024,
  /** Instructions (Markdown) of one package version. */
  instructionsLength: 1024 * 1024,
  /** Short strings: ids, time zones, OIDs, addresses, communities. */
  shortStringLength: 256,
  /** Nesting depth of any JSON value a caller sends (bodies, inputs, PDUs). */
  jsonDepth: 64,
  /** JSON request bodies (package files have their own limit). */
  jsonBodyBytes: 5 * 1024 * 1024,
  /** A package file. */
  packageFileBytes: 50 * 1024 * 1024,
  /** A JSON answer the client (extension, CLI) reads from a gateway: a hostile gateway cannot exhaust its memory. */
  clientJsonAnswerBytes: 64 * 1024 * 1024,
  /** Schedules and triggers of one package version. */
  schedulesPerVersion: 1000,
  triggersPerVersion: 1000,
  /** Triggers on one gateway (all published versions together). */
  triggersPerGateway: 10_000,
  /** Schedules on one gateway (every stored version together). */
  schedulesPerGateway: 20_000,
  /** SNMPv3 users on one gateway. */
  snmpUsers: 1000,
  /** Connection secrets on one gateway; characters of one value (UTF-16 units, at least secretValueMin); grants of one secret. */
  connectionSecrets: 500,
  secretValueLength: 8192,
  secretValueMin: 4,
  secretGrants: 64,
  /** Package-signing keys one gateway keeps (`<data>/signing/package-key.json`, rotation keeps old ones listed). */
  packageSigningKeys: 16,
  /** Promotion (issue 10): sources a target configures, keys trusted per source, targets and history entries a version keeps, replacements per import, problems one validation answers, a reject reason's length, notices the outbox holds. */
  promotionSources: 32,
  trustedKeysPerSource: 16,
  promotionTargets: 64,
  historyEntriesPerVersion: 1000,
  replacementsPerImport: 256,
  validationProblems: 1000,
  rejectReasonLength: 2000,
  importsPerGateway: 10_000,
  outboxNotices: 10_000,
  /** An apply preview's unified diffs: time one diff may take, and all of one preview's together (beyond: the diff says it was not computed). */
  previewDiffMs: 250,
  previewDiffTotalMs: 5_000,
  /** Characters of current texts and diffs one apply preview answers (beyond: left out, the entry's `diff` says so; `text` is always there). */
  previewAnswerChars: 96 * 1024 * 1024,
  /** A signature entry (detached JWS) of a package file: header with the public JWK, and the signature. */
  signatureEntryBytes: 4096,
  /** Signers' keys a process remembers (thumbprint and imported key, core/package/signature.ts); the oldest goes first. */
  signatureKeyCache: 64,
  /** Items of any list in a condition (addresses, ports, OIDs, communities, users). */
  conditionListItems: 256,
  /** Store quotas: definitions in one package version, bytes of one definition text, of a version's manifest.json. */
  definitionsPerVersion: 2000,
  definitionTextBytes: 2 * 1024 * 1024,
  manifestBytes: 8 * 1024 * 1024,
  /** Store quotas: uncompressed bytes one version adds (texts), all versions of one package together, one version's state record. */
  versionContentBytes: 32 * 1024 * 1024,
  packageContentBytes: 256 * 1024 * 1024,
  versionRecordBytes: 1024 * 1024,
  /** The store's state document (`store.json`) as a whole: beyond it a change is refused (507), never written (serialising it costs ~9 ms per MB on the event loop). */
  storeBytes: 32 * 1024 * 1024,
  /** Parsed package versions kept in memory (by their texts' bytes); the least recently used are read again when needed. */
  parsedVersionsCacheBytes: 128 * 1024 * 1024,
  /** Packages on one gateway (beyond: 507 quota-exceeded); a package's description in lists is cut to listDescriptionLength (… at the end). */
  packagesPerGateway: 10_000,
  listDescriptionLength: 1024,
  /** The http step: response body bytes (after decompression), redirects followed, seconds per request. */
  httpResponseBytes: 5 * 1024 * 1024,
  httpRedirects: 5,
  httpTimeoutSeconds: 300,
  /** Schedule and trigger names (as core has always allowed). */
  scheduleNameLength: 200,
  /** Next run times one cron preview computes. */
  previewCount: 50,
  /** Execution ids one bulk stop takes. */
  stopIdsPerRequest: 100_000,
  /** Keys of a free-form JSON object a caller sends (flow inputs, schedule/trigger inputs). */
  objectKeys: 10_000,
  /** One trigger condition string (a comma list of addresses, ports, OIDs or communities). */
  conditionLength: 16 * 1024,
  /** Variable bindings of one trap. */
  varbinds: 1000,
  /** Cron: characters of one expression; years a next-run search looks ahead (the weekday/date cycle is 28 years). */
  cronExpressionLength: 1024,
  cronHorizonYears: 28,
  /** YAML files (flows, connections, package drafts): characters, collection entries (keys + items), aliases resolved. */
  yamlFileBytes: 2 * 1024 * 1024,
  yamlNodes: 30_000,
  yamlLines: 100_000,
  yamlAnchors: 1000,
  /** YAML collection entries of all definitions of one package file together (parsing ~10 µs each, the loop yielding between files). */
  packageYamlNodes: 500_000,
  /** Lines of all definitions of one package file together (a blank or comment line costs the parser ~1.5-3 µs). */
  packageYamlLines: 1_000_000,
  /** Directory groups one package version's authorisation lists. */
  authorisationGroups: 256,
  /** The gateway configuration file (gateway.yaml): bytes; users, groups, members of one group, OAuth clients, groups of one client; a user, group or client name. */
  gatewayConfigBytes: 1024 * 1024,
  directoryUsers: 10_000,
  directoryGroups: 10_000,
  groupMembers: 10_000,
  oauthClients: 1000,
  clientGroups: 256,
  directoryNameLength: 256,
  /** A password in HTTP Basic credentials (characters). */
  basicPasswordLength: 1024,
  /** Seconds a right HTTP Basic answer is cached (at most; an LDAP directory's cacheSeconds when lower); cached answers kept. */
  basicCacheSeconds: 60,
  basicCacheEntries: 1000,
  /** LDAP directory: requests in flight (default, most); timeout of one request in ms (default, least, most); seconds group lookups are cached (default, most); a DN, filter or URL's length. */
  ldapMaxRequestsInFlight: 50,
  ldapMaxRequestsInFlightMax: 500,
  ldapTimeoutMs: 5000,
  ldapTimeoutMinMs: 100,
  ldapTimeoutMaxMs: 60_000,
  ldapCacheSeconds: 60,
  ldapCacheSecondsMax: 3600,
  ldapStringLength: 1024,
  /** Groups one LDAP lookup returns at most (nested ones included). */
  ldapGroupsMax: 10_000,
  /** TLS (gateway.yaml `tls`): a certFile or keyFile path's length; bytes of one PEM file read at start. */
  tlsPathLength: 4096,
  tlsPemBytes: 1024 * 1024,
  /** Users whose groups an LDAP directory keeps cached (the oldest go first). */
  ldapCacheEntries: 10_000,
  /** Retry-After (seconds) of a 503 directory-unavailable. */
  directoryRetryAfterSeconds: 5,
  /** Access tokens: lifetime in seconds (default, least, most); seconds of clock skew a token's exp/nbf are checked with. */
  accessTokenTtlSeconds: 300,
  accessTokenTtlMinSeconds: 30,
  accessTokenTtlMaxSeconds: 3600,
  tokenClockToleranceSeconds: 5,
  /** Verified access tokens the gateway remembers until they expire (the signature is checked once per token). */
  verifiedTokenCacheEntries: 1000,
  /** A client's stored session (VS Code SecretStorage): characters of each token, of its user and client id, bytes of the whole entry. */
  sessionTokenLength: 16 * 1024,
  sessionNameLength: 256,
  sessionEntryBytes: 64 * 1024,
  /** An Authorization header's bytes (a bearer JWT is a few hundred). */
  authorizationHeaderBytes: 8 * 1024,
  /** scrypt hashes (scrypt$N$r$p$salt$hash): largest cost N, block size r and parallelism p accepted (memory 128·N·r bytes). */
  scryptMaxN: 2 ** 17,
  scryptMaxR: 16,
  scryptMaxP: 4,
  /** Entries of one model (sessions, grants, …) the authorization server's store in the data folder keeps. */
  oauthStoreEntries: 10_000,
  /** Definition files: steps in one list (a flow's, a branch's, a loop's), characters of a URL or path. */
  flowSteps: 1000,
  urlLength: 8192,
  yamlAliases: 100,
  /** Traps one page of `GET /api/v1/snmp/traps` returns (and the default), and traps kept in the log. */
  trapPageSize: 500,
  /** Audit records on one page of GET /api/v1/audit; bytes of audit.jsonl one request reads at most (a filtered page may stop early with `next`); bytes of one record line. */
  auditPageSize: 500,
  auditScanBytes: 4 * 1024 * 1024,
  auditRecordBytes: 64 * 1024,
  /** Token endpoint: failed client authentications per client id and per address within the window (then 429), and the keys remembered. */
  authFailuresPerWindow: 10,
  authFailureWindowSeconds: 60,
  authFailureKeys: 10_000,
  /** Sign-in page: failed sign-ins per user name and per address within the window (then 429); bytes of the form's POST body; characters of a password. */
  signInFailuresPerWindow: 5,
  signInFailuresPerAddress: 20,
  signInFailureWindowSeconds: 300,
  signInBodyBytes: 4096,
  passwordLength: 1024,
  /** People's sessions: a refresh token lives this long unused (each use rotates it and starts again); the grant behind it ends after grantTtlSeconds whatever the use; the sign-in page is valid this long. */
  refreshTokenTtlSeconds: 14 * 24 * 3600,
  grantTtlSeconds: 30 * 24 * 3600,
  signInInteractionTtlSeconds: 600,
  /** The browser's sign-in session at the gateway (a second sign-in from the same browser within it needs no password). */
  signInSessionTtlSeconds: 8 * 3600,
  trapLogSize: 500,
  /** Trigger evaluations one page of the trap log builds (traps × triggers); milliseconds of each second trap evaluation may use. */
  trapEvaluationsPerPage: 20_000,
  trapEvaluationMsPerSecond: 250,
  /** One SNMP datagram (a UDP payload): larger ones are dropped before decoding. */
  snmpDatagramBytes: 32 * 1024,
  /** Milliseconds of each second the SNMP receiver may spend decoding, authenticating and handling datagrams (the rest are dropped). */
  snmpReceiveMsPerSecond: 400,
  /** JSONata: time and memory (old-generation MB) budget of one evaluation in an expression process; processes in the pool; evaluations waiting. */
  expressionTimeoutMs: 1000,
  expressionMemoryMb: 64,
  expressionProcesses: 2,
  expressionQueue: 1024,
  /** JSONata proven bounded, run in the gateway's thread: AST nodes, path references, time before moving to an expression process. */
  expressionInlineNodes: 200,
  expressionInlinePaths: 8,
  expressionInlineMs: 50,
  /** JSONata sources longer than this are not even parsed in the gateway's thread (parsing is linear, but ~100 ms per MB). */
  expressionInlineSourceLength: 16 * 1024,
  /** JSONata: nesting depth, sequence length, bytes of one result (a variable's value). */
  expressionDepth: 2000,
  expressionSequence: 1_000_000,
  expressionResultBytes: 5 * 1024 * 1024,
  /** Executions running at once: on the gateway, per package version, in one tree (run-flow and http self-calls). */
  executionsPerGateway: 256,
  executionsPerVersion: 128,
  executionTreeConcurrent: 64,
  /** Unfinished executions the extension keeps per gateway from its event stream (a gateway reporting more loses the oldest there). */
  liveExecutionsPerGateway: 10_000,
  /** Executions one tree may start in all (its root included), and how deep run-flow may nest. */
  executionTreeSize: 1000,
  executionTreeDepth: 50,
  /** Bytes of variables one running execution holds, and all running executions together. */
  executionVariablesBytes: 16 * 1024 * 1024,
  executionsVariablesBytes: 256 * 1024 * 1024,
  /** Execution records: one input/output value (larger: `{"$truncated": true, "bytes": N}`), all inputs or outputs, the log. */
  recordValueBytes: 64 * 1024,
  recordVariablesBytes: 256 * 1024,
  recordLogBytes: 256 * 1024,
  /** Executions one page of `GET /api/v1/executions` holds at most (also the page size when `limit` is left out). */
  executionListPage: 1000,
  /** Bytes of finished execution records the history keeps in memory. */
  historyCacheBytes: 32 * 1024 * 1024,
  /** Draft runs (POST /api/v1/draft-runs): files one request sends, characters of all their texts together, of one path. */
  draftRunFiles: 500,
  draftRunBytes: 4 * 1024 * 1024,
  draftRunPathLength: 512,
  /** Quick fixes: "Change to …" choices offered for one misspelt name; flow files scanned for the callers of a flow (declaring an input). */
  quickFixChoices: 3,
  quickFixFlowsScanned: 20_000,
  /** Choices one picker of the Review Import page offers (the target's definitions of a kind; the rest are typed). */
  reviewPickerChoices: 5000,
  /** The language service (completion, hover, references, symbols, rename; src/core/language): items one answer holds, locations one references or rename answer holds (a rename needing more is refused), steps an outline shows, and variables one scope lists. */
  languageItems: 5000,
  languageLocations: 10_000,
  languageSymbols: 10_000,
  languageScopeVariables: 5000,
} as const;
