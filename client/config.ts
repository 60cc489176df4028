import * as vscode from 'vscode';

/** Plumbline's settings, read in this one place (contributed in package.json). */
export interface PlumblineConfig {
  plans: {
    include: string[];
    exclude: string[];
  };
}

export function readConfig(): PlumblineConfig {
  const config = vscode.workspace.getConfiguration('plumbline');
  return {
    plans: {
      include: config.get<string[]>('plans.include', []),
      exclude: config.get<string[]>('plans.exclude', []),
    },
  };
}
