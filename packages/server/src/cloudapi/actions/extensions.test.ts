import { CloudApiError } from '@openccc/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../auth/secret-box.js';
import { ExtensionService, extensionHa1 } from '../../sip/extensions.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { ActionContext, Services } from '../context.js';
import { extensionActions } from './extensions.js';

const APP = 1400000001;
const T0 = 1_700_000_000_000;

let store: SqliteStore;
let services: Services;
let now: number;
let passwords: string[];

function ctx(): ActionContext {
  return { services, language: 'en-US', requestId: 'test' };
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof CloudApiError) return error.code;
    throw error;
  }
  return 'succeeded';
}

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  await store.instances.create({ sdkAppId: APP, name: 'Main', createdAt: T0 });
  now = T0 + 1_500;
  passwords = ['Pw1aaaaaaaaaaaaaaaaa', 'Pw2bbbbbbbbbbbbbbbbb'];
  const extensions = new ExtensionService({
    store,
    box: SecretBox.fromEncoded('11'.repeat(32)),
    clock: () => now,
    sip: { domain: 'sip.example.com', outboundProxy: '203.0.113.5:5060' },
    generatePassword: () => passwords.shift() ?? 'exhausted',
  });
  // The extension actions use only these services.
  services = { store, extensions, clock: () => now } as Partial<Services> as Services;
});

afterEach(async () => {
  await store.close();
});

