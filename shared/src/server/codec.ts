import crypto from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

/** The `encoding` metadata of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key a payload was encrypted with, so keys can rotate. */
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** An AES-256 key in an environment variable: 32 random bytes, base64. */
export const aesKeyVariable = z
  .string()
  .trim()
  .refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === KEY_BYTES, {
    message: 'must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)',
  });

/** Earlier keys kept after a rotation, comma-separated in one variable, each an AES-256 key. */
export const previousAesKeysVariable = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  )
  .pipe(z.array(aesKeyVariable));

/**
 * The payload key variables every Temporal client and the worker read: PAYLOAD_KEY encrypts,
 * PAYLOAD_PREVIOUS_KEYS (comma-separated) still decrypt histories written before a rotation.
 */
export const payloadKeyConfig = z.object({
  PAYLOAD_KEY: aesKeyVariable,
  PAYLOAD_PREVIOUS_KEYS: previousAesKeysVariable,
});
export type PayloadKeyConfig = z.infer<typeof payloadKeyConfig>;

/** A key's id: the first 16 hex digits of its SHA-256, so the id says nothing about the key. */
export function aesKeyId(key: Uint8Array): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * Encrypts every payload with AES-256-GCM before it leaves the process, so the Temporal server
 * (its database, its UI without the codec server) sees only ciphertext: personal ID numbers and
 * bank accounts inside workflow payloads included.
 *
 * Wire format: metadata `encoding: binary/encrypted`, `encryption-key-id: <id>`; data
 * `iv (12) || ciphertext || tag (16)` of the original payload serialised as
 * `u32 length || JSON of its metadata (values base64) || its data`. The key id is authenticated
 * as additional data. Payloads that are not encrypted (histories from before) pass through.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;
  readonly keyId: string;

  /** `current` encrypts; `previous` keys only decrypt. Keys are 32 raw bytes. */
  constructor(current: Uint8Array, previous: readonly Uint8Array[] = []) {
    if (current.length !== KEY_BYTES) throw new RangeError('an AES-256 key is 32 bytes');
    this.keyId = aesKeyId(current);
    this.keys = new Map([[this.keyId, Buffer.from(current)]]);
    for (const key of previous) {
      if (key.length !== KEY_BYTES) throw new RangeError('an AES-256 key is 32 bytes');
      if (!this.keys.has(aesKeyId(key))) this.keys.set(aesKeyId(key), Buffer.from(key));
    }
  }

  /** A codec from the validated key variables. */
  static fromConfig(config: Pick<PayloadKeyConfig, 'PAYLOAD_KEY' | 'PAYLOAD_PREVIOUS_KEYS'>): EncryptionCodec {
    const decode = (value: string) => Buffer.from(value, 'base64');
    return new EncryptionCodec(decode(config.PAYLOAD_KEY), (config.PAYLOAD_PREVIOUS_KEYS ?? []).map(decode));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const key = this.keys.get(this.keyId)!;
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(this.keyId, 'utf8'));
    const body = Buffer.concat([cipher.update(serialise(payload)), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING, 'utf8'),
        [KEY_ID_METADATA]: Buffer.from(this.keyId, 'utf8'),
      },
      data: Buffer.concat([iv, body, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (!encoding || Buffer.from(encoding).toString('utf8') !== ENCRYPTED_ENCODING) return payload;
    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!keyIdBytes) throw new Error('encrypted payload without an encryption-key-id');
    const keyId = Buffer.from(keyIdBytes).toString('utf8');
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no payload key with id ${keyId} (set PAYLOAD_PREVIOUS_KEYS after a rotation)`);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted payload is truncated');
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    return deserialise(plain);
  }
}

function serialise(payload: Payload): Buffer {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  const head = Buffer.from(JSON.stringify(metadata), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([length, head, Buffer.from(payload.data ?? new Uint8Array())]);
}

function deserialise(plain: Buffer): Payload {
  const length = plain.readUInt32BE(0);
  const metadata = JSON.parse(plain.subarray(4, 4 + length).toString('utf8')) as Record<string, string>;
  return {
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(plain.subarray(4 + length)),
  };
}

/** A payload as the codec server protocol carries it: proto3 JSON, bytes as base64. */
export interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

/** proto3 JSON to a Payload. */
export function payloadFromJson(json: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(json.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(json.data ?? '', 'base64')),
  };
}

/** A Payload to proto3 JSON. */
export function payloadToJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}
