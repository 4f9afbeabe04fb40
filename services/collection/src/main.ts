import { runServiceProcess } from '@fund/shared/server';
import { loadCollectionConfig } from './config';
import { collectionService } from './service';

runServiceProcess(() => collectionService(loadCollectionConfig()));
