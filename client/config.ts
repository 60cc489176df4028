import * as vscode from 'vscode';

/** Plumbline's settings, read in this one place (contributed in package.json). */
export interface PlumblineConfig {
  plans: {
    include: string[];
    exclude: string[];
  };
  /** Passed on as they are: engine/tracecodes checks them and explains what is wrong. */
  traceCodes: {
    patterns?: string[];
    format?: string;
    registry?: string;
    exclude?: string[];
  };
}

export function readConfig(): PlumblineConfig {
  const config = vscode.workspace.getConfiguration('plumbline');
  return {
    plans: {
      include: config.get<string[]>('plans.include', []),
      exclude: config.get<string[]>('plans.exclude', []),
    },
    traceCodes: {
      patterns: config.get<string[]>('traceCodes.patterns'),
      format: config.get<string>('traceCodes.format'),
      registry: config.get<string>('traceCodes.registry'),
      exclude: config.get<string[]>('traceCodes.exclude'),
    },
  };
}
