import { CloudApiError } from '@openccc/protocol';
import { decodeAudioUrl } from '../../prompts/prompt-audio.js';
import type { IvrPrompt } from '../../store/ports.js';
import { requireInstance } from '../../staff/instances.js';
import type { ActionHandlers } from '../context.js';

/** AudioFileInfo.Status: 1, approved (OpenCCC does not review audio). */
const APPROVED = 1;

function audioFileInfo(p: IvrPrompt) {
  return { FileId: p.id, CustomFileName: p.customName, AudioFileName: p.fileName, Status: APPROVED };
}

export const ivrAudioActions = {
  async UploadIvrAudio({ services, language }, req) {
    await requireInstance(services.store.instances, req.SdkAppId);
    const SuccessFileList: Array<ReturnType<typeof audioFileInfo>> = [];
    const FailedFileList: Array<{ FileName: string; FailedMsg: string }> = [];
    // One after the other, so FileIds follow the order of AudioList.
    for (const audio of req.AudioList) {
      try {
        const bytes = decodeAudioUrl(audio.AudioUrl, audio.CustomFileName);
        SuccessFileList.push(audioFileInfo(await services.prompts.add(req.SdkAppId, audio.CustomFileName, null, bytes)));
      } catch (error) {
        if (!(error instanceof CloudApiError)) throw error;
        FailedFileList.push({ FileName: audio.CustomFileName, FailedMsg: error.messageIn(language) });
      }
    }
    return { SuccessFileList, FailedFileList };
  },

  async DescribeIvrAudioList({ services }, req) {
    const page = await services.prompts.list(req.SdkAppId, {
      customNames: req.CustomFileName,
      fileNames: req.AudioFileName,
      ids: req.FileId,
      limit: req.PageSize,
      offset: req.PageNumber * req.PageSize,
    });
    return { TotalCount: page.total, FileInfo: page.items.map(audioFileInfo) };
  },
} satisfies Pick<ActionHandlers, 'UploadIvrAudio' | 'DescribeIvrAudioList'>;
