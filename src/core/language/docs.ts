/**
 * Words the language service shows: what each step kind and each step field does (completion
 * documentation and hover), and JSONata's built-in functions. The fields themselves — which a
 * step kind accepts, which values an enum allows — come from the flow schema (schemaInfo.ts), so
 * completion never offers what validation refuses; a `description` in the schema wins over the
 * text here.
 */
import type { StepKind } from '../model/flow';

/** `table[key]` when the table has it as its own entry (never a prototype's: a file's key may be `constructor`). */
export function own<T>(table: Record<string, T> | undefined, key: string): T | undefined {
  return table && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

export const STEP_KIND_DOCS: Record<StepKind, { summary: string; example: string }> = {
  set: { summary: 'Set variables: each name gets a literal or an `=` expression; later values see earlier ones.', example: 'kind: set\nvalues:\n  greeting: "= \'Hello \' & name"' },
  log: { summary: "Write a message to the execution's log, at a level (`debug`, `info`, `warn`, `error`; default `info`).", example: 'kind: log\nmessage: "= \'Checked \' & device"' },
  wait: { summary: 'Wait a number of seconds (a number or an expression). Stopping the execution ends the wait at once.', example: 'kind: wait\nseconds: 5' },
  http: { summary: 'Send an HTTP request through a connection (its base URL, headers and secret) or to a URL; the response `{ status, headers, body }` goes into `output`.', example: 'kind: http\nconnection: crm\nmethod: GET\npath: /devices\noutput: response' },
  'run-flow': { summary: "Run a child flow with inputs; `sync` (default) waits and puts the child's outputs into `output`, `async` puts its execution id there.", example: 'kind: run-flow\nflow: network/core/Check-Reachability\ninputs:\n  device: "= device"\noutput: reachability' },
  if: { summary: 'Run the `then` steps when the condition is true, else the `else` steps.', example: 'kind: if\ncondition: "= reachable"\nthen:\n  - kind: log\n    message: up' },
  'for-each': { summary: 'Run `steps` once per item of `items`; the item is in `as` (default `item`), its index in `<as>Index`.', example: 'kind: for-each\nitems: "= devices"\nas: device\nsteps:\n  - kind: log\n    message: "= device"' },
  try: { summary: 'Run `steps`; when one fails, run the `catch` steps with the error `{ message, code, step }` in `errorVariable` (default `error`).', example: 'kind: try\nsteps:\n  - kind: fail\n    message: boom\ncatch:\n  - kind: log\n    message: "= error.message"' },
  fail: { summary: 'Stop the flow with an error: a message and an optional code (a try step can catch it).', example: 'kind: fail\ncode: unreachable\nmessage: "= \'Device \' & device & \' is unreachable\'"' },
};

/** Step fields: `kind/field`, or `*` for a field every step has. */
export const STEP_FIELD_DOCS: Record<string, string> = {
  '*/kind': 'The kind of step: set, log, wait, http, run-flow, if, for-each, try or fail.',
  '*/name': 'A label for the step, shown in logs, in error messages and in the outline.',
  'set/values': 'Variable name → value. A string starting with `=` is a JSONata expression; `==` writes a literal `=`.',
  'log/message': 'The text to log (a literal or an `=` expression).',
  'log/level': 'Log level: `debug`, `info` (default), `warn` or `error`.',
  'wait/seconds': 'Seconds to wait: a number (0 or more) or an `=` expression.',
  'http/connection': 'Name of a connection definition (`connections/<Name>.connection.yaml`); `path` is appended to its base URL.',
  'http/url': 'Absolute URL, when no connection is used.',
  'http/path': "Path appended to the connection's base URL.",
  'http/method': 'HTTP method: GET (default), POST, PUT, PATCH, DELETE or HEAD.',
  'http/headers': 'Request headers: name → value (literals or expressions). Secrets belong in the connection, never here.',
  'http/body': 'Request body: any value (sent as JSON) or an expression.',
  'http/timeoutSeconds': 'Seconds before the request is abandoned (greater than 0).',
  'http/output': 'Variable receiving the response `{ status, headers, body }`.',
  'run-flow/flow': 'The child flow: its path under `flows/` without `.flow.yaml`, e.g. `network/core/Check-Reachability`.',
  'run-flow/inputs': "Values for the child flow's declared inputs: name → literal or expression.",
  'run-flow/mode': '`sync` (default): wait for the child and receive its outputs; `async`: receive its execution id at once.',
  'run-flow/output': "Variable receiving the child's output variables (sync) or its execution id (async).",
  'if/condition': 'The condition: an expression (or a literal) read as true or false.',
  'if/then': 'Steps run when the condition is true.',
  'if/else': 'Steps run when the condition is false.',
  'for-each/items': 'The list to loop over (usually an `=` expression); a single value is a list of one.',
  'for-each/as': 'Variable holding the current item (default `item`); `<as>Index` holds its index.',
  'for-each/steps': 'Steps run once per item.',
  'try/steps': 'Steps whose errors are caught.',
  'try/catch': 'Steps run when a step of `steps` fails.',
  'try/errorVariable': 'Variable receiving `{ message, code, step }` in the catch block (default `error`).',
  'fail/message': 'The error message (a literal or an expression).',
  'fail/code': 'An error code, for a `try` step or the caller to tell errors apart (default `failed`).',
};

export const FLOW_KEY_DOCS: Record<string, string> = {
  description: 'What the flow does: shown on hover wherever the flow is referenced.',
  inputs: 'The input variables a caller gives: name → `type`, `description`, `required`, `default`.',
  outputs: 'The output variables returned to the caller: name → `type`, `description`.',
  steps: 'The steps, run in order.',
};

export const DECLARATION_KEY_DOCS: Record<string, string> = {
  type: 'string, number, integer, boolean, object, array or any.',
  description: 'What the variable holds: shown on hover and in completions.',
  required: 'An input is required unless it has a default or `required: false`.',
  default: 'The value used when the caller gives none.',
};

/** JSONata's built-in functions (jsonata 2.x): name → [signature, what it does]. */
export const JSONATA_FUNCTIONS: Record<string, [string, string]> = {
  string: ['$string(arg, prettify?)', 'Casts the argument to a string.'],
  length: ['$length(str)', 'Number of characters of a string.'],
  substring: ['$substring(str, start, length?)', 'Part of a string, from `start` (0-based).'],
  substringBefore: ['$substringBefore(str, chars)', 'The part of `str` before the first occurrence of `chars`.'],
  substringAfter: ['$substringAfter(str, chars)', 'The part of `str` after the first occurrence of `chars`.'],
  uppercase: ['$uppercase(str)', 'The string in upper case.'],
  lowercase: ['$lowercase(str)', 'The string in lower case.'],
  trim: ['$trim(str)', 'Whitespace normalised and trimmed.'],
  pad: ['$pad(str, width, char?)', 'Padded to `width` (negative: on the left).'],
  contains: ['$contains(str, pattern)', 'Whether `str` contains `pattern` (a string or a regex).'],
  split: ['$split(str, separator, limit?)', 'An array of the parts of `str`.'],
  join: ['$join(array, separator?)', 'The strings of an array joined.'],
  match: ['$match(str, pattern, limit?)', 'Regex matches of `pattern` in `str`.'],
  replace: ['$replace(str, pattern, replacement, limit?)', 'Occurrences of `pattern` replaced.'],
  eval: ['$eval(expr, context?)', 'Parses and evaluates a JSONata expression string (in a bounded evaluator).'],
  base64encode: ['$base64encode(str)', 'Base64 encoding of a string.'],
  base64decode: ['$base64decode(str)', 'A Base64 string decoded.'],
  encodeUrlComponent: ['$encodeUrlComponent(str)', 'URL-component encoding.'],
  encodeUrl: ['$encodeUrl(str)', 'URL encoding.'],
  decodeUrlComponent: ['$decodeUrlComponent(str)', 'URL-component decoding.'],
  decodeUrl: ['$decodeUrl(str)', 'URL decoding.'],
  number: ['$number(arg)', 'Casts the argument to a number.'],
  abs: ['$abs(number)', 'Absolute value.'],
  floor: ['$floor(number)', 'Rounded down.'],
  ceil: ['$ceil(number)', 'Rounded up.'],
  round: ['$round(number, precision?)', 'Rounded (half to even).'],
  power: ['$power(base, exponent)', '`base` to the power `exponent`.'],
  sqrt: ['$sqrt(number)', 'Square root.'],
  random: ['$random()', 'A random number between 0 and 1.'],
  formatNumber: ['$formatNumber(number, picture, options?)', 'A number formatted by a picture string.'],
  formatBase: ['$formatBase(number, radix?)', 'A number as a string in another base.'],
  formatInteger: ['$formatInteger(number, picture)', 'An integer formatted by a picture string.'],
  parseInteger: ['$parseInteger(string, picture)', 'An integer parsed by a picture string.'],
  sum: ['$sum(array)', 'Sum of an array of numbers.'],
  max: ['$max(array)', 'Largest number of an array.'],
  min: ['$min(array)', 'Smallest number of an array.'],
  average: ['$average(array)', 'Mean of an array of numbers.'],
  boolean: ['$boolean(arg)', 'Casts the argument to a Boolean.'],
  not: ['$not(arg)', 'Logical negation.'],
  exists: ['$exists(arg)', 'Whether the argument has a value.'],
  count: ['$count(array)', 'Number of items of an array.'],
  append: ['$append(array1, array2)', 'Two arrays joined.'],
  sort: ['$sort(array, function?)', 'An array sorted.'],
  reverse: ['$reverse(array)', 'An array in reverse order.'],
  shuffle: ['$shuffle(array)', 'An array in random order.'],
  distinct: ['$distinct(array)', 'An array without duplicates.'],
  zip: ['$zip(array1, …)', 'Arrays convolved (zipped) together.'],
  keys: ['$keys(object)', 'The keys of an object.'],
  lookup: ['$lookup(object, key)', 'The value of a key.'],
  spread: ['$spread(object)', 'An object split into an array of one-key objects.'],
  merge: ['$merge(array<object>)', 'Objects merged into one.'],
  sift: ['$sift(object, function)', 'The key/value pairs a function keeps.'],
  each: ['$each(object, function)', 'A function applied to each key/value pair.'],
  error: ['$error(message)', 'Throws an error with the message.'],
  assert: ['$assert(condition, message)', 'Throws when the condition is false.'],
  type: ['$type(value)', 'The type of a value: string, number, boolean, array, object, function or null.'],
  now: ['$now(picture?, timezone?)', 'The current time as an ISO 8601 string.'],
  millis: ['$millis()', 'Milliseconds since the Unix epoch.'],
  fromMillis: ['$fromMillis(number, picture?, timezone?)', 'Milliseconds since the epoch as a timestamp string.'],
  toMillis: ['$toMillis(timestamp, picture?)', 'A timestamp string as milliseconds since the epoch.'],
  map: ['$map(array, function)', 'A function applied to each item.'],
  filter: ['$filter(array, function)', 'The items a function keeps.'],
  single: ['$single(array, function)', 'The one item a function keeps (error if not exactly one).'],
  reduce: ['$reduce(array, function, init?)', 'An array reduced to one value.'],
};
