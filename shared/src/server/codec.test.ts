import crypto from 'node:crypto';
import type { Server } from 'node:http';
import { defaultPayloadConverter } from '@temporalio/common';
import { issueToken } from './auth';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, payloadKeyConfig, payloadToJson } from './codec';
import { CODEC_SESSION_COOKIE, createCodecServerApp } from './codec-server';
import { createLogger } from './logger';

const key = crypto.randomBytes(32);
const secret = 'codec-test-secret-of-at-least-32-characters';
const payee = { name: '张伟', idNumber: '620102198001011234', bankAccount: '6222020200112233445' };

describe('EncryptionCodec', () => {
  const codec = new EncryptionCodec(key);

  it('encrypts a payload so none of its bytes show, and decrypts it back exactly', async () => {
    const plain = defaultPayloadConverter.toPayload(payee);
    const [encrypted] = await codec.encode([plain]);
    expect(Buffer.from(encrypted!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(encrypted!.metadata![KEY_ID_METADATA]!).toString()).toBe(codec.keyId);
    expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain(payee.idNumber);
    expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('json/plain');
    const [decrypted] = await codec.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(decrypted!)).toEqual(payee);
    expect(Buffer.from(decrypted!.metadata!.encoding!).toString()).toBe('json/plain');
  });

  it('uses a fresh IV each time, so equal values do not look equal', async () => {
    const plain = defaultPayloadConverter.toPayload(payee);
    const [a, b] = await codec.encode([plain, plain]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('refuses a tampered payload and one under an unknown key', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(payee)]);
    const tampered = Buffer.from(encrypted!.data!);
    tampered[20] = tampered[20]! ^ 1;
    await expect(codec.decode([{ ...encrypted!, data: tampered }])).rejects.toThrow(/unable to authenticate|auth/i);
    await expect(new EncryptionCodec(crypto.randomBytes(32)).decode([encrypted!])).rejects.toThrow(/no payload key with id/);
  });

  it('still decrypts with a previous key after a rotation, and passes unencrypted payloads through', async () => {
    const [old] = await codec.encode([defaultPayloadConverter.toPayload('before the rotation')]);
    const rotated = new EncryptionCodec(crypto.randomBytes(32), [key]);
    const [decrypted] = await rotated.decode([old!]);
    expect(defaultPayloadConverter.fromPayload(decrypted!)).toBe('before the rotation');
    const plain = defaultPayloadConverter.toPayload('recorded before encryption');
    expect(await rotated.decode([plain])).toEqual([plain]);
  });

  it('takes its keys from config, refusing anything but 32 bytes in base64', () => {
    expect(payloadKeyConfig.safeParse({ PAYLOAD_KEY: key.toString('base64') }).success).toBe(true);
    const short = payloadKeyConfig.safeParse({ PAYLOAD_KEY: crypto.randomBytes(16).toString('base64') });
    expect(short.success).toBe(false);
    expect(short.error?.issues[0]?.message).toMatch(/32 random bytes in base64/);
    const config = payloadKeyConfig.parse({
      PAYLOAD_KEY: key.toString('base64'),
      PAYLOAD_PREVIOUS_KEYS: ` ${crypto.randomBytes(32).toString('base64')} ,`,
    });
    expect(config.PAYLOAD_PREVIOUS_KEYS).toHaveLength(1);
    expect(EncryptionCodec.fromConfig(config).keyId).toBe(codec.keyId);
  });
});

describe('the codec server', () => {
  const codec = new EncryptionCodec(key);
  const origin = 'http://127.0.0.1:8233';
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = createCodecServerApp({
      codec,
      authSecret: secret,
      allowedOrigins: [origin],
      logger: createLogger('codec-server', 'silent'),
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const encryptedBody = async () => ({ payloads: (await codec.encode([defaultPayloadConverter.toPayload(payee)])).map(payloadToJson) });
  const decode = async (headers: Record<string, string>, path = '/codec/decode') =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: JSON.stringify(await encryptedBody()),
    });

  it('decrypts for an operator, at <endpoint>/decode and /decode alike', async () => {
    const token = await issueToken(secret, { userId: 'op-1', role: 'operator' });
    for (const path of ['/codec/decode', '/decode']) {
      const res = await decode({ authorization: `Bearer ${token}` }, path);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
      expect(JSON.parse(Buffer.from(body.payloads[0]!.data, 'base64').toString())).toEqual(payee);
    }
  });

  it('refuses anyone without a token, and every role but operator', async () => {
    expect((await decode({})).status).toBe(401);
    expect((await decode({ authorization: 'Bearer not-a-token' })).status).toBe(401);
    const reviewer = await issueToken(secret, { userId: 'r-1', role: 'hrss_reviewer' });
    const res = await decode({ authorization: `Bearer ${reviewer}` });
    expect(res.status).toBe(403);
    expect(JSON.stringify(await res.json())).not.toContain(payee.idNumber);
  });

  it('answers the UI origin preflight with CORS and credentials, and no other origin', async () => {
    const preflight = await fetch(`${url}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/i);
    const other = await fetch(`${url}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('signs an operator in with a cookie the UI can send, and refuses a non-operator token', async () => {
    const token = await issueToken(secret, { userId: 'op-2', role: 'operator' });
    const login = await fetch(`${url}/codec/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${token}`,
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^${CODEC_SESSION_COOKIE}=`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const res = await decode({ cookie: cookie.split(';')[0]!, origin });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    const agency = await issueToken(secret, { userId: 'a-1', role: 'city_agency', cityCode: '620100' });
    const refused = await fetch(`${url}/codec/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${agency}`,
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toBeNull();
  });

  it('encodes for an operator, and says what is wrong with a bad body', async () => {
    const token = await issueToken(secret, { userId: 'op-3', role: 'operator' });
    const plain = { payloads: [payloadToJson(defaultPayloadConverter.toPayload('x'))] };
    const res = await fetch(`${url}/codec/encode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(plain),
    });
    const body = (await res.json()) as { payloads: { metadata: Record<string, string> }[] };
    expect(Buffer.from(body.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    const bad = await fetch(`${url}/codec/decode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"nope":1}',
    });
    expect(bad.status).toBe(400);
  });
});
