import { runServiceProcess } from '@fund/shared/server';
import { loadDisbursementConfig } from './config';
import { disbursementService } from './service';

runServiceProcess(() => disbursementService(loadDisbursementConfig()));
