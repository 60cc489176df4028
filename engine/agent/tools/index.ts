import { runCommandTool } from './command';
import { editFileTool, listFilesTool, readFileTool, searchTextTool, writeFileTool } from './files';
import { askUserTool, finishTool } from './interaction';
import { getTaskTool, listPlansTool, nextTaskTool, setTaskStatusTool, toggleDeliverableTool } from './plan';
import type { Tool } from './tool';

export * from './tool';

/** Every tool an agent gets (SPEC §4). */
export const agentTools: readonly Tool[] = [
  readFileTool,
  listFilesTool,
  searchTextTool,
  writeFileTool,
  editFileTool,
  runCommandTool,
  listPlansTool,
  getTaskTool,
  setTaskStatusTool,
  toggleDeliverableTool,
  nextTaskTool,
  askUserTool,
  finishTool,
];
export { checkEditMaxLanguageChars, checkEditMaxPathChars, checkEditMaxTextChars, checkEditTool } from './checkEdit';
export { readOnlyTools, servedToolContext, servedTools, type ServedContext } from './served';
