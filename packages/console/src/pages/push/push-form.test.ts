import { describe, expect, it } from 'vitest';
import { formOf, requestBody, validate, type PushForm, type PushSettingsView } from './push-form.js';

const EMPTY: PushSettingsView = { url: '', cdr: false, record: false, authMode: 'none', username: '', tokenUrl: '', clientId: '', secretSet: false, modifiedAt: null };
const form = (patch: Partial<PushForm>): PushForm => ({ ...formOf(EMPTY), ...patch });

describe('the data push form', () => {
  it('needs a URL only while a push is switched on, and only an http(s) one without credentials', () => {
    expect(validate(form({}), EMPTY)).toEqual({});
    expect(validate(form({ cdr: true }), EMPTY)).toEqual({ url: 'urlRequired' });
    expect(validate(form({ url: 'crm.example.com/push', cdr: true }), EMPTY)).toEqual({ url: 'urlInvalid' });
    expect(validate(form({ url: 'ftp://crm.example.com/push' }), EMPTY)).toEqual({ url: 'urlScheme' });
    expect(validate(form({ url: 'https://a:b@crm.example.com/push' }), EMPTY)).toEqual({ url: 'urlCredentials' });
    expect(validate(form({ url: 'https://crm.example.com/push', record: true }), EMPTY)).toEqual({});
  });

  it('asks for the credentials of the chosen mode; an empty secret keeps a stored one of the same mode', () => {
    const url = 'https://crm.example.com/push';
    expect(validate(form({ url, authMode: 'basic' }), EMPTY)).toEqual({ username: 'usernameRequired', password: 'passwordRequired' });
    expect(validate(form({ url, authMode: 'basic', username: 'a:b', password: 'x' }), EMPTY)).toEqual({ username: 'usernameColon' });
    const basicSaved = { ...EMPTY, url, authMode: 'basic' as const, username: 'crm', secretSet: true };
    expect(validate(form({ url, authMode: 'basic', username: 'crm' }), basicSaved)).toEqual({});
    expect(validate(form({ url, authMode: 'oauth' }), basicSaved)).toEqual({ tokenUrl: 'tokenUrlRequired', clientId: 'clientIdRequired', clientSecret: 'secretRequired' });
    expect(validate(form({ url, authMode: 'oauth', tokenUrl: 'token', clientId: 'c', clientSecret: 's' }), EMPTY)).toEqual({ tokenUrl: 'urlInvalid' });
  });

  it('sends only the fields of the chosen mode, and secrets only when typed', () => {
    expect(requestBody(form({ url: ' https://x.example.com/p ', cdr: true, authMode: 'basic', username: 'u', password: '' }))).toEqual({
      url: 'https://x.example.com/p',
      cdr: true,
      record: false,
      authMode: 'basic',
      username: 'u',
    });
    expect(requestBody(form({ url: 'https://x.example.com/p', authMode: 'oauth', tokenUrl: 'https://t.example.com', clientId: 'c', clientSecret: 's', username: 'ignored' }))).toEqual({
      url: 'https://x.example.com/p',
      cdr: false,
      record: false,
      authMode: 'oauth',
      tokenUrl: 'https://t.example.com',
      clientId: 'c',
      clientSecret: 's',
    });
  });
});
