import { GatewayError } from './gateway-error';

/**
 * Request bytes → the JSON value(s) a translator reads. JSON bodies as they are; NDJSON (`application/x-ndjson`) as
 * an array of its lines; multipart (Plate Recognizer webhooks with an image) as its `json` field, the image dropped.
 */
export function payloadOf(body: Buffer, contentType: string | undefined): unknown {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'multipart/form-data') return parseJson(multipartField(body, contentType ?? '', 'json'), 'json field');
  const text = body.toString('utf8');
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') {
    const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
    if (lines.length === 0) throw new GatewayError('GATEWAY.MALFORMED_PAYLOAD', ['body: NDJSON must hold at least one line']);
    return lines.map((line, index) => parseJson(line, `line ${index + 1}`));
  }
  return parseJson(text, 'body');
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GatewayError('GATEWAY.MALFORMED_PAYLOAD', [`${where}: not valid JSON (${(error as Error).message})`]);
  }
}

/** The text of one named field of a multipart body (binary-safe: the image parts are skipped, never decoded). */
function multipartField(body: Buffer, contentType: string, name: string): string {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new GatewayError('GATEWAY.MALFORMED_PAYLOAD', ['content-type: multipart without a boundary']);
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('latin1');
      if (new RegExp(`content-disposition:[^\\r\\n]*\\bname="${name}"`, 'i').test(headers)) {
        return part.subarray(headerEnd + 4, part.length - 2).toString('utf8');
      }
    }
    start = next;
  }
  throw new GatewayError('GATEWAY.MALFORMED_PAYLOAD', [`body: multipart without a "${name}" field`]);
}
