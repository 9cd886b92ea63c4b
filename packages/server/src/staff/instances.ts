import { cloudError } from '@openccc/protocol';
import type { Instance, InstanceRepo } from '../store/ports.js';

/** Looks up an instance by SdkAppId or throws InvalidParameterValue.InstanceNotExist. */
export async function requireInstance(instances: InstanceRepo, sdkAppId: number): Promise<Instance> {
  const instance = await instances.get(sdkAppId);
  if (!instance) {
    throw cloudError(
      'InvalidParameterValue.InstanceNotExist',
      `No instance has SdkAppId ${sdkAppId}.`,
      `SdkAppId ${sdkAppId} 对应的实例不存在。`,
    );
  }
  return instance;
}

export const SDK_APP_ID_MIN = 1_400_000_000;
export const SDK_APP_ID_MAX = 1_499_999_999;
