import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import contentType from 'content-type';
import getRawBody, { type RawBodyError } from 'raw-body';
import { ErrorCode, HttpError } from '../errors.js';

/** The content encodings a body may arrive in, and how each is undone. */
const DECODERS = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
} as const;
export type ContentEncoding = keyof typeof DECODERS;
export const COMPRESSED_ENCODINGS: readonly ContentEncoding[] = Object.keys(DECODERS) as ContentEncoding[];

export interface BodyLimits {
  /** Largest body accepted, counted AFTER decompression (a small gzip bomb is still refused). */
  maxBytes: number;
  /** Content encodings that are decompressed; any other one is refused with 415. Empty: identity only. */
  encodings: readonly ContentEncoding[];
}

/**
 * Reads a GraphQL request body: `application/json` in UTF-8 only (the GraphQL-over-HTTP spec and
 * RFC 8259), decompressed when it says gzip, deflate or br, and never more than `maxBytes` of
 * decoded bytes, whether the client declared a length or sent chunks. Every refusal is an
 * HttpError with its status (413, 415, 400) and a message naming what was wrong.
 */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  checkContentType(req.headers['content-type']);
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  let decoder: Transform | undefined;
  let declaredLength: string | undefined = req.headers['content-length'];
  if (encoding !== 'identity' && encoding !== '') {
    if (!(limits.encodings as readonly string[]).includes(encoding)) {
      const accepted = ['identity', ...limits.encodings].join(', ');
      throw new HttpError(415, ErrorCode.UnsupportedMediaType, `Unsupported content-encoding "${encoding}": expected one of ${accepted}`, {
        'accept-encoding': limits.encodings.length ? limits.encodings.join(', ') : 'identity',
      });
    }
    // The declared length is that of the compressed bytes; the limit applies to what they expand to.
    declaredLength = undefined;
    const created: Transform = DECODERS[encoding as ContentEncoding]();
    decoder = created;
    req.pipe(created);
    req.once('error', (error) => created.destroy(error));
  }
  try {
    return await getRawBody(decoder ?? req, { limit: limits.maxBytes, length: declaredLength });
  } catch (error) {
    throw bodyError(error, limits.maxBytes, encoding);
  } finally {
    if (decoder) {
      req.unpipe(decoder);
      decoder.destroy();
    }
  }
}

function checkContentType(header: string | undefined): void {
  if (!header) throw new HttpError(415, ErrorCode.UnsupportedMediaType, 'Missing content-type: expected application/json');
  let parsed: contentType.ParsedMediaType;
  try {
    parsed = contentType.parse(header);
  } catch {
    throw new HttpError(415, ErrorCode.UnsupportedMediaType, `Malformed content-type "${header.slice(0, 100)}": expected application/json`);
  }
  if (parsed.type !== 'application/json') {
    throw new HttpError(415, ErrorCode.UnsupportedMediaType, `Unsupported content-type "${parsed.type.slice(0, 100)}": expected application/json`);
  }
  const charset = parsed.parameters.charset?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    // Exotic charsets cost a decoder per request and were a denial-of-service vector (GHSA-mp6q-xf9x-fwf7).
    throw new HttpError(415, ErrorCode.UnsupportedMediaType, `Unsupported charset "${charset.slice(0, 50)}": expected utf-8`);
  }
}

function bodyError(error: unknown, maxBytes: number, encoding: string): HttpError {
  if (error instanceof HttpError) return error;
  const raw = error as Partial<RawBodyError> & { code?: string };
  switch (raw.type) {
    case 'entity.too.large':
      return new HttpError(
        413,
        ErrorCode.PayloadTooLarge,
        `Request body exceeds the limit of ${maxBytes} bytes${encoding === 'identity' || encoding === '' ? '' : ' once decompressed'}`,
        {},
        { limit: maxBytes },
      );
    case 'request.size.invalid':
      return new HttpError(400, ErrorCode.BadRequest, `Request body length does not match content-length (expected ${raw.expected} bytes, got ${raw.received})`);
    case 'request.aborted':
      return new HttpError(400, ErrorCode.BadRequest, 'The client closed the request before sending the whole body');
    default:
      // zlib's own errors: a body that claims to be compressed but is not.
      if (typeof raw.code === 'string' && raw.code.startsWith('Z_')) {
        return new HttpError(400, ErrorCode.BadRequest, `Request body is not valid ${encoding} data`);
      }
      return new HttpError(400, ErrorCode.BadRequest, `Request body could not be read: ${raw.message ?? String(error)}`);
  }
}
