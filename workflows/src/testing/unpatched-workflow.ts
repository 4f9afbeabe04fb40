// Bundled in place of @temporalio/workflow by the replay test: `patched()` answers true without
// recording a marker, exactly as if the change had been deployed without `patched()` around it.
export * from '@temporalio/workflow/lib/index';

export function patched(_patchId: string): boolean {
  return true;
}
