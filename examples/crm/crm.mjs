// Runs only the CRM, against an OpenCCC that runs elsewhere, configured from the environment:
//   CCC_URL=https://ccc.example.com CCC_SDK_APP_ID=… CCC_SECRET_ID=… CCC_SECRET_KEY=… node crm.mjs
// Optional: CRM_PORT (3000), CRM_HOST (127.0.0.1), CRM_DATA_DIR (./data/crm), CRM_SKILL_GROUP.
// The page's origin must be allowed on that OpenCCC: `openccc origins add <the CRM's origin>`.
import { fileURLToPath } from 'node:url';
import { startCrm } from './src/app.mjs';

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`crm: ${name} is not set (see the top of crm.mjs)`);
    process.exit(1);
  }
  return value;
}

const sdkAppId = Number(required('CCC_SDK_APP_ID'));
if (!Number.isSafeInteger(sdkAppId)) {
  console.error('crm: CCC_SDK_APP_ID must be the numeric SdkAppId');
  process.exit(1);
}
const crm = await startCrm({
  openccc: { url: required('CCC_URL'), sdkAppId, secretId: required('CCC_SECRET_ID'), secretKey: required('CCC_SECRET_KEY') },
  port: Number(process.env.CRM_PORT ?? 3000),
  host: process.env.CRM_HOST ?? '127.0.0.1',
  dataDir: process.env.CRM_DATA_DIR ?? fileURLToPath(new URL('./data/crm/', import.meta.url)),
  ...(process.env.CRM_SKILL_GROUP ? { skillGroupName: process.env.CRM_SKILL_GROUP } : {}),
  log: (line) => console.log(`crm: ${line}`),
});
console.log(`crm: serving ${crm.url}`);
process.on('SIGINT', () => void crm.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void crm.close().then(() => process.exit(0)));
