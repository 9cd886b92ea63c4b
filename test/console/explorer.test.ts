import { ActionSchemas, describeFields, type FieldDescriptor } from '@openccc/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient } from '../../packages/server/src/test-support/sdk-client.js';
import { consoleErrorCode, consoleSignIn, type ConsoleClient } from './support/console-client.js';

let server: TestServer;
let admin: ConsoleClient;

interface ActionsBody {
  version: string;
  actions: Array<{ name: string; fields: FieldDescriptor[] }>;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await consoleSignIn(server.url, server.adminUser, server.adminPassword);
});
afterAll(async () => {
  await server.close();
});

describe('the API Explorer’s action descriptors', () => {
  it('describe every implemented action, from the schemas the Cloud API validates with', async () => {
    const res = await admin.call('/explorer/actions');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as ActionsBody;
    expect(body.version).toBe('2020-02-10');
    expect(body.actions.map((a) => a.name)).toEqual(Object.keys(ActionSchemas).sort());
    for (const action of body.actions) {
      expect(action.fields, action.name).toEqual(describeFields(ActionSchemas[action.name as keyof typeof ActionSchemas]));
    }
    const token = body.actions.find((a) => a.name === 'CreateSDKLoginToken');
    expect(token?.fields).toEqual([
      { name: 'SdkAppId', required: true, type: 'integer', min: 1 },
      { name: 'SeatUserId', required: true, type: 'string', minLength: 1, maxLength: 128 },
      { name: 'OnlyOnce', required: false, type: 'boolean' },
    ]);
    const staffs = body.actions.find((a) => a.name === 'CreateStaff')?.fields.find((f) => f.name === 'Staffs');
    expect(staffs).toMatchObject({ type: 'array', minItems: 1, maxItems: 10, items: { type: 'object' } });
    expect(staffs?.items?.fields?.filter((f) => f.required).map((f) => f.name)).toEqual(['Name', 'Mail', 'StaffNumber']);
  });

  it('may be read by QA staff, and by no one signed out', async () => {
    const mail = 'qa-explorer@example.com';
    const client = officialClient(server);
    await client.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [{ Name: 'QA', Mail: mail, StaffNumber: '', Role: 2 }] });
    await client.ModifyStaffPassword({ SdkAppId: server.sdkAppId, Email: mail, Password: 'Qa-explorer-1234' });
    const qa = await consoleSignIn(server.url, mail, 'Qa-explorer-1234');
    const res = await qa.call('/explorer/actions');
    expect(res.status).toBe(200);
    expect(((await res.json()) as ActionsBody).actions.length).toBe(Object.keys(ActionSchemas).length);

    const anonymous = await fetch(`${server.url}/console/api/v1/explorer/actions`);
    expect(anonymous.status).toBe(401);
    expect(await consoleErrorCode(anonymous)).toBe('unauthenticated');
  });
});

describe('the SDK test page', () => {
  it('is served with a CSP that allows scripts only from this server, and names the SdkURL it issues', async () => {
    const res = await fetch(`${server.url}/console/sdk-test`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...sources]) => [name, sources]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'", server.url]);
    expect(directives.get('frame-src')).toEqual(["'self'", server.url]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    const html = await res.text();
    expect(html).toContain(`<meta name="openccc-sdk-url" content="${server.url}/sdk/v1/tccc.js"`);
    expect(html).not.toContain('__OPENCCC_SDK_URL__');
    // Its script and style are the console's own built assets.
    const script = /<script type="module" crossorigin src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${server.url}${script ?? ''}`)).status).toBe(200);
  });

  it('needs no session: the token comes in its fragment, which the browser never sends', async () => {
    const res = await fetch(`${server.url}/console/sdk-test?token=ignored`);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});
