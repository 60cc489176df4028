/** Replaced at bundle time by esbuild (`define`) with the version in package.json. */
declare const PLUMBLINE_VERSION: string | undefined;

export const version: string = typeof PLUMBLINE_VERSION === 'string' ? PLUMBLINE_VERSION : '0.0.0-dev';
