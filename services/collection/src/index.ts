export { collectionService } from './service';
export { loadCollectionConfig, collectionConfigSchema } from './config';
export type { CollectionDB } from './db';
