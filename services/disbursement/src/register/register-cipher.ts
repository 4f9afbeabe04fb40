import crypto from 'node:crypto';
import { aesKeyId, aesKeyVariable, previousAesKeysVariable } from '@fund/shared/server';
import { z } from 'zod';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** The format tag every sealed value starts with; a new format gets a new tag. */
const FORMAT = 'r1';

/**
 * The register key variables, handled like the payload key: REGISTER_KEY encrypts ID numbers and
 * bank accounts at rest; REGISTER_PREVIOUS_KEYS (comma-separated) still decrypt values written
 * before a rotation, until the start-up step has re-encrypted them under REGISTER_KEY.
 */
export const registerKeyConfig = z.object({
  REGISTER_KEY: aesKeyVariable,
  REGISTER_PREVIOUS_KEYS: previousAesKeysVariable,
});
export type RegisterKeyConfig = z.infer<typeof registerKeyConfig>;

/** Which register column a value belongs to; bound into its ciphertext, so values cannot be swapped between columns. */
export type SealedField = 'id_number' | 'bank_account';

/**
 * AES-256-GCM for the register's personal data. A sealed value is text,
 * `r1.<key id>.<base64 of iv (12) || ciphertext || tag (16)>`, with the key id and the column
 * authenticated as additional data: reads decrypt with any known key, writes use the current one.
 */
export class RegisterCipher {
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

  /** A cipher from the validated key variables. */
  static fromConfig(config: RegisterKeyConfig): RegisterCipher {
    const decode = (value: string) => Buffer.from(value, 'base64');
    return new RegisterCipher(decode(config.REGISTER_KEY), config.REGISTER_PREVIOUS_KEYS.map(decode));
  }

  /** The prefix every value sealed under the current key starts with (a rekey finds the others by it). */
  get currentPrefix(): string {
    return `${FORMAT}.${this.keyId}.`;
  }

  /** Encrypts one value of `field` under the current key. */
  seal(field: SealedField, plain: string): string {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.keys.get(this.keyId)!, iv);
    cipher.setAAD(Buffer.from(`${this.keyId}:${field}`, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${this.currentPrefix}${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')}`;
  }

  /** Decrypts one sealed value of `field` with whichever known key it names. */
  open(field: SealedField, sealed: string): string {
    const [format, keyId, data, ...rest] = sealed.split('.');
    if (format !== FORMAT || !keyId || data === undefined || rest.length > 0) throw new Error(`a sealed ${field} is malformed`);
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no register key with id ${keyId} (set REGISTER_PREVIOUS_KEYS after a rotation)`);
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error(`a sealed ${field} is truncated`);
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${keyId}:${field}`, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
