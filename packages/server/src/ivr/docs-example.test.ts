import { readFileSync } from 'node:fs';
import { checkIvrPrompts, parseIvrFlow, validateIvrFlow } from '@openccc/protocol';
import { describe, expect, it } from 'vitest';
import { loadPromptLibrary } from './prompt-library.js';
import { IvrDriver } from './test-support/driver.js';

/** The JSON blocks of docs/ivr.md, so the documented flow and fragments stay valid. */
const doc = readFileSync(new URL('../../../../docs/ivr.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] as string);
const example = JSON.parse(blocks[0] as string) as Record<string, unknown>;

describe('docs/ivr.md', () => {
  it('shows a complete example that is valid and uses only default prompts', async () => {
    const flow = parseIvrFlow(example);
    const library = await loadPromptLibrary();
    expect(checkIvrPrompts(flow, (id) => library.has(id))).toEqual([]);
  });

  it('runs the example as the text tells it: Monday 10:00 in Shanghai, 1 pressed during the welcome', () => {
    const ivr = new IvrDriver(parseIvrFlow(example), { now: Date.UTC(2026, 10, 30, 2, 0) });
    ivr.started();
    ivr.press('1');
    expect(ivr.finishPrompt()).toEqual([{ type: 'queue', skillGroupId: 1, ivrPath: [{ key: '1', label: '业务咨询' }] }]);
  });

  it('shows work-time and survey fragments that fit into the example', () => {
    const fragments = blocks.slice(1).filter((block) => /^"(workTime|survey)"/.test(block));
    expect(fragments).toHaveLength(2);
    for (const fragment of fragments) {
      const flow = { ...example, ...(JSON.parse(`{${fragment}}`) as Record<string, unknown>) };
      expect(validateIvrFlow(flow)).toMatchObject({ ok: true });
    }
  });
});
