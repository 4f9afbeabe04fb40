import { baseServiceConfig, loadConfig } from '@fund/shared/server';

export const collectionConfigSchema = baseServiceConfig;
export type CollectionConfig = ReturnType<typeof loadCollectionConfig>;

/** Reads and freezes the collection service's environment. */
export function loadCollectionConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(collectionConfigSchema, env);
}
