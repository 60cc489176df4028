import { z } from 'zod';
import { defineTool } from './tool';

export const askUserTool = defineTool({
  name: 'ask_user',
  description: 'Ask the user a question and wait for the answer. Use it when the task is ambiguous or a decision is theirs.',
  schema: z.object({ question: z.string().min(1).max(4000) }).strict(),
  async run({ question }, ctx) {
    return { content: await ctx.ask(question) };
  },
});

export const finishTool = defineTool({
  name: 'finish',
  description: 'Report that you are done: success true only when the task is complete and checked; false with the reason otherwise. Ends the run.',
  schema: z.object({ success: z.boolean(), summary: z.string().min(1).max(4000) }).strict(),
  async run({ success, summary }) {
    return { content: 'Reported.', finish: { success, summary } };
  },
});
