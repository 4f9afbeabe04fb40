import type { Server } from 'node:http';
import { authSecret, createCodecServerApp, createLogger, EncryptionCodec, loadConfig, payloadKeyConfig } from '@fund/shared/server';
import { z } from 'zod';

/** The codec server's environment: where it listens, the payload keys, who may decrypt, from which UI. */
export const codecServerConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535),
  HOST: z.string().default('127.0.0.1'),
  /** Verifies operator tokens (the API's signing secret). */
  AUTH_JWT_SECRET: authSecret,
  ...payloadKeyConfig.shape,
  /** Comma-separated origins of the Temporal Web UI allowed to call from a browser. */
  CODEC_CORS_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((value) =>
      value
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ error: 'must be origins like http://127.0.0.1:8233' }))),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type CodecServerConfig = z.infer<typeof codecServerConfigSchema>;

/** Starts the codec server; resolves with the listening server and its URL. */
export async function startCodecServer(config: CodecServerConfig): Promise<{ server: Server; url: string }> {
  const logger = createLogger('codec-server', config.LOG_LEVEL);
  const app = createCodecServerApp({
    codec: EncryptionCodec.fromConfig(config),
    authSecret: config.AUTH_JWT_SECRET,
    allowedOrigins: config.CODEC_CORS_ORIGINS,
    logger,
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, origins: config.CODEC_CORS_ORIGINS }, 'codec server listening');
  return { server, url: `http://${config.HOST}:${port}/codec` };
}

if (require.main === module) {
  let config: CodecServerConfig;
  try {
    config = loadConfig(codecServerConfigSchema, process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(78);
  }
  startCodecServer(config).then(
    ({ server }) => {
      const stop = () => {
        server.close(() => process.exit(0));
        server.closeAllConnections();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`codec server failed to start: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
