import { randomInt } from 'node:crypto';
import type { SecretBox } from './auth/secret-box.js';
import { hashPassword } from './crypto/passwords.js';
import { newPassword, newSecretId, newSecretKey } from './crypto/secrets.js';
import { SDK_APP_ID_MAX, SDK_APP_ID_MIN } from './staff/instances.js';
import type { ApiKeyOptions, ApiKeyPolicy, Store } from './store/ports.js';

export const ADMIN_MAIL = 'admin@openccc.local';

export interface CreatedInstance {
  sdkAppId: number;
  adminUser: string;
  adminPassword: string;
}

/** Creates an instance with a random SdkAppId and its administrator (Role 1) with a generated password. */
export async function createInstance(store: Store, name: string, now: number): Promise<CreatedInstance> {
  let sdkAppId: number;
  do sdkAppId = randomInt(SDK_APP_ID_MIN, SDK_APP_ID_MAX + 1);
  while (await store.instances.get(sdkAppId));
  await store.instances.create({ sdkAppId, name, createdAt: now });
  const adminPassword = newPassword();
  await store.staff.createMany(
    [
      {
        sdkAppId,
        mail: ADMIN_MAIL,
        name: 'Administrator',
        staffNumber: '0',
        phone: '',
        nick: '管理员',
        userId: '',
        role: 1,
        extensionNumber: '',
        passwordHash: await hashPassword(adminPassword),
        useMobileCallOut: false,
        useMobileAccept: 0,
        forwardingConfig: null,
      },
    ],
    [[]],
    now,
  );
  return { sdkAppId, adminUser: ADMIN_MAIL, adminPassword };
}

export interface CreatedKey {
  secretId: string;
  secretKey: string;
}

/** Creates an API key pair; `policy` null makes a main-account key. The SecretKey is returned once and stored sealed. */
export async function createApiKey(
  store: Store,
  box: SecretBox,
  policy: ApiKeyPolicy | null,
  description: string,
  now: number,
  options: Partial<ApiKeyOptions> = {},
): Promise<CreatedKey> {
  const secretId = newSecretId();
  const secretKey = newSecretKey();
  await store.apiKeys.create({
    secretId,
    secretKeySealed: box.seal(secretKey, secretId),
    policy,
    status: 'enabled',
    description,
    createdAt: now,
    requireSignedAction: options.requireSignedAction ?? false,
    singleUseSignatures: options.singleUseSignatures ?? false,
  });
  return { secretId, secretKey };
}

export interface FirstRun extends CreatedInstance, CreatedKey {}

/** First-run setup: one instance, its administrator and a main-account key. Null when already initialised. */
export async function initialize(store: Store, box: SecretBox, now: number): Promise<FirstRun | null> {
  if ((await store.instances.list()).length > 0) return null;
  const instance = await createInstance(store, 'default', now);
  const key = await createApiKey(store, box, null, 'main-account key created by init', now);
  return { ...instance, ...key };
}
