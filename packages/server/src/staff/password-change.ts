import type { Store } from '../store/ports.js';

/**
 * Stores a staff's new password hash and revokes every login ticket they hold,
 * in one batch of writes: whoever knew the old password is signed out. Used by
 * ModifyStaffPassword and by `openccc staff reset-password`, which runs in a
 * process of its own (the server then notices within one sweep of the hub).
 */
export async function storePasswordChange(store: Store, sdkAppId: number, mail: string, passwordHash: string, now: number): Promise<void> {
  await Promise.all([store.staff.update(sdkAppId, mail, { passwordHash }, now), store.credentials.revokeOthers('login-ticket', sdkAppId, mail, '')]);
}