describe('extension actions', () => {
  it('CreateExtension stores the HA1 of the generated password for the instance realm; DescribeExtension gives the phone settings', async () => {
    expect(await extensionActions.CreateExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001', ExtensionName: ' Front desk ', Relation: '' })).toEqual({});
    const stored = await store.sipExtensions.get(APP, '8001');
    expect(stored).toMatchObject({ name: 'Front desk', realm: `${APP}.sip.example.com`, relation: null, ha1: extensionHa1('8001', `${APP}.sip.example.com`, 'Pw1aaaaaaaaaaaaaaaaa') });
    expect(stored?.passwordSealed.includes(Buffer.from('Pw1aaaaaaaaaaaaaaaaa'))).toBe(false);
    expect(await extensionActions.DescribeExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001' })).toEqual({
      ExtensionId: '8001',
      ExtensionDomain: `${APP}.sip.example.com`,
      Password: 'Pw1aaaaaaaaaaaaaaaaa',
      OutboundProxy: '203.0.113.5:5060',
      Transport: 'udp',
    });
  });

  it('ResetExtensionPassword answers the new password, which replaces the old one', async () => {
    await extensionActions.CreateExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001', ExtensionName: 'desk' });
    now += 60_000;
    expect(await extensionActions.ResetExtensionPassword(ctx(), { SdkAppId: APP, ExtensionId: '8001' })).toEqual({ Password: 'Pw2bbbbbbbbbbbbbbbbb' });
    const stored = await store.sipExtensions.get(APP, '8001');
    expect(stored?.ha1).toBe(extensionHa1('8001', `${APP}.sip.example.com`, 'Pw2bbbbbbbbbbbbbbbbb'));
    expect(stored?.modifiedAt).toBe(now);
    expect((await extensionActions.DescribeExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001' })).Password).toBe('Pw2bbbbbbbbbbbbbbbbb');
  });

  it('DescribeExtensions answers ExtensionInfo in seconds, groups comma-separated, the state only when asked', async () => {
    const a = (await store.skillGroups.create({ sdkAppId: APP, name: 'A', type: 0, maxConcurrency: 1 }, T0)) ?? -1;
    const b = (await store.skillGroups.create({ sdkAppId: APP, name: 'B', type: 0, maxConcurrency: 1 }, T0)) ?? -1;
    await extensionActions.CreateExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001', ExtensionName: 'desk', SkillGroupIds: [b, a] });
    const plain = await extensionActions.DescribeExtensions(ctx(), { SdkAppId: APP, PageNumber: 0 });
    expect(plain).toEqual({
      Total: 1,
      ExtensionList: [
        {
          SdkAppId: APP,
          FullExtensionId: `8001@${APP}.sip.example.com`,
          ExtensionId: '8001',
          SkillGroupId: `${a},${b}`,
          ExtensionName: 'desk',
          CreateTime: Math.floor(now / 1000),
          ModifyTime: Math.floor(now / 1000),
          Relation: '',
          RelationName: '',
        },
      ],
    });
    const offline = await extensionActions.DescribeExtensions(ctx(), { SdkAppId: APP, PageNumber: 0, IsNeedStatus: true });
    expect(offline.ExtensionList?.[0]).toMatchObject({ Status: 0, Register: false });

    const asked: Array<[number, string]> = [];
    services.sipRegistrations = (sdkAppId, extensionId) => {
      asked.push([sdkAppId, extensionId]);
      return { registered: true, busy: false };
    };
    expect((await extensionActions.DescribeExtensions(ctx(), { SdkAppId: APP, PageNumber: 0, IsNeedStatus: true })).ExtensionList?.[0]).toMatchObject({ Status: 100, Register: true });
    services.sipRegistrations = () => ({ registered: true, busy: true });
    expect((await extensionActions.DescribeExtensions(ctx(), { SdkAppId: APP, PageNumber: 0, IsNeedStatus: true })).ExtensionList?.[0]).toMatchObject({ Status: 200, Register: true });
    expect(asked).toEqual([[APP, '8001']]);
    expect(await extensionActions.DescribeExtensions(ctx(), { SdkAppId: APP, PageNumber: 0, IsNeedStatus: false })).toEqual(plain);
  });

  it('pages with PageSize 20 by default', async () => {
    for (let i = 0; i < 25; i++) {
      passwords.push(`Pw${String(i).padStart(18, 'x')}`);
      await extensionActions.CreateExtension(ctx(), { SdkAppId: APP, ExtensionId: String(100 + i), ExtensionName: `d${i}` });
    }
    const first = await extensionActions.DescribeExtensions(ctx(), { SdkAppId: APP, PageNumber: 0 });
    expect(first.Total).toBe(25);
    expect(first.ExtensionList?.length).toBe(20);
    const second = await extensionActions.DescribeExtensions(ctx(), { SdkAppId: APP, PageNumber: 1 });
    expect(second.ExtensionList?.map((e) => e.ExtensionId)).toEqual(['120', '121', '122', '123', '124']);
  });

  it('ModifyExtension changes only what it names; an empty Relation unbinds', async () => {
    await store.staff.createMany(
      [{ sdkAppId: APP, mail: 'ada@example.com', name: 'Ada', staffNumber: '1', phone: '', nick: '', userId: '', role: 3, extensionNumber: '', passwordHash: 'h', useMobileCallOut: false, useMobileAccept: 0, forwardingConfig: null }],
      [[]],
      T0,
    );
    await extensionActions.CreateExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001', ExtensionName: 'desk', Relation: 'ada@example.com' });
    await extensionActions.ModifyExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001', ExtensionName: 'reception' });
    expect(await store.sipExtensions.get(APP, '8001')).toMatchObject({ name: 'reception', relation: { mail: 'ada@example.com', name: 'Ada' } });
    await extensionActions.ModifyExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001', Relation: '' });
    expect(await store.sipExtensions.get(APP, '8001')).toMatchObject({ name: 'reception', relation: null });
    expect(await codeOf(extensionActions.ModifyExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001', ExtensionName: '  ' }))).toBe('InvalidParameterValue');
  });

  it('answers the codes of the situations', async () => {
    await extensionActions.CreateExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001', ExtensionName: 'desk' });
    expect(await codeOf(extensionActions.CreateExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001', ExtensionName: 'again' }))).toBe('FailedOperation.DuplicatedAccount');
    expect(await codeOf(extensionActions.CreateExtension(ctx(), { SdkAppId: APP, ExtensionId: '8-01', ExtensionName: 'bad' }))).toBe('InvalidParameterValue');
    expect(await codeOf(extensionActions.CreateExtension(ctx(), { SdkAppId: APP, ExtensionId: '8002', ExtensionName: 'x', SkillGroupIds: [42] }))).toBe('InvalidParameterValue.SkillGroupError');
    expect(await codeOf(extensionActions.CreateExtension(ctx(), { SdkAppId: APP, ExtensionId: '8002', ExtensionName: 'x', Relation: 'nobody@example.com' }))).toBe('InvalidParameterValue.AccountNotExist');
    expect(await store.sipExtensions.get(APP, '8002')).toBeUndefined();
    expect(await codeOf(extensionActions.DeleteExtension(ctx(), { SdkAppId: APP, ExtensionId: '8002' }))).toBe('ResourceNotFound');
    expect(await codeOf(extensionActions.ResetExtensionPassword(ctx(), { SdkAppId: APP, ExtensionId: '8002' }))).toBe('ResourceNotFound');
    expect(await codeOf(extensionActions.DescribeExtensions(ctx(), { SdkAppId: APP + 1, PageNumber: 0 }))).toBe('InvalidParameterValue.InstanceNotExist');
    expect(await extensionActions.DeleteExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001' })).toEqual({});
    expect(await codeOf(extensionActions.DescribeExtension(ctx(), { SdkAppId: APP, ExtensionId: '8001' }))).toBe('ResourceNotFound');
  });
});
