import { describe, expect, it } from 'vitest';
import { extensionFieldOf, skillGroupIdsOf } from './extensions-api.js';

describe('extensions', () => {
  it('reads the comma-separated skill groups', () => {
    expect(skillGroupIdsOf({ ExtensionId: '8001', ExtensionName: 'a', SkillGroupId: '3, 12' })).toEqual([3, 12]);
    expect(skillGroupIdsOf({ ExtensionId: '8001', ExtensionName: 'a', SkillGroupId: '' })).toEqual([]);
    expect(skillGroupIdsOf({ ExtensionId: '8001', ExtensionName: 'a' })).toEqual([]);
  });

  it('points a refusal at the field it is about', () => {
    expect(extensionFieldOf('FailedOperation.DuplicatedAccount', 'Extension 8001 already exists')).toBe('id');
    expect(extensionFieldOf('InvalidParameterValue', 'ExtensionId must be 1 to 32 digits')).toBe('id');
    expect(extensionFieldOf('InvalidParameter', 'ExtensionName: at least 1 character')).toBe('name');
    expect(extensionFieldOf('InvalidParameterValue.AccountNotExist', 'No staff with the account x')).toBe('relation');
    expect(extensionFieldOf('InvalidParameterValue.SkillGroupError', 'Skill group 9 does not exist')).toBe('groups');
    expect(extensionFieldOf('InternalError', 'ExtensionId')).toBe('form');
  });
});
