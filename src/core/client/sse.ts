/** A minimal reader of server-sent events (text/event-stream), for the execution events route. */
import { LIMITS } from '../limits';

export interface ServerSentEvent {
  /** `message` when the server named none. */
  event: string;
  id?: string;
  /** The data lines joined with `\n`, parsed as JSON when they are JSON. */
  data: unknown;
}

function toEvent(lines: string[]): ServerSentEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of lines) {
    if (line.startsWith(':')) continue; // a comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { event, ...(id !== undefined ? { id } : {}), data: parsed };
}

/**
 * Splits a byte stream into events. Ends when the stream ends. The stream comes from a server
 * that may be anything: an event (its lines together, or a line still without its end) over
 * `maxEventChars` (LIMITS.jsonBodyBytes) throws instead of growing without end.
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>, maxEventChars: number = LIMITS.jsonBodyBytes): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let lines: string[] = [];
  let eventChars = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (eventChars + buffer.length > maxEventChars && !/\r|\n/.test(buffer.slice(0, maxEventChars - eventChars + 1))) {
        throw new Error(`the event stream sent an event of more than ${maxEventChars} characters`);
      }
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        // A '\r' that ends the chunk may be the first half of '\r\n': wait for the next chunk.
        if (!done && newline === buffer.length - 1 && buffer.endsWith('\r')) break;
        const line = buffer.slice(0, newline);
        const width = buffer.startsWith('\r\n', newline) ? 2 : 1;
        buffer = buffer.slice(newline + width);
        if (line === '') {
          const event = toEvent(lines);
          lines = [];
          eventChars = 0;
          if (event) yield event;
        } else {
          eventChars += line.length + 1;
          if (eventChars > maxEventChars) throw new Error(`the event stream sent an event of more than ${maxEventChars} characters`);
          lines.push(line);
        }
      }
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
