import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AudioFileInfo, DescribeIvrAudioListResponse, UploadIvrAudioResponse } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { CHINESE_RE, METHODS, clientFor, expectCloudError, expectExactFields, fieldsOf, uniq, unknownSdkAppId } from './helpers.js';
import { dataUrl, wavFile } from './wav.js';

const UPLOAD_FIELDS = fieldsOf<UploadIvrAudioResponse>({ FailedFileList: true, SuccessFileList: true, RequestId: true });
const LIST_FIELDS = fieldsOf<DescribeIvrAudioListResponse>({ TotalCount: true, FileInfo: true, RequestId: true });
const INFO_FIELDS = fieldsOf<AudioFileInfo>({ FileId: true, CustomFileName: true, AudioFileName: true, Status: true });

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

// Small files, so that they fit a GET query (32 KB); real prompts go with POST.
describe.each(METHODS)('IVR audio over %s', (method) => {
  it('uploads WAVs given as data: URLs, stores them in the data folder and lists them', async () => {
    const c = clientFor(server, method);
    const name = uniq('welcome');
    const ulaw = wavFile({ seconds: 0.1 });
    const res = await c.UploadIvrAudio({
      SdkAppId: server.sdkAppId,
      AudioList: [
        { CustomFileName: name, AudioUrl: dataUrl(ulaw) },
        { CustomFileName: name, AudioUrl: dataUrl(wavFile({ formatTag: 1, bitsPerSample: 16, seconds: 0.05 })) },
      ],
    });
    expectExactFields(res, UPLOAD_FIELDS);
    expect(res.FailedFileList).toEqual([]);
    expect(res.SuccessFileList).toHaveLength(2);
    const [first, second] = res.SuccessFileList ?? [];
    expectExactFields(first, INFO_FIELDS);
    expect(first).toEqual({ FileId: expect.any(Number), CustomFileName: name, AudioFileName: expect.stringMatching(/^[0-9a-f-]{36}\.wav$/), Status: 1 });
    expect(second?.FileId).toBeGreaterThan(first?.FileId ?? 0);
    const stored = join(server.dataDir, 'prompts', String(server.sdkAppId), first?.AudioFileName ?? '');
    expect(readFileSync(stored).equals(ulaw)).toBe(true);

    const list = await c.DescribeIvrAudioList({ SdkAppId: server.sdkAppId, PageSize: 50, PageNumber: 0, CustomFileName: [name] });
    expectExactFields(list, LIST_FIELDS);
    expect(list).toMatchObject({ TotalCount: 2, FileInfo: [first, second] });
    const byId = await c.DescribeIvrAudioList({ SdkAppId: server.sdkAppId, PageSize: 1, PageNumber: 0, FileId: [second?.FileId ?? 0] });
    expect(byId.FileInfo).toEqual([second]);
    const byFile = await c.DescribeIvrAudioList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, AudioFileName: [first?.AudioFileName ?? ''] });
    expect(byFile.FileInfo).toEqual([first]);
  });

  it('reports each refused file in FailedFileList and keeps the others', async () => {
    const c = clientFor(server, method);
    const before = readdirSync(join(server.dataDir, 'prompts', String(server.sdkAppId))).length;
    const res = await c.UploadIvrAudio({
      SdkAppId: server.sdkAppId,
      AudioList: [
        { CustomFileName: 'remote', AudioUrl: 'http://169.254.169.254/latest/meta-data/x.wav' },
        { CustomFileName: 'stereo', AudioUrl: dataUrl(wavFile({ channels: 2, seconds: 0.02 })) },
        { CustomFileName: 'hifi', AudioUrl: dataUrl(wavFile({ formatTag: 1, bitsPerSample: 16, sampleRate: 44100, seconds: 0.01 })) },
        { CustomFileName: 'mp3', AudioUrl: dataUrl(Buffer.from('ID3\u0003\u0000not a wav')) },
        { CustomFileName: 'plain', AudioUrl: 'data:audio/wav,RIFF' },
        { CustomFileName: 'good', AudioUrl: dataUrl(wavFile({ formatTag: 6, seconds: 0.05 })) },
      ],
    });
    expect(res.SuccessFileList?.map((f) => f.CustomFileName)).toEqual(['good']);
    const failed = Object.fromEntries((res.FailedFileList ?? []).map((f) => [f.FileName, f.FailedMsg]));
    expect(Object.keys(failed)).toEqual(['remote', 'stereo', 'hifi', 'mp3', 'plain']);
    expect(failed['remote']).toContain('does not fetch audio from URLs');
    expect(failed['stereo']).toContain('2 channel(s)');
    expect(failed['hifi']).toContain('44100 Hz');
    expect(failed['mp3']).toContain('RIFF');
    expect(failed['plain']).toContain('base64');
    expect(readdirSync(join(server.dataDir, 'prompts', String(server.sdkAppId)))).toHaveLength(before + 1);
  });
});

describe('IVR audio: bad input', () => {
  const c = () => clientFor(server, 'POST');

  it('answers in Chinese per file with zh-CN', async () => {
    const res = await clientFor(server, 'POST', 'zh-CN').UploadIvrAudio({ SdkAppId: server.sdkAppId, AudioList: [{ CustomFileName: 'x', AudioUrl: 'https://example.com/x.wav' }] });
    expect(res.FailedFileList?.[0]?.FailedMsg).toMatch(CHINESE_RE);
  });

  it('refuses an empty list, PageSize over 50 and an unknown instance', async () => {
    await expectCloudError(c().UploadIvrAudio({ SdkAppId: server.sdkAppId, AudioList: [] }), 'InvalidParameterValue');
    await expectCloudError(c().DescribeIvrAudioList({ SdkAppId: server.sdkAppId, PageSize: 51, PageNumber: 0 }), 'InvalidParameterValue');
    await expectCloudError(c().UploadIvrAudio({ SdkAppId: unknownSdkAppId(server), AudioList: [{ CustomFileName: 'x', AudioUrl: dataUrl(wavFile()) }] }), 'InvalidParameterValue.InstanceNotExist');
    await expectCloudError(c().DescribeIvrAudioList({ SdkAppId: unknownSdkAppId(server), PageSize: 10, PageNumber: 0 }), 'InvalidParameterValue.InstanceNotExist');
    expect(existsSync(join(server.dataDir, 'prompts', String(unknownSdkAppId(server))))).toBe(false);
  });
});
