import crypto from 'node:crypto';
import { loadDisbursementConfig } from '../config';
import { RegisterCipher, registerKeyConfig } from './register-cipher';

const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);
const ID_NUMBER = '62010219800101123X';

describe('the register cipher', () => {
  it('seals a value so it reads back, naming its key, never the same ciphertext twice', () => {
    const cipher = new RegisterCipher(keyA);
    const sealed = cipher.seal('id_number', ID_NUMBER);
    expect(sealed.startsWith(cipher.currentPrefix)).toBe(true);
    expect(sealed).not.toContain(ID_NUMBER);
    expect(cipher.seal('id_number', ID_NUMBER)).not.toBe(sealed);
    expect(cipher.open('id_number', sealed)).toBe(ID_NUMBER);
  });

  it('binds a value to its column and refuses a tampered one', () => {
    const cipher = new RegisterCipher(keyA);
    const sealed = cipher.seal('id_number', ID_NUMBER);
    expect(() => cipher.open('bank_account', sealed)).toThrow();
    const bytes = Buffer.from(sealed.split('.')[2]!, 'base64');
    bytes[14] = bytes[14]! ^ 1;
    expect(() => cipher.open('id_number', `${cipher.currentPrefix}${bytes.toString('base64')}`)).toThrow();
  });

  it('reads values of a previous key after a rotation, and names the variable when the key is gone', () => {
    const sealedUnderA = new RegisterCipher(keyA).seal('bank_account', '6217000000000012345');
    const rotated = new RegisterCipher(keyB, [keyA]);
    expect(rotated.open('bank_account', sealedUnderA)).toBe('6217000000000012345');
    expect(rotated.seal('bank_account', '6217000000000012345').startsWith(new RegisterCipher(keyB).currentPrefix)).toBe(true);
    expect(() => new RegisterCipher(keyB).open('bank_account', sealedUnderA)).toThrow('set REGISTER_PREVIOUS_KEYS after a rotation');
  });

  it('is configured from REGISTER_KEY and REGISTER_PREVIOUS_KEYS, validated like the payload key', () => {
    const config = registerKeyConfig.parse({
      REGISTER_KEY: keyB.toString('base64'),
      REGISTER_PREVIOUS_KEYS: ` ${keyA.toString('base64')} ,`,
    });
    expect(config.REGISTER_PREVIOUS_KEYS).toEqual([keyA.toString('base64')]);
    expect(RegisterCipher.fromConfig(config).open('id_number', new RegisterCipher(keyA).seal('id_number', ID_NUMBER))).toBe(ID_NUMBER);
    expect(registerKeyConfig.safeParse({ REGISTER_KEY: crypto.randomBytes(16).toString('base64') }).success).toBe(false);
  });

  it('is required: the disbursement service does not start without REGISTER_KEY, naming it', () => {
    const env = {
      PORT: '0',
      DATABASE_URL: 'postgres://app@127.0.0.1/fund',
      DATABASE_MIGRATION_URL: 'postgres://owner@127.0.0.1/fund',
      AUTH_JWT_SECRET: 'x'.repeat(32),
    };
    expect(() => loadDisbursementConfig(env)).toThrow(/REGISTER_KEY: /);
    expect(loadDisbursementConfig({ ...env, REGISTER_KEY: keyA.toString('base64') }).REGISTER_PREVIOUS_KEYS).toEqual([]);
  });
});
