// The official Tencent Cloud SDK's client for TCCC (`ccc`, 2020-02-10), pointed at OpenCCC: the
// only change from a TCCC integration is the endpoint.
import tencentcloud from 'tencentcloud-sdk-nodejs';

/** @typedef {InstanceType<typeof tencentcloud.ccc.v20200210.Client>} CccClient */
/** @typedef {{ url: string, sdkAppId: number, secretId: string, secretKey: string }} OpenCccConfig */

/**
 * @param {OpenCccConfig} openccc
 * @returns {CccClient}
 */
export function cccClient(openccc) {
  const url = new URL(openccc.url);
  return new tencentcloud.ccc.v20200210.Client({
    credential: { secretId: openccc.secretId, secretKey: openccc.secretKey },
    region: '',
    profile: { httpProfile: { endpoint: url.host, protocol: url.protocol === 'https:' ? 'https://' : 'http://', reqTimeout: 15 } },
  });
}

/**
 * The Cloud API's error, as the SDK throws it, in one line for the log (never the keys).
 * @param {unknown} error
 */
export function describeCloudError(error) {
  const { code, message, requestId } = /** @type {{ code?: string, message?: string, requestId?: string }} */ (error ?? {});
  return `${code ?? 'Error'}: ${message ?? String(error)}${requestId ? ` (RequestId ${requestId})` : ''}`;
}
