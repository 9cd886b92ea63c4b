import tencentcloud from 'tencentcloud-sdk-nodejs';
import type { TestServer } from './harness.js';

export type CccClient = InstanceType<typeof tencentcloud.ccc.v20200210.Client>;

/** The official Tencent Cloud Node SDK's ccc client, pointed at a test server. */
export function officialClient(
  server: Pick<TestServer, 'port' | 'secretId' | 'secretKey'>,
  options: { reqMethod?: 'POST' | 'GET'; language?: 'zh-CN' | 'en-US'; secretId?: string; secretKey?: string } = {},
): CccClient {
  return new tencentcloud.ccc.v20200210.Client({
    credential: { secretId: options.secretId ?? server.secretId, secretKey: options.secretKey ?? server.secretKey },
    region: '',
    profile: {
      httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: 'http://', reqMethod: options.reqMethod ?? 'POST' },
      ...(options.language ? { language: options.language } : {}),
    },
  });
}
