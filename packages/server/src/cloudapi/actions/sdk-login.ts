import { cloudError } from '@openccc/protocol';
import { requireInstance } from '../../staff/instances.js';
import type { ActionHandlers } from '../context.js';

/** One-time console links live five minutes. */
export const ADMIN_LINK_TTL_SECONDS = 300;

export const sdkLoginActions = {
  async CreateSDKLoginToken({ services }, req) {
    await requireInstance(services.store.instances, req.SdkAppId);
    const staff = await services.staff.require(req.SdkAppId, req.SeatUserId);
    const { secret, expiresAt } = await services.tokens.mint('sdk-token', req.SdkAppId, staff.mail, services.tokenTtlSeconds, req.OnlyOnce ?? false);
    return { Token: secret, ExpiredTime: Math.floor(expiresAt / 1000), SdkURL: `${services.publicUrl}/sdk/v1/tccc.js` };
  },

  async CreateAdminURL({ services }, req) {
    await requireInstance(services.store.instances, req.SdkAppId);
    const staff = await services.staff.require(req.SdkAppId, req.SeatUserId);
    if (staff.role !== 1 && staff.role !== 2) {
      throw cloudError(
        'FailedOperation.PermissionDenied',
        `${staff.mail} is an agent; console links are only for administrators (Role 1) and quality inspectors (Role 2).`,
        `${staff.mail} 是普通座席，管理端链接仅限管理员（Role 1）和质检员（Role 2）。`,
      );
    }
    const { secret } = await services.tokens.mint('admin-link', req.SdkAppId, staff.mail, ADMIN_LINK_TTL_SECONDS, true);
    return { URL: `${services.publicUrl}/console/login?code=${secret}` };
  },
} satisfies Pick<ActionHandlers, 'CreateSDKLoginToken' | 'CreateAdminURL'>;
