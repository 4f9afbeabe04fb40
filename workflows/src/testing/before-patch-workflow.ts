// Bundled in place of @temporalio/workflow to record a history as the code ran before a patch:
// `patched()` answers false, exactly as code without the change would behave.
export * from '@temporalio/workflow/lib/index';

export function patched(_patchId: string): boolean {
  return false;
}
