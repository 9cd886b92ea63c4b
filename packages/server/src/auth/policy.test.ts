import { describe, expect, it } from 'vitest';
import type { ApiKeyPolicy } from '../store/ports.js';
import { actionMatches, allowsAction, allowsInstance, checkActionPatterns } from './policy.js';

describe('actionMatches', () => {
  it('matches everything with *', () => {
    expect(actionMatches('*', 'CreateStaff')).toBe(true);
    expect(actionMatches('*', 'DescribeStaffInfoList')).toBe(true);
  });

  it('matches a prefix with a trailing wildcard', () => {
    expect(actionMatches('Describe*', 'DescribeStaffInfoList')).toBe(true);
    expect(actionMatches('Describe*', 'Describe')).toBe(true);
    expect(actionMatches('Describe*', 'CreateStaff')).toBe(false);
    // Case matters: action names are case-sensitive.
    expect(actionMatches('Describe*', 'describeStaffInfoList')).toBe(false);
  });

  it('matches exact names only without a wildcard', () => {
    expect(actionMatches('CreateStaff', 'CreateStaff')).toBe(true);
    expect(actionMatches('CreateStaff', 'CreateStaffX')).toBe(false);
    expect(actionMatches('CreateStaff', 'Create')).toBe(false);
    expect(actionMatches('CreateStaff', 'createstaff')).toBe(false);
  });
});

describe('allowsAction', () => {
  it('lets a main-account key (null policy) call anything', () => {
    expect(allowsAction(null, 'DeleteStaff')).toBe(true);
  });

  it('checks the action against every pattern', () => {
    const policy: ApiKeyPolicy = { actions: ['Describe*', 'CreateSDKLoginToken'], sdkAppIds: null };
    expect(allowsAction(policy, 'DescribeSkillGroupInfoList')).toBe(true);
    expect(allowsAction(policy, 'CreateSDKLoginToken')).toBe(true);
    expect(allowsAction(policy, 'CreateStaff')).toBe(false);
  });

  it('allows nothing with an empty action list', () => {
    expect(allowsAction({ actions: [], sdkAppIds: null }, 'DescribeStaffInfoList')).toBe(false);
  });

  it('allows everything with *', () => {
    expect(allowsAction({ actions: ['*'], sdkAppIds: [1] }, 'DeleteStaff')).toBe(true);
  });
});

describe('allowsInstance', () => {
  it('lets a main-account key act on every instance', () => {
    expect(allowsInstance(null, 1400000001)).toBe(true);
  });

  it('lets a key without an instance list act on every instance', () => {
    expect(allowsInstance({ actions: ['*'], sdkAppIds: null }, 1400000001)).toBe(true);
  });

  it('restricts a key to its instance list', () => {
    const policy: ApiKeyPolicy = { actions: ['*'], sdkAppIds: [1400000001, 1400000002] };
    expect(allowsInstance(policy, 1400000001)).toBe(true);
    expect(allowsInstance(policy, 1400000002)).toBe(true);
    expect(allowsInstance(policy, 1400000003)).toBe(false);
  });

  it('allows no instance with an empty list', () => {
    expect(allowsInstance({ actions: ['*'], sdkAppIds: [] }, 1400000001)).toBe(false);
  });
});

describe('checkActionPatterns', () => {
  it('accepts action names, prefix patterns and *', () => {
    expect(checkActionPatterns(['*'])).toBeNull();
    expect(checkActionPatterns(['Describe*', 'CreateSDKLoginToken', 'SetStaffStatus'])).toBeNull();
    expect(checkActionPatterns([])).toBeNull();
  });

  it.each([['describe*'], ['Describe**'], ['Des*cribe'], ['*Staff'], [''], ['Create Staff'], ['CreateStaff1'], ['Describe?'], ['**']])(
    'rejects %j and names it in the message',
    (bad) => {
      const message = checkActionPatterns(['DescribeStaffInfoList', bad, 'Create*']);
      expect(message).toBe(`"${bad}" is not an action name or pattern (e.g. CreateSDKLoginToken, Describe*, *).`);
    },
  );

  it('reports the first bad pattern', () => {
    expect(checkActionPatterns(['ok*', 'Bad-One'])).toContain('"ok*"');
  });
});
